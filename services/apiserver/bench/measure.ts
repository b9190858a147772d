// One workload measured as every apiserver bench does it: prepared (not
// measured), a warm-up run, then `runs` runs of `seconds`; the row holds the
// median over runs of ops/s, p50 and p99. Shared by bench:apiserver (one
// apiserver) and bench:ha (1 and 3 replicas behind HAProxy).

import { median, medianOfRuns, summarize } from '@logbook/bench-kit';
import { PeakRssMeter } from './proc-memory.ts';
import type { RowResult } from './report.ts';
import type { Workload, WorkloadContext, WorkloadRun } from './workloads.ts';

/** Long enough for connections, JIT and the watch cache to settle; capped at one run's length. */
export const WARMUP_MS = 1_000;

/** The first line of an error's message: enough for a table note, never a stack. */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message.split('\n')[0]! : String(e);
}

export interface MeasureOptions {
  readonly runs: number;
  readonly seconds: number;
  /** The one apiserver's pid, for its peak RSS; undefined when there is none to watch (several replicas, --endpoints). */
  readonly pid: number | undefined;
}

export async function measureWorkload(w: Workload, ctx: WorkloadContext, o: MeasureOptions): Promise<RowResult> {
  const meter = o.pid === undefined ? undefined : new PeakRssMeter(o.pid);
  try {
    await w.prepare?.(ctx);
    meter?.start();
    await w.run(ctx, Math.min(WARMUP_MS, o.seconds * 1000));
    const results: WorkloadRun[] = [];
    for (let i = 0; i < o.runs; i++) results.push(await w.run(ctx, o.seconds * 1000));
    const peakRss = meter?.stop();
    const ok = results.filter((r) => r.samples.count > 0);
    const firstError = results.find((r) => r.firstError !== undefined)?.firstError;
    if (ok.length === 0) return { ok: false, reason: errorText(firstError ?? 'no operation completed') };
    const note = [results.at(-1)?.note ?? '', firstError !== undefined ? `first error: ${errorText(firstError)}` : ''].filter((s) => s !== '').join('; ');
    return {
      ok: true,
      summary: medianOfRuns(ok.map((r) => summarize(r.samples, r.elapsedMs))),
      errors: results.reduce((n, r) => n + r.errors, 0),
      clientCpu: median(results.map((r) => r.clientCpu)),
      note,
      peakRss,
    };
  } catch (e) {
    meter?.stop();
    return { ok: false, reason: errorText(e) };
  }
}
