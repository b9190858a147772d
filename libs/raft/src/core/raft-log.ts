// The log as the core sees it: stable entries in Storage, unstable entries
// not yet persisted, and the committed and applied marks.

import { CompactedError, UnavailableError, assert } from './errors.ts';
import type { Logger } from './logger.ts';
import type { Storage } from './storage.ts';
import { Unstable } from './unstable.ts';
import { entrySize, type Entry, type LogIndex, type Snapshot, type Term } from './types.ts';

export class RaftLog {
  readonly storage: Storage;
  readonly unstable: Unstable;
  committed: LogIndex;
  applied: LogIndex;
  private readonly logger: Logger;
  private readonly maxNextEntsBytes: number;

  constructor(storage: Storage, logger: Logger, maxNextEntsBytes: number) {
    this.storage = storage;
    this.logger = logger;
    this.maxNextEntsBytes = maxNextEntsBytes;
    const firstIndex = storage.firstIndex();
    const lastIndex = storage.lastIndex();
    this.unstable = new Unstable((lastIndex + 1) as LogIndex);
    this.committed = (firstIndex - 1) as LogIndex;
    this.applied = (firstIndex - 1) as LogIndex;
  }

  firstIndex(): LogIndex {
    return this.unstable.maybeFirstIndex() ?? this.storage.firstIndex();
  }

  lastIndex(): LogIndex {
    return this.unstable.maybeLastIndex() ?? this.storage.lastIndex();
  }

  lastTerm(): Term {
    return this.term(this.lastIndex()) ?? (0 as Term);
  }

  /** Term of entry i, or undefined if compacted or not present. */
  term(i: LogIndex): Term | undefined {
    const dummy = this.firstIndex() - 1;
    if (i < dummy || i > this.lastIndex()) return undefined;
    const t = this.unstable.maybeTerm(i);
    if (t !== undefined) return t;
    try {
      return this.storage.term(i);
    } catch (e) {
      if (e instanceof CompactedError || e instanceof UnavailableError) return undefined;
      throw e;
    }
  }

  matchTerm(i: LogIndex, t: Term): boolean {
    return this.term(i) === t;
  }

  /**
   * The follower side of MsgApp: if the entry at `index` has `logTerm`, append
   * the new entries (truncating a conflicting suffix) and advance commit.
   * Returns the last index of the new entries, or undefined on mismatch.
   */
  maybeAppend(index: LogIndex, logTerm: Term, committed: LogIndex, ents: readonly Entry[]): LogIndex | undefined {
    if (!this.matchTerm(index, logTerm)) return undefined;
    const lastNewI = (index + ents.length) as LogIndex;
    const ci = this.findConflict(ents);
    if (ci !== 0) {
      assert(ci > this.committed, () => `entry ${ci} conflicts with committed entry [committed(${this.committed})]`);
      const offset = index + 1;
      this.append(ents.slice(ci - offset));
    }
    this.commitTo(Math.min(committed, lastNewI) as LogIndex);
    return lastNewI;
  }

  append(ents: readonly Entry[]): LogIndex {
    const first = ents[0];
    if (first === undefined) return this.lastIndex();
    assert(first.index - 1 >= this.committed, () => `after(${first.index - 1}) is out of range [committed(${this.committed})]`);
    this.unstable.truncateAndAppend(ents);
    return this.lastIndex();
  }

  /**
   * Index of the first entry in ents whose term differs from ours, or the
   * first new entry past our last index; 0 if all are already present.
   */
  findConflict(ents: readonly Entry[]): LogIndex {
    for (const e of ents) {
      if (!this.matchTerm(e.index, e.term)) {
        if (e.index <= this.lastIndex()) {
          this.logger.info('found conflict', { index: e.index, conflictTerm: this.term(e.index) ?? 0, term: e.term });
        }
        return e.index;
      }
    }
    return 0 as LogIndex;
  }

  /**
   * Fast back-off: the largest index <= `index` whose term is <= `t`. A leader
   * uses it to skip a whole term of divergent entries per round trip.
   */
  findConflictByTerm(index: LogIndex, t: Term): { index: LogIndex; term: Term } {
    let i = index;
    for (;;) {
      const ourTerm = this.term(i);
      if (ourTerm === undefined) return { index: i, term: 0 as Term };
      if (ourTerm <= t) return { index: i, term: ourTerm };
      i = (i - 1) as LogIndex;
    }
  }

