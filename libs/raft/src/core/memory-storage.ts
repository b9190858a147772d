// Storage held in memory: the reference implementation of the Storage
// contract, used by unit tests, the simulator's models and as the in-memory
// view behind durable implementations.

import { CompactedError, SnapshotOutOfDateError, UnavailableError, assert } from './errors.ts';
import type { InitialState, Storage } from './storage.ts';
import {
  EMPTY_HARD_STATE,
  EMPTY_SNAPSHOT,
  entrySize,
  type ConfState,
  type Entry,
  type HardState,
  type LogIndex,
  type Snapshot,
  type Term,
} from './types.ts';

export const BOOTSTRAP_INDEX = 1 as LogIndex;

export function bootstrapSnapshot(cs: ConfState): Snapshot {
  return { metadata: { index: BOOTSTRAP_INDEX, term: 1 as Term, confState: cs }, data: new Uint8Array(0) };
}

export function bootstrapHardState(): HardState {
  return { term: 1 as Term, vote: 0 as HardState['vote'], commit: BOOTSTRAP_INDEX };
}

export class MemoryStorage implements Storage {
  private hardState: HardState = EMPTY_HARD_STATE;
  private snap: Snapshot = EMPTY_SNAPSHOT;
  /** ents[0] is a dummy carrying the snapshot's index and term. */
  private ents: Entry[] = [{ term: 0 as Term, index: 0 as LogIndex, type: 'normal', data: new Uint8Array(0) }];

  /**
   * Storage for a member of a brand-new cluster whose initial members are
   * `cs`: every initial member starts from the same snapshot, BOOTSTRAP_INDEX
   * at term 1, of an empty state machine. A member that joins later starts
   * empty and so is always sent a snapshot first, which carries the
   * configuration it needs before it can replay any entry.
   */
  static bootstrap(cs: ConfState): MemoryStorage {
    const s = new MemoryStorage();
    const snap = bootstrapSnapshot(cs);
    s.applySnapshot(snap);
    s.hardState = bootstrapHardState();
    return s;
  }

  initialState(): InitialState {
    return { hardState: this.hardState, confState: this.snap.metadata.confState };
  }

  setHardState(hs: HardState): void {
    this.hardState = hs;
  }

  private offset(): number {
    return this.dummy().index;
  }

  private dummy(): Entry {
    const d = this.ents[0];
    assert(d !== undefined, 'memory storage lost its dummy entry');
    return d;
  }

  entries(lo: LogIndex, hi: LogIndex, maxSizeBytes: number): readonly Entry[] {
    const offset = this.offset();
    if (lo <= offset) throw new CompactedError();
    if (hi > this.lastIndex() + 1) throw new UnavailableError();
    assert(lo <= hi, () => `entries: lo ${lo} > hi ${hi}`);
    const out: Entry[] = [];
    let size = 0;
    for (let i = lo - offset; i < hi - offset; i++) {
      const e = this.ents[i];
      assert(e !== undefined, 'memory storage: hole in log');
      size += entrySize(e);
      if (out.length > 0 && size > maxSizeBytes) break;
      out.push(e);
    }
    return out;
  }

  term(i: LogIndex): Term {
    const offset = this.offset();
    if (i < offset) throw new CompactedError();
    const e = this.ents[i - offset];
    if (e === undefined) throw new UnavailableError();
    return e.term;
  }

  firstIndex(): LogIndex {
    return (this.offset() + 1) as LogIndex;
  }

  lastIndex(): LogIndex {
    return (this.offset() + this.ents.length - 1) as LogIndex;
  }

  snapshot(): Snapshot {
    return this.snap;
  }

  /** Replace the whole state with a snapshot received from the leader. */
  applySnapshot(snap: Snapshot): void {
    if (snap.metadata.index <= this.snap.metadata.index) throw new SnapshotOutOfDateError();
    this.snap = snap;
    this.ents = [{ term: snap.metadata.term, index: snap.metadata.index, type: 'normal', data: new Uint8Array(0) }];
  }

  /**
   * Record a snapshot of application state at index i (which must be in the
   * log). Does not compact; call compact() separately.
   */
  createSnapshot(i: LogIndex, cs: ConfState, data: Uint8Array): Snapshot {
    if (i <= this.snap.metadata.index) throw new SnapshotOutOfDateError();
    assert(i <= this.lastIndex(), () => `createSnapshot ${i} is out of bound lastIndex ${this.lastIndex()}`);
    this.snap = { metadata: { index: i, term: this.term(i), confState: cs }, data };
    return this.snap;
  }

  /** Discard entries up to and including `compactIndex`. */
  compact(compactIndex: LogIndex): void {
    const offset = this.offset();
    if (compactIndex <= offset) throw new CompactedError();
    assert(compactIndex <= this.lastIndex(), () => `compact ${compactIndex} is out of bound lastIndex ${this.lastIndex()}`);
    const i = compactIndex - offset;
    const keep = this.ents[i];
    assert(keep !== undefined, 'compact: missing entry');
    this.ents = [{ term: keep.term, index: keep.index, type: 'normal', data: new Uint8Array(0) }, ...this.ents.slice(i + 1)];
  }

  /**
   * Append entries; an entry at an index already present replaces it and
   * everything after it. Entries already compacted are ignored.
   */
  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const first = this.firstIndex();
    const firstNew = entries[0]!.index;
    const lastNew = entries[entries.length - 1]!.index;
    if (lastNew < first) return;
    let es = entries;
    if (first > firstNew) es = entries.slice(first - firstNew);
    const start = es[0]!.index - this.offset();
    assert(start <= this.ents.length, () => `missing log entry [last: ${this.lastIndex()}, append at: ${es[0]!.index}]`);
    this.ents = this.ents.slice(0, start).concat(es);
  }
}
