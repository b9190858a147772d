// What a running member needs from durable storage. libs/wal implements it
// on disk; the simulator implements it over a fault-injecting in-memory disk.

import type { Storage } from '../core/storage.ts';
import type { ConfState, Entry, HardState, LogIndex, Snapshot } from '../core/types.ts';

export interface PersistBatch {
  readonly hardState?: HardState | undefined;
  readonly entries: readonly Entry[];
  readonly snapshot?: Snapshot | undefined;
  /** fsync (fdatasync) before resolving. When false the write may be lost on a crash. */
  readonly mustSync: boolean;
}

export interface Persistence {
  /** The read side the core is constructed with; reflects every resolved persist(). */
  readonly storage: Storage;
  /**
   * Durably write one Ready's worth of state, then make it visible through
   * `storage`. Entries at an index already present replace it and everything
   * after it. Calls run one at a time, in call order (the driver does not
   * always wait for one before making the next: a Ready that need not sync
   * is written behind the driver's back); one call is one group commit: one
   * write and at most one fsync.
   */
  persist(batch: PersistBatch): Promise<void>;
  /**
   * Record a snapshot the application took of its own state at `index`
   * (<= applied) and drop log entries up to `index` minus `retainEntries`.
   */
  createSnapshot(index: LogIndex, confState: ConfState, data: Uint8Array, retainEntries: number): Promise<Snapshot>;
  close(): Promise<void>;
}

/** The replicated state machine driven by a member. apply() must be deterministic. */
export interface AppliedEntry {
  readonly index: LogIndex;
  readonly data: Uint8Array;
}

export interface StateMachine<R = unknown> {
  /** Apply a committed normal entry's payload; the result is handed to the proposer. */
  apply(index: LogIndex, data: Uint8Array): R;
  /**
   * Optional: apply consecutive committed normal entries at once (one storage
   * commit for all of them); result i belongs to entry i. The outcome must be
   * exactly that of calling apply on each in order. The runtime hands it the
   * runs of a Ready's committed entries between conf changes and no-ops.
   */
  applyBatch?(entries: readonly AppliedEntry[]): R[];
  /** Serialize the state as of the last applied index. */
  snapshot(): Uint8Array;
  /**
   * Optional: snapshot() without holding the event loop for the whole state.
   * It must take its view of the state before it returns (entries applied
   * after the call must not show in the result); the bytes may then be
   * produced across later turns. `index` is the applied index the snapshot
   * is recorded at. The runtime's periodic snapshots use it. The bytes need
   * not hold the state itself: a state machine that keeps a durable copy of
   * its state (named by `index`) may return a small descriptor of it, which
   * restore() then resolves (see libs/store-machine).
   */
  snapshotAsync?(index: LogIndex): Promise<Uint8Array>;
  /**
   * Replace the state with a snapshot's. Empty data means the initial, empty
   * state (a new cluster's bootstrap snapshot). May return a promise: the
   * member then applies nothing until it settles (its loop waits; a
   * rejection stops the member).
   */
  restore(data: Uint8Array, index: LogIndex): void | Promise<void>;
}