  unstableEntries(): readonly Entry[] {
    return this.unstable.entries;
  }

  hasNextCommittedEnts(): boolean {
    if (this.hasPendingSnapshot()) return false;
    return this.committed > this.applied;
  }

  /** Committed entries not yet applied, up to maxNextEntsBytes (at least one). */
  nextCommittedEnts(): Entry[] {
    if (this.hasPendingSnapshot()) return [];
    const lo = Math.max(this.applied + 1, this.firstIndex()) as LogIndex;
    const hi = (this.committed + 1) as LogIndex;
    if (lo >= hi) return [];
    return this.slice(lo, hi, this.maxNextEntsBytes);
  }

  hasPendingSnapshot(): boolean {
    return this.unstable.snapshot !== undefined;
  }

  snapshot(): Snapshot {
    return this.unstable.snapshot ?? this.storage.snapshot();
  }

  commitTo(toCommit: LogIndex): void {
    if (this.committed < toCommit) {
      assert(this.lastIndex() >= toCommit, () => `tocommit(${toCommit}) is out of range [lastIndex(${this.lastIndex()})]`);
      this.committed = toCommit;
    }
  }

  appliedTo(i: LogIndex): void {
    if (i === 0) return;
    assert(this.committed >= i && i >= this.applied, () => `applied(${i}) is out of range [prevApplied(${this.applied}), committed(${this.committed})]`);
    this.applied = i;
  }

  stableTo(i: LogIndex, t: Term): void {
    this.unstable.stableTo(i, t);
  }

  stableSnapTo(i: LogIndex): void {
    this.unstable.stableSnapTo(i);
  }

  isUpToDate(lasti: LogIndex, t: Term): boolean {
    return t > this.lastTerm() || (t === this.lastTerm() && lasti >= this.lastIndex());
  }

  maybeCommit(maxIndex: LogIndex, t: Term): boolean {
    if (maxIndex > this.committed && this.term(maxIndex) === t) {
      this.commitTo(maxIndex);
      return true;
    }
    return false;
  }

  restore(s: Snapshot): void {
    this.logger.info('log starts to restore snapshot', { index: s.metadata.index, term: s.metadata.term });
    this.committed = s.metadata.index;
    this.unstable.restore(s);
  }

  /** Entries from i on, at most maxSizeBytes (at least one). Throws CompactedError if i is compacted. */
  entriesFrom(i: LogIndex, maxSizeBytes: number): Entry[] {
    if (i > this.lastIndex()) return [];
    return this.slice(i, (this.lastIndex() + 1) as LogIndex, maxSizeBytes);
  }

  /** Entries in [lo, hi), at most maxSizeBytes (at least one). Throws CompactedError if lo is compacted. */
  slice(lo: LogIndex, hi: LogIndex, maxSizeBytes: number): Entry[] {
    assert(lo <= hi, () => `invalid slice ${lo} > ${hi}`);
    if (lo < this.firstIndex()) throw new CompactedError();
    assert(hi <= this.lastIndex() + 1, () => `slice[${lo},${hi}) out of bound [${this.firstIndex()},${this.lastIndex()}]`);
    if (lo === hi) return [];
    let out: Entry[] = [];
    const uOffset = this.unstable.offset;
    if (lo < uOffset) {
      const stored = this.storage.entries(lo, Math.min(hi, uOffset) as LogIndex, maxSizeBytes);
      if (stored.length < Math.min(hi, uOffset) - lo) return [...stored];
      out = [...stored];
    }
    if (hi > uOffset) {
      const unstable = this.unstable.slice(Math.max(lo, uOffset) as LogIndex, hi);
      out = out.length > 0 ? out.concat(unstable) : unstable;
    }
    return limitSize(out, maxSizeBytes);
  }
}

/** Keep a prefix of ents whose size fits maxSizeBytes, always at least one entry. */
export function limitSize(ents: Entry[], maxSizeBytes: number): Entry[] {
  if (ents.length === 0) return ents;
  let size = entrySize(ents[0]!);
  let limit = 1;
  for (; limit < ents.length; limit++) {
    size += entrySize(ents[limit]!);
    if (size > maxSizeBytes) break;
  }
  return limit === ents.length ? ents : ents.slice(0, limit);
}
