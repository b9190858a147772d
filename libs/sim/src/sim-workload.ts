// The seam between the simulated cluster (simulation.ts: members, network,
// faults, operator, Raft checkers) and what runs on it: the application each
// member runs, the clients that use it, and the checks only the workload can
// make. Two workloads exist: 'register' (register-workload.ts, the Raft
// issue's) and 'store' (store/store-workload.ts: KV + lease + watch).

import type { Message, NodeId } from '@logbook/raft';
import type { ClientStats } from './clients.ts';
import type { AppHost, MemberApp } from './member-app.ts';
import type { SimMember } from './member.ts';
import type { Prng } from './prng.ts';
import type { SimParams } from './sim-params.ts';
import type { Trace } from './trace.ts';
import type { Violation } from './violation.ts';

export const WORKLOADS = ['register', 'store'] as const;
export type WorkloadName = (typeof WORKLOADS)[number];

export function isWorkloadName(s: string): s is WorkloadName {
  return (WORKLOADS as readonly string[]).includes(s);
}

/** What a workload is built from. */
export interface WorkloadContext<A extends MemberApp> {
  /** The run's root stream: a workload forks its streams from it, in a fixed order, when it is built. */
  readonly root: Prng;
  readonly params: SimParams;
  /** Every member id of the run; index = id - 1. */
  readonly members: readonly SimMember<A>[];
  readonly trace: Trace;
  /** The current tick. */
  now(): number;
}

/** What the workload adds to a run's statistics. */
export interface WorkloadReport {
  readonly clients: ClientStats;
  readonly linearizabilitySteps: number;
  /** The linearizability search hit its step budget: neither proven nor refuted. */
  readonly linearizabilityUndecided: boolean;
  readonly historyOps: number;
  /** Store runs only: leases, watches, compactions. */
  readonly store: StoreRunStats | undefined;
  /** The workload's own drawn parameters, for a failure report ('' when it has none). */
  readonly params: string;
}

export interface StoreRunStats {
  leasesGranted: number;
  keepAlivesAcked: number;
  leasesExpired: number;
  leasesRevoked: number;
  compactions: number;
  watchesStarted: number;
  /** Watches resumed on another member after theirs crashed, restored a snapshot or left. */
  rewatches: number;
  watchEventsChecked: number;
  compactionCancels: number;
  serializableReads: number;
}

export interface SimWorkload<A extends MemberApp> {
  /** One incarnation's application on a member. */
  createApp(host: AppHost): A;
  /** Step 4 of a tick: clients time out, retry or issue. */
  step(now: number): void;
  /** After every member's Ready loop: consume what members produced (watch responses). */
  afterPump(now: number): void;
  /** The liveness phase begins: clients only probe. */
  enterLiveness(): void;
  /** Every client finished its liveness probe. */
  readonly settled: boolean;
  /** The first violation the workload's inline checks found. */
  readonly violation: Violation | undefined;
  /**
   * May the network deliver this message twice? The register workload's
   * state machine drops duplicated proposals itself; the store's cannot.
   */
  mayDuplicate(from: NodeId, m: Message): boolean;
  /** End of the run; `check` false when the run already failed (skip the costly checks). */
  finish(check: boolean): { readonly violation: Violation | undefined; readonly report: WorkloadReport };
}
