// A closed-loop load generator: `inFlight` workers, each starting its next
// request as soon as its previous one finishes, until the deadline. A
// request's latency runs from its start to its last response byte, as a
// client library's caller sees it. Failures are counted, not timed; the
// first is kept for the report.

import { LatencySamples } from './stats.ts';

export interface LoadResult {
  readonly samples: LatencySamples;
  readonly elapsedMs: number;
  readonly errors: number;
  readonly firstError: unknown;
  /** This process's CPU time over wall time (1.0 = one core): near 1 the client, not the server, was the limit. */
  readonly clientCpu: number;
}

/** `op(worker, seq)`: seq numbers the run's operations across workers, from 0. */
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

/** CPU this process used since `since`, as a share of `elapsedMs` of wall time. */
export function cpuShare(since: NodeJS.CpuUsage, elapsedMs: number): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000 / elapsedMs;
}
