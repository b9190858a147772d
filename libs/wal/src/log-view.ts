// The in-memory copy of the log after the compaction point: what
// DiskStorage's synchronous reads are served from, and what recovery builds
// while replaying the WAL. The same rules serve both, so the state after a
// restart is the state before it.

import { CompactedError, UnavailableError, assert, entrySize } from '@logbook/raft/core';
import type { Entry, LogIndex, Term } from '@logbook/raft/core';

export class LogView {
  /** Index of the entry just before the first one held (the snapshot or compaction point). */
  #offset: number;
  /** Term at #offset; undefined only during recovery, when replay starts mid-log. */
  #offsetTerm: Term | undefined;
  #ents: Entry[] = [];

  constructor(offset: LogIndex, offsetTerm: Term | undefined) {
    this.#offset = offset;
    this.#offsetTerm = offsetTerm;
  }

  get offset(): LogIndex {
    return this.#offset as LogIndex;
  }

  get offsetTerm(): Term | undefined {
    return this.#offsetTerm;
  }

  firstIndex(): LogIndex {
    return (this.#offset + 1) as LogIndex;
  }

  lastIndex(): LogIndex {
    return (this.#offset + this.#ents.length) as LogIndex;
  }

  /** The entries held, in order (not a copy: do not modify). */
  all(): readonly Entry[] {
    return this.#ents;
  }

  term(i: LogIndex): Term {
    if (i < this.#offset) throw new CompactedError();
    if (i === this.#offset) {
      assert(this.#offsetTerm !== undefined, () => `term of index ${i} is unknown`);
      return this.#offsetTerm;
    }
    const e = this.#ents[i - this.#offset - 1];
    if (e === undefined) throw new UnavailableError();
    return e.term;
  }

  /** The Storage.entries contract: [lo, hi), at least one entry, then no more than maxSizeBytes. */
  entries(lo: LogIndex, hi: LogIndex, maxSizeBytes: number): readonly Entry[] {
    if (lo <= this.#offset) throw new CompactedError();
    if (hi > this.lastIndex() + 1) throw new UnavailableError();
    assert(lo <= hi, () => `entries: lo ${lo} > hi ${hi}`);
    const out: Entry[] = [];
    let size = 0;
    for (let i = lo - this.#offset - 1; i < hi - this.#offset - 1; i++) {
      const e = this.#ents[i]!;
      size += entrySize(e);
      if (out.length > 0 && size > maxSizeBytes) break;
      out.push(e);
    }
    return out;
  }

  /** Whether the log holds index i at term t (false when the term at the offset is unknown). */
  matchTerm(i: number, t: number): boolean {
    if (i === this.#offset) return this.#offsetTerm === t;
    if (i < this.#offset || i > this.lastIndex()) return false;
    return this.#ents[i - this.#offset - 1]!.term === t;
  }

  /**
   * Appends entries: one at an index already held replaces it and everything
   * after it (raft's truncation of a conflicting suffix); entries at or below
   * the offset are already covered by the snapshot and ignored.
   */
  append(entries: readonly Entry[]): void {
    let es = entries;
    if (es.length === 0) return;
    if (es[es.length - 1]!.index <= this.#offset) return;
    if (es[0]!.index <= this.#offset) es = es.slice(this.#offset + 1 - es[0]!.index);
    const first = es[0]!.index;
    assert(first <= this.lastIndex() + 1, () => `append at ${first} leaves a gap after last index ${this.lastIndex()}`);
    for (let k = 1; k < es.length; k++) {
      assert(es[k]!.index === first + k, () => `appended entries are not contiguous at ${es[k]!.index}`);
    }
    this.#ents.length = first - this.#offset - 1;
    for (const e of es) this.#ents.push(e);
  }

  /**
   * A snapshot at (index, term) now covers the log. If the log holds that
   * very entry, the snapshot is a compaction and later entries stay; if not,
   * the log diverged from (or lags behind) the snapshot and is discarded —
   * the rule raft applies when it installs a snapshot.
   */
  applySnapshot(index: LogIndex, term: Term): void {
    // Below the offset: the entries it covers are already gone, and a
    // snapshot is only ever installed above the commit index, so this can
    // only be an older compaction being replayed. Nothing to do.
    if (index < this.#offset) return;
    if (this.matchTerm(index, term)) {
      this.compact(index);
      this.#offsetTerm = term;
      return;
    }
    this.#ents = [];
    this.#offset = index;
    this.#offsetTerm = term;
  }

  /** Drops entries up to and including `index` (no-op at or below the offset). */
  compact(index: LogIndex): void {
    if (index <= this.#offset) return;
    assert(index <= this.lastIndex(), () => `compact ${index} is beyond last index ${this.lastIndex()}`);
    this.#offsetTerm = this.term(index);
    this.#ents = this.#ents.slice(index - this.#offset);
    this.#offset = index;
  }
}
