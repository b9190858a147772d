// A run's inputs and outputs: the options of runSimulation(), and the result
// it returns (the first violation, the parameters drawn, the trace hash and
// the statistics a report or a test looks at).

import type { ConfState, NodeId } from '@logbook/raft';
import type { ClientStats } from './clients.ts';
import type { FeatureStats } from './feature-stats.ts';
import type { MutantName } from './mutants.ts';
import type { NetworkStats } from './network.ts';
import type { Prng } from './prng.ts';
import type { DriveMutations, SimDrive } from './sim-disk.ts';
import type { SimParams } from './sim-params.ts';
import type { StoreRunStats, WorkloadName } from './sim-workload.ts';
import type { Violation } from './violation.ts';

export interface SimOptions {
  readonly seed: number;
  /** What the cluster runs: registers (default) or the store (KV + lease + watch). */
  readonly workload?: WorkloadName | undefined;
  /** Upper bound of the safety phase; its length is drawn from [ceil(max/2), max]. Default DEFAULT_SAFETY_TICKS (DEFAULT_STORE_SAFETY_TICKS for the store). */
  readonly safetyTicks?: number | undefined;
  readonly livenessBudgetTicks?: number | undefined;
  readonly mutant?: MutantName | undefined;
  /** Keep this many readable trace lines for the report (0: none, the default). */
  readonly traceLines?: number | undefined;
  /** Which drive members run on: the real WAL over MemFs (default) or the in-memory model. */
  readonly disk?: DiskKind | undefined;
  /** Builds each member's drive; overrides `disk`. */
  readonly driveFactory?: DriveFactory | undefined;
}

export type DriveFactory = (args: {
  readonly id: NodeId;
  /** The initial configuration for an initial member; undefined for a joiner, whose drive starts empty. */
  readonly bootstrap: ConfState | undefined;
  readonly rng: Prng;
  readonly params: SimParams;
  readonly mutations: DriveMutations;
}) => SimDrive;

export interface SimStats {
  readonly network: NetworkStats;
  readonly clients: ClientStats;
  readonly crashes: number;
  readonly partitions: number;
  readonly termsWithLeader: number;
  readonly committedEntries: number;
  readonly linearizabilitySteps: number;
  /** The linearizability search hit its step budget: neither proven nor refuted. */
  readonly linearizabilityUndecided: boolean;
  readonly historyOps: number;
  /** Tick at which the liveness phase converged (undefined if it did not). */
  readonly convergedAt: number | undefined;
  readonly features: FeatureStats;
  /** Store runs only. */
  readonly store: StoreRunStats | undefined;
}

export interface SimResult {
  readonly seed: number;
  readonly ok: boolean;
  readonly violation: Violation | undefined;
  readonly params: SimParams;
  /** The workload's own parameters, described ('' for the register workload). */
  readonly workloadParams: string;
  readonly ticks: number;
  readonly traceHash: string;
  readonly traceLines: readonly string[];
  readonly stats: SimStats;
}

export type DiskKind = 'wal' | 'memory';
