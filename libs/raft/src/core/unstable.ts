// Entries and a snapshot that the core has accepted but the application has
// not yet persisted. Once persisted (advance), they move to Storage.

import { assert } from './errors.ts';
import type { Entry, LogIndex, Snapshot, Term } from './types.ts';

export class Unstable {
  snapshot: Snapshot | undefined = undefined;
  entries: Entry[] = [];
  /** Index of entries[0]. */
  offset: LogIndex;

  constructor(offset: LogIndex) {
    this.offset = offset;
  }

  maybeFirstIndex(): LogIndex | undefined {
    return this.snapshot !== undefined ? ((this.snapshot.metadata.index + 1) as LogIndex) : undefined;
  }

  maybeLastIndex(): LogIndex | undefined {
    if (this.entries.length > 0) return (this.offset + this.entries.length - 1) as LogIndex;
    if (this.snapshot !== undefined) return this.snapshot.metadata.index;
    return undefined;
  }

  maybeTerm(i: LogIndex): Term | undefined {
    if (i < this.offset) {
      if (this.snapshot !== undefined && this.snapshot.metadata.index === i) return this.snapshot.metadata.term;
      return undefined;
    }
    const last = this.maybeLastIndex();
    if (last === undefined || i > last) return undefined;
    return this.entries[i - this.offset]?.term;
  }

  /** The application persisted entries up to (i, t): drop them from here if still current. */
  stableTo(i: LogIndex, t: Term): void {
    const gt = this.maybeTerm(i);
    // Only drop if the term matches and the index is in the unstable part:
    // a newer leader may have replaced these entries since the Ready.
    if (gt === t && i >= this.offset) {
      this.entries = this.entries.slice(i + 1 - this.offset);
      this.offset = (i + 1) as LogIndex;
    }
  }

  stableSnapTo(i: LogIndex): void {
    if (this.snapshot !== undefined && this.snapshot.metadata.index === i) this.snapshot = undefined;
  }

  restore(s: Snapshot): void {
    this.offset = (s.metadata.index + 1) as LogIndex;
    this.entries = [];
    this.snapshot = s;
  }

  truncateAndAppend(ents: readonly Entry[]): void {
    const first = ents[0];
    if (first === undefined) return;
    const after = first.index;
    if (after === this.offset + this.entries.length) {
      this.entries = this.entries.concat(ents);
    } else if (after <= this.offset) {
      // Replace the unstable entries wholesale; storage's overlapping suffix
      // is replaced when these are persisted.
      this.offset = after;
      this.entries = [...ents];
    } else {
      this.entries = this.entries.slice(0, after - this.offset).concat(ents);
    }
  }

  slice(lo: LogIndex, hi: LogIndex): Entry[] {
    assert(lo <= hi, () => `unstable.slice invalid [${lo}, ${hi})`);
    const upper = this.offset + this.entries.length;
    assert(lo >= this.offset && hi <= upper, () => `unstable.slice [${lo}, ${hi}) out of bound [${this.offset}, ${upper}]`);
    return this.entries.slice(lo - this.offset, hi - this.offset);
  }
}
