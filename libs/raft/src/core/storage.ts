// The read side of persistent state, as the core sees it. The application
// writes to its durable storage what Ready hands it, then makes it visible
// here; the core never writes through this interface.

import type { ConfState, Entry, HardState, LogIndex, Snapshot, Term } from './types.ts';

export interface InitialState {
  readonly hardState: HardState;
  readonly confState: ConfState;
}

export interface Storage {
  /** Persisted HardState and ConfState at start-up. */
  initialState(): InitialState;
  /**
   * Entries in [lo, hi). Returns at least one entry if any are in range, and
   * stops before the total size would exceed maxSizeBytes.
   * Throws CompactedError if lo <= the snapshot index, UnavailableError if hi > lastIndex()+1.
   */
  entries(lo: LogIndex, hi: LogIndex, maxSizeBytes: number): readonly Entry[];
  /**
   * Term of entry i, for i in [firstIndex()-1, lastIndex()] (the snapshot's
   * term at firstIndex()-1). Throws CompactedError / UnavailableError outside.
   */
  term(i: LogIndex): Term;
  /** Index of the first entry still available (snapshot index + 1). */
  firstIndex(): LogIndex;
  lastIndex(): LogIndex;
  /** The latest snapshot; may throw SnapshotTemporarilyUnavailableError. */
  snapshot(): Snapshot;
}
