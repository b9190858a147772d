// Runs a range of seeds, on worker threads when more than one job is allowed.
// Each seed's run is independent and deterministic, so splitting the range
// across workers changes nothing but wall time; results are reported in seed
// order.

import { Worker } from 'node:worker_threads';
import type { MutantName } from './mutants.ts';
import type { WorkloadName } from './sim-workload.ts';
import { runSimulation, type DiskKind, type SimResult } from './simulation.ts';

export interface SeedRunOptions {
  readonly workload?: WorkloadName | undefined;
  readonly from: number;
  readonly count: number;
  readonly safetyTicks?: number | undefined;
  readonly mutant?: MutantName | undefined;
  readonly disk?: DiskKind | undefined;
  /** Readable trace lines kept per failing seed (0: none). */
  readonly traceLines?: number;
  /** Worker threads; 1 runs in this thread. */
  readonly jobs?: number;
  /** Called once per seed, in seed order. */
  readonly onResult?: (r: SeedOutcome) => void;
}

/** One seed's result, as it crosses back from a worker (structured-cloned). */
export type SeedOutcome = SimResult;

/** How every seed of a range is run. */
export interface RunSettings {
  readonly workload: WorkloadName | undefined;
  readonly safetyTicks: number | undefined;
  readonly mutant: MutantName | undefined;
  readonly disk: DiskKind | undefined;
  readonly traceLines: number;
}

export interface WorkerRequest {
  readonly seeds: readonly number[];
  readonly settings: RunSettings;
}

export async function runSeeds(opts: SeedRunOptions): Promise<SeedOutcome[]> {
  const seeds = Array.from({ length: opts.count }, (_, i) => opts.from + i);
  const jobs = Math.max(1, Math.min(opts.jobs ?? 1, seeds.length));
  const settings: RunSettings = {
    workload: opts.workload,
    safetyTicks: opts.safetyTicks,
    mutant: opts.mutant,
    disk: opts.disk,
    traceLines: opts.traceLines ?? 0,
  };
  const results = new Map<number, SeedOutcome>();
  let nextToReport = 0;
  const out: SeedOutcome[] = [];
  const accept = (r: SeedOutcome): void => {
    results.set(r.seed, r);
    while (nextToReport < seeds.length && results.has(seeds[nextToReport]!)) {
      const ready = results.get(seeds[nextToReport]!)!;
      results.delete(ready.seed);
      out.push(ready);
      opts.onResult?.(ready);
      nextToReport++;
    }
  };
  if (jobs === 1) {
    for (const seed of seeds) {
      accept(await runOne(seed, settings));
    }
    return out;
  }
  const shares: number[][] = Array.from({ length: jobs }, () => []);
  seeds.forEach((s, i) => shares[i % jobs]!.push(s));
  await Promise.all(
    shares.map(
      (share) =>
        new Promise<void>((resolve, reject) => {
          const req: WorkerRequest = { seeds: share, settings };
          const w = new Worker(new URL('./seed-worker.ts', import.meta.url), { workerData: req });
          w.on('message', (r: SeedOutcome) => accept(r));
          w.on('error', reject);
          w.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`seed worker exited with code ${code}`))));
        }),
    ),
  );
  return out;
}

export async function runOne(seed: number, s: RunSettings): Promise<SeedOutcome> {
  const opts = { seed, workload: s.workload, safetyTicks: s.safetyTicks, mutant: s.mutant, disk: s.disk };
  const first = await runSimulation(opts);
  if (first.ok || s.traceLines === 0) return first;
  // Rerun a failing seed with readable tracing on; determinism makes it the same run.
  return runSimulation({ ...opts, traceLines: s.traceLines });
}
