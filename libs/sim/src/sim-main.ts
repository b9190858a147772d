// The simulator's command line, as a function (src/cli.ts and `logbook sim` call it):
// npm run sim -- [--workload register|store] --seeds N [--from S] [--ticks T] [--mutant NAME] [--disk wal|memory] [--jobs J] [--verbose]
// Runs seeds S..S+N-1; prints one line per failing seed with the command that
// replays it, a line saying in how many seeds each feature (snapshots,
// transfers, membership changes, lease reads) was exercised, the timing, and
// last exactly "P passed, F failed". Exit code 1 on any failure, 2 on bad usage.

import { availableParallelism } from 'node:os';
import { addCoverage, addStoreCoverage, describeCoverage, describeStoreCoverage, emptyCoverage } from './feature-stats.ts';
import { runSeeds, type SeedOutcome } from './run-seeds.ts';
import { describeParams } from './sim-params.ts';
import { isMutantName, isStoreMutantName, MUTANTS, STORE_MUTANTS, type MutantName } from './mutants.ts';
import { isWorkloadName, WORKLOADS, type StoreRunStats, type WorkloadName } from './sim-workload.ts';
import type { DiskKind } from './simulation.ts';
import { formatViolation } from './violation.ts';

interface CliArgs {
  readonly workload: WorkloadName;
  readonly seeds: number;
  readonly from: number;
  readonly ticks: number | undefined;
  readonly mutant: MutantName | undefined;
  readonly disk: DiskKind | undefined;
  readonly jobs: number;
  readonly verbose: boolean;
}

const USAGE = 'usage: npm run sim -- [--workload register|store] --seeds N [--from S] [--ticks T] [--mutant NAME] [--disk wal|memory] [--jobs J] [--verbose]';

function parseArgs(argv: readonly string[]): CliArgs | readonly string[] {
  const problems: string[] = [];
  let workload: WorkloadName = 'register';
  let mutantArg: string | undefined;
  let seeds = 100;
  let from = 1;
  let ticks: number | undefined;
  let mutant: MutantName | undefined;
  let disk: DiskKind | undefined;
  let jobs = Math.min(availableParallelism(), 4);
  let verbose = false;
  const int = (flag: string, v: string | undefined, min: number): number => {
    const n = Number(v);
    if (v === undefined || !Number.isSafeInteger(n) || n < min) {
      problems.push(`${flag} needs an integer >= ${min} (got ${v ?? 'nothing'})`);
      return min;
    }
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    switch (a) {
      case '--seeds':
        seeds = int(a, argv[++i], 1);
        break;
      case '--from':
        from = int(a, argv[++i], 0);
        break;
      case '--ticks':
        ticks = int(a, argv[++i], 1);
        break;
      case '--jobs':
        jobs = int(a, argv[++i], 1);
        break;
      case '--workload': {
        const w = argv[++i];
        if (w !== undefined && isWorkloadName(w)) workload = w;
        else problems.push(`--workload must be one of ${WORKLOADS.join(', ')} (got ${w ?? 'nothing'})`);
        break;
      }
      case '--mutant':
        mutantArg = argv[++i] ?? '';
        break;
      case '--disk': {
        const d = argv[++i];
        if (d === 'wal' || d === 'memory') disk = d;
        else problems.push(`--disk must be wal or memory (got ${d ?? 'nothing'})`);
        break;
      }
      case '--verbose':
        verbose = true;
        break;
      default:
        problems.push(`unknown argument ${a}`);
    }
  }
  if (mutantArg !== undefined) {
    // Each workload has its own mutants: the store's checkers catch the store's.
    const names: readonly string[] = workload === 'store' ? STORE_MUTANTS : MUTANTS;
    if (workload === 'store' ? isStoreMutantName(mutantArg) : isMutantName(mutantArg)) mutant = mutantArg as MutantName;
    else problems.push(`--mutant must be one of ${names.join(', ')} for the ${workload} workload (got ${mutantArg || 'nothing'})`);
  }
  if (problems.length > 0) return problems;
  return { workload, seeds, from, ticks, mutant, disk, jobs, verbose };
}

