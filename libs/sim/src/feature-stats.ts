// Counts of how much of the core a run exercised beyond plain replication:
// snapshots, leadership transfers, membership changes, lease-based reads.
// Tests assert them over a fixed seed range and the CLI prints how many
// seeds exercised each, so coverage is visible rather than assumed.

import type { MembershipStats } from './membership-controller.ts';
import type { StoreRunStats } from './sim-workload.ts';

export interface FeatureStats {
  snapshotsCreated: number;
  /** MsgSnap messages leaders sent. */
  snapshotsSent: number;
  /** Snapshots a member restored from a leader's MsgSnap. */
  snapshotsApplied: number;
  transfersRequested: number;
  /** Transfers whose transferee became leader (of a later term) within TRANSFER_DEADLINE_TICKS. */
  transfersCompleted: number;
  /** Reads served through the leader's lease (lease-based runs only). */
  leaseReads: number;
  /** Undefined when the run's configuration never changes. */
  membership: MembershipStats | undefined;
}

export function emptyFeatureStats(): FeatureStats {
  return {
    snapshotsCreated: 0,
    snapshotsSent: 0,
    snapshotsApplied: 0,
    transfersRequested: 0,
    transfersCompleted: 0,
    leaseReads: 0,
    membership: undefined,
  };
}

/** Per feature: in how many seeds it happened at least once. */
export interface FeatureCoverage {
  seeds: number;
  snapshotsSent: number;
  snapshotsApplied: number;
  transfersCompleted: number;
  confChanges: number;
  /** Seeds where the operator added, promoted and removed members (each at least once). */
  addPromoteRemove: number;
  reAdds: number;
  leaderRemovals: number;
  leaseReads: number;
  /** Store runs only: in how many seeds each store feature happened. */
  store: StoreCoverage;
}

export interface StoreCoverage {
  seeds: number;
  leaseExpiries: number;
  keepAlives: number;
  leaseRevokes: number;
  compactions: number;
  compactionCancels: number;
  rewatches: number;
  serializableReads: number;
}

export function emptyCoverage(): FeatureCoverage {
  return {
    seeds: 0,
    snapshotsSent: 0,
    snapshotsApplied: 0,
    transfersCompleted: 0,
    confChanges: 0,
    addPromoteRemove: 0,
    reAdds: 0,
    leaderRemovals: 0,
    leaseReads: 0,
    store: { seeds: 0, leaseExpiries: 0, keepAlives: 0, leaseRevokes: 0, compactions: 0, compactionCancels: 0, rewatches: 0, serializableReads: 0 },
  };
}

export function addStoreCoverage(c: FeatureCoverage, s: StoreRunStats | undefined): void {
  if (s === undefined) return;
  const sc = c.store;
  sc.seeds++;
  if (s.leasesExpired > 0) sc.leaseExpiries++;
  if (s.keepAlivesAcked > 0) sc.keepAlives++;
  if (s.leasesRevoked > 0) sc.leaseRevokes++;
  if (s.compactions > 0) sc.compactions++;
  if (s.compactionCancels > 0) sc.compactionCancels++;
  if (s.rewatches > 0) sc.rewatches++;
  if (s.serializableReads > 0) sc.serializableReads++;
}

/** The store line of the report (empty when no store seed ran). */
export function describeStoreCoverage(c: FeatureCoverage): string {
  const s = c.store;
  if (s.seeds === 0) return '';
  return (
    `store features (seeds of ${s.seeds}): lease expiries ${s.leaseExpiries}, keep-alives ${s.keepAlives}, revokes ${s.leaseRevokes}, ` +
    `compactions ${s.compactions}, compaction cancels ${s.compactionCancels}, re-watches ${s.rewatches}, serializable reads ${s.serializableReads}`
  );
}

export function addCoverage(c: FeatureCoverage, f: FeatureStats): void {
  const m = f.membership;
  c.seeds++;
  if (f.snapshotsSent > 0) c.snapshotsSent++;
  if (f.snapshotsApplied > 0) c.snapshotsApplied++;
  if (f.transfersCompleted > 0) c.transfersCompleted++;
  if (m !== undefined && m.learnersAdded + m.promoted + m.demoted + m.removed > 0) c.confChanges++;
  if (m !== undefined && m.learnersAdded > 0 && m.promoted > 0 && m.removed > 0) c.addPromoteRemove++;
  if (m !== undefined && m.reAdded > 0) c.reAdds++;
  if (m !== undefined && m.leaderRemoved > 0) c.leaderRemovals++;
  if (f.leaseReads > 0) c.leaseReads++;
}

export function describeCoverage(c: FeatureCoverage): string {
  return (
    `features (seeds of ${c.seeds}): snapshots sent ${c.snapshotsSent}, snapshots applied ${c.snapshotsApplied}, ` +
    `transfers completed ${c.transfersCompleted}, conf changes ${c.confChanges} ` +
    `(add+promote+remove ${c.addPromoteRemove}, re-adds ${c.reAdds}, leader removed ${c.leaderRemovals}), ` +
    `lease reads ${c.leaseReads}`
  );
}
