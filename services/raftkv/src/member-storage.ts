// Opens the member's durable state in its data directory: recovers an
// existing WAL; otherwise bootstraps a new cluster's member (the initial
// members as voters) or, with --initial-cluster-state existing, creates an
// empty WAL for a member that joins and learns everything from the leader.

import { createHash } from 'node:crypto';
import type { Logger, NodeId } from '@logbook/raft';
import { DiskStorage, NodeFs, WalNotFoundError } from '@logbook/wal';
import type { MemberConfig } from './member-config.ts';

/** A stable id for the cluster, derived from its initial membership. */
export function clusterIdOf(initialCluster: ReadonlyMap<NodeId, string>): number {
  const text = [...initialCluster].sort((a, b) => a[0] - b[0]).map(([id, a]) => `${id}=${a}`).join(',');
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}

export async function openMemberStorage(cfg: MemberConfig, logger: Logger): Promise<DiskStorage> {
  const fs = new NodeFs();
  const metadata = { memberId: cfg.id, clusterId: cfg.initialClusterState === 'new' ? clusterIdOf(cfg.initialCluster) : 0 };
  if (cfg.initialClusterState === 'existing') {
    return DiskStorage.open(cfg.dataDir, { fs, logger, createIfMissing: metadata });
  }
  try {
    return await DiskStorage.open(cfg.dataDir, { fs, logger });
  } catch (err) {
    if (!(err instanceof WalNotFoundError)) throw err;
  }
  const voters = [...cfg.initialCluster.keys()].sort((a, b) => a - b);
  logger.info('bootstrapping a new cluster member', { nodeId: cfg.id, voters: voters.join(',') });
  return DiskStorage.bootstrap(cfg.dataDir, { voters, learners: [] }, { fs, logger, metadata });
}
