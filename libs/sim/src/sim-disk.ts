// The seam between a simulated member and its durable storage. A drive is
// the physical device: it outlives crashes. A disk is one mount of it: the
// member's Storage plus the write path. The simulator only talks to these
// two interfaces, so the in-memory model (memory-drive.ts) and the real WAL
// over a fault-injecting file system (wal-drive.ts) are interchangeable.

import type { ConfState, LogIndex, PersistBatch, Storage } from '@logbook/raft';

export interface SimDisk {
  /** What the core reads; reflects every completed persist(). */
  readonly storage: Storage;
  /**
   * One Ready's worth of state: snapshot, then entries (replacing any at the
   * same or higher index), then hardState. Synced iff batch.mustSync (and the
   * drive honours syncs); an unsynced write can be lost on a crash.
   */
  persist(batch: PersistBatch): void | Promise<void>;
  /** Record the application's snapshot at `index` and compact the log before index - retainEntries. */
  createSnapshot(index: LogIndex, confState: ConfState, data: Uint8Array, retainEntries: number): void | Promise<void>;
}

export interface SimDrive {
  /** Mount the drive: replay what survived. The previous mount, if any, must have been crashed. */
  open(): SimDisk | Promise<SimDisk>;
  /** Power loss: unsynced writes may be lost, the last one possibly torn. Invalidates the current mount. */
  crash(): void;
}

/** How a drive misbehaves, drawn per run from the seed. */
export interface DriveFaults {
  /** Probability that each unsynced record, in order, reached the platter before the crash. */
  readonly unsyncedSurvivalProbability: number;
  /** Probability that the first lost record was torn (half-written) rather than absent. */
  readonly tornWriteProbability: number;
}

/** Deliberate storage bugs, for mutation testing the checkers. */
export interface DriveMutations {
  /** fsync is a no-op: "synced" writes are as fragile as unsynced ones. */
  readonly skipFsync: boolean;
  /** The persisted vote is forgotten on every mount (hardState.vote = 0). */
  readonly forgetVote: boolean;
}

export const NO_MUTATIONS: DriveMutations = { skipFsync: false, forgetVote: false };

export interface DriveStats {
  writes: number;
  syncs: number;
  crashes: number;
  recordsLost: number;
  tornRecords: number;
}
