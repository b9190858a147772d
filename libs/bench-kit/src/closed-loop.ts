// A closed-loop load generator: `inFlight` workers, each issuing its next
// operation as soon as the previous one finishes, until the deadline. The
// latency of an operation runs from its start to its completion, as the
// caller of a client library sees it. Failed operations are counted, not
// timed, and the first failure is kept for the report.

import { LatencySamples } from './stats.ts';

export interface LoadResult {
  readonly samples: LatencySamples;
  readonly elapsedMs: number;
  readonly errors: number;
  readonly firstError: unknown;
  /** Client process CPU time over wall time (1.0 = one core busy): above ~0.9 the client is the bottleneck. */
  readonly clientCpu: number;
}

/** `op(worker, seq)`: seq counts operations across all workers. */
export async function closedLoop(inFlight: number, durationMs: number, op: (worker: number, seq: number) => Promise<void>): Promise<LoadResult> {
  const samples = new LatencySamples();
  let errors = 0;
  let firstError: unknown;
  let seq = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const end = start + durationMs;
  const worker = async (w: number): Promise<void> => {
    while (performance.now() < end) {
      const t0 = performance.now();
      try {
        await op(w, seq++);
        samples.add(performance.now() - t0);
      } catch (e) {
        if (errors++ === 0) firstError = e;
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, (_, w) => worker(w)));
  const elapsedMs = performance.now() - start;
  return { samples, elapsedMs, errors, firstError, clientCpu: cpuShare(cpu0, elapsedMs) };
}

/** CPU time this process used since `since`, as a share of `elapsedMs` of wall time. */
export function cpuShare(since: NodeJS.CpuUsage, elapsedMs: number): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000 / elapsedMs;
}
