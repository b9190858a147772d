// Counts of how much of the core a run exercised beyond plain replication:
// snapshots, leadership transfers, membership changes, lease-based reads.
// Tests assert them over a fixed seed range and the CLI prints how many
// seeds exercised each, so coverage is visible rather than assumed.

import type { MembershipStats } from './membership-controller.ts';

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
  };
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