function replayCommand(args: CliArgs, seed: number): string {
  let cmd = `npm run sim -- ${args.workload === 'store' ? '--workload store ' : ''}--seeds 1 --from ${seed}`;
  if (args.ticks !== undefined) cmd += ` --ticks ${args.ticks}`;
  if (args.mutant !== undefined) cmd += ` --mutant ${args.mutant}`;
  if (args.disk !== undefined) cmd += ` --disk ${args.disk}`;
  return cmd;
}

function report(args: CliArgs, r: SeedOutcome): void {
  if (args.verbose) {
    const s = r.stats;
    process.stdout.write(
      `seed ${r.seed}: ${r.ok ? 'ok' : 'FAIL'} ticks=${r.ticks} terms=${s.termsWithLeader} committed=${s.committedEntries} ` +
        `ops=${s.clients.completed}/${s.clients.issued} unknown=${s.clients.timedOut} crashes=${s.crashes} ` +
        `partitions=${s.partitions} msgs=${s.network.sent} snaps=${s.features.snapshotsSent}/${s.features.snapshotsApplied} ` +
        `transfers=${s.features.transfersCompleted}/${s.features.transfersRequested} leaseReads=${s.features.leaseReads} ` +
        `conf=${describeMembership(s.features.membership)} linSteps=${s.linearizabilitySteps}${describeStore(s.store)} trace=${r.traceHash}\n`,
    );
  }
  if (r.stats.linearizabilityUndecided) {
    process.stdout.write(`WARN seed ${r.seed}: linearizability undecided after ${r.stats.linearizabilitySteps} steps — replay: ${replayCommand(args, r.seed)}\n`);
  }
  if (r.ok) return;
  process.stdout.write(`FAIL seed ${r.seed} ${formatViolation(r.violation!).split('\n')[0]} — replay: ${replayCommand(args, r.seed)}\n`);
  if (args.verbose) {
    process.stdout.write(`  params: ${describeParams(r.params)}\n`);
    if (r.workloadParams !== '') process.stdout.write(`  ${r.workloadParams}\n`);
    const detail = r.violation!.message.split('\n').slice(1);
    for (const l of detail) process.stdout.write(`  ${l}\n`);
    process.stdout.write(`  last ${r.traceLines.length} trace lines:\n`);
    for (const l of r.traceLines) process.stdout.write(`    ${l}\n`);
  }
}

function describeStore(s: StoreRunStats | undefined): string {
  if (s === undefined) return '';
  return (
    ` leases=${s.leasesGranted}(ka ${s.keepAlivesAcked} exp ${s.leasesExpired} rev ${s.leasesRevoked}) compactions=${s.compactions} ` +
    `watches=${s.watchesStarted}(re ${s.rewatches} events ${s.watchEventsChecked} compacted ${s.compactionCancels}) serializable=${s.serializableReads}`
  );
}

function describeMembership(m: SeedOutcome['stats']['features']['membership']): string {
  if (m === undefined) return '-';
  return `+${m.learnersAdded}(re ${m.reAdded})^${m.promoted}v${m.demoted}-${m.removed}(leader ${m.leaderRemoved})`;
}

/** Runs the simulator; returns the exit code (0 all passed, 1 a seed failed, 2 bad usage). */
export async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  if (!('seeds' in args)) {
    process.stderr.write(`${args.join('\n')}\n${USAGE}\n`);
    return 2;
  }
  const started = performance.now();
  let passed = 0;
  let failed = 0;
  const coverage = emptyCoverage();
  await runSeeds({
    workload: args.workload,
    from: args.from,
    count: args.seeds,
    safetyTicks: args.ticks,
    mutant: args.mutant,
    disk: args.disk,
    traceLines: args.verbose ? 200 : 0,
    jobs: args.jobs,
    onResult: (r) => {
      if (r.ok) passed++;
      else failed++;
      addCoverage(coverage, r.stats.features);
      addStoreCoverage(coverage, r.stats.store);
      report(args, r);
    },
  });
  const secs = (performance.now() - started) / 1000;
  process.stdout.write(`${describeCoverage(coverage)}\n`);
  const store = describeStoreCoverage(coverage);
  if (store !== '') process.stdout.write(`${store}\n`);
  process.stdout.write(`ran ${args.seeds} seeds in ${secs.toFixed(1)} s (${(args.seeds / secs).toFixed(1)} seeds/s, ${args.jobs} jobs)\n`);
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  return failed > 0 ? 1 : 0;
}
