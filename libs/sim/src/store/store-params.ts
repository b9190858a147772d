// The store workload's knobs, drawn per seed from the workload's own stream
// (the cluster's faults come from sim-params.ts as for every workload).

import type { MutantName } from '../mutants.ts';
import type { Prng } from '../prng.ts';
import { MAX_KEYS } from './store-ops.ts';

/** Simulated milliseconds per tick: etcd's default heartbeat, so electionTicks 10 is etcd's 1 s election timeout. */
export const TICK_MS = 100;
export const ELECTION_TIMEOUT_MS = 10 * TICK_MS;

export interface StoreParams {
  readonly keyCount: number;
  /** Relative weights of the client operations. */
  readonly mix: {
    readonly put: number;
    readonly get: number;
    readonly range: number;
    readonly delete: number;
    readonly cas: number;
    readonly leaseGrant: number;
    readonly keepAlive: number;
    readonly leaseRevoke: number;
    readonly compact: number;
  };
  /** Share of reads served from a member's local state (excluded from linearizability). */
  readonly serializableShare: number;
  /** Share of reads that go through the log as a Range entry. */
  readonly logReadShare: number;
  /** Probability that a put attaches one of the client's leases. */
  readonly leasePutShare: number;
  /** Lease TTLs are drawn from 1..maxLeaseTtlSec seconds (10 ticks each): about the latency of a few operations. */
  readonly maxLeaseTtlSec: number;
  /** Concurrent logical watches. */
  readonly watchers: number;
  /** Probability per tick that a logical watch is cancelled and a new one started. */
  readonly watchChurnPerTick: number;
  /** Probability per tick that a watch asks for a progress notification. */
  readonly progressPerTick: number;
  /** Store mutants (mutants.ts): deliberate bugs the store checkers must catch. */
  readonly skipWatchEvent: boolean;
  readonly duplicateProposals: boolean;
  /** The leader's lessor clock runs twice as fast. */
  readonly fastLessorClock: boolean;
  /** Linearizable reads are served from the member's local state, without ReadIndex. */
  readonly staleReads: boolean;
}

export function drawStoreParams(rng: Prng, mutant: MutantName | undefined): StoreParams {
  const keyCount = rng.range(3, Math.min(6, MAX_KEYS));
  const keepAlive = rng.pick([0, 10, 25]);
  return {
    keyCount,
    mix: {
      put: 22,
      get: 16,
      range: 8,
      delete: 7,
      cas: 15,
      leaseGrant: rng.pick([4, 8]),
      keepAlive,
      leaseRevoke: rng.pick([0, 3, 6]),
      compact: rng.pick([0, 1, 3]),
    },
    serializableShare: rng.pick([0, 0.1, 0.3]),
    logReadShare: rng.pick([0, 0.05, 0.2]),
    leasePutShare: rng.pick([0.1, 0.3]),
    maxLeaseTtlSec: rng.range(2, 6),
    watchers: rng.range(1, 4),
    watchChurnPerTick: rng.pick([0.002, 0.01, 0.03]),
    progressPerTick: rng.pick([0, 0.02, 0.1]),
    skipWatchEvent: mutant === 'watch-skip-event',
    duplicateProposals: mutant === 'duplicate-proposals',
    fastLessorClock: mutant === 'early-lease-expiry',
    staleReads: mutant === 'stale-read',
  };
}

export function describeStoreParams(p: StoreParams): string {
  const m = p.mix;
  return (
    `store keys=${p.keyCount} mix put ${m.put} get ${m.get} range ${m.range} delete ${m.delete} cas ${m.cas} ` +
    `grant ${m.leaseGrant} keepAlive ${m.keepAlive} revoke ${m.leaseRevoke} compact ${m.compact}; ` +
    `serializable=${p.serializableShare} logReads=${p.logReadShare} leasePuts=${p.leasePutShare} ttl<=${p.maxLeaseTtlSec}s ` +
    `watchers=${p.watchers} churn=${p.watchChurnPerTick} progress=${p.progressPerTick}`
  );
}
