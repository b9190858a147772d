// One apply's write state: every change in one log entry shares one main
// revision (current + 1) and gets the next sub revision, as etcd's write txn
// does. The main revision is only committed to meta if something changed, so
// an entry that changes nothing (a delete of a missing key) does not bump it.

import type { WriteTxn } from '@logbook/backend';
import type { Event, Revision } from './types.ts';
import type { Rev } from './encoding.ts';
import type { ReadState } from './range.ts';
import { assert } from './errors.ts';
import { compactedRevision, currentRevision, setCurrentRevision } from './schema.ts';

export class WriteContext {
  readonly txn: WriteTxn;
  /** The revision before this entry. */
  readonly base: Revision;
  readonly compacted: Revision;
  readonly events: Event[] = [];
  #sub = 0;

  /** base/compacted: the revisions before this entry, when the caller already knows them (else read from txn). */
  constructor(txn: WriteTxn, base: Revision = currentRevision(txn), compacted: Revision = compactedRevision(txn)) {
    this.txn = txn;
    this.base = base;
    this.compacted = compacted;
  }

  /** The next (main, sub) revision for a change. */
  nextRev(): Rev {
    return { main: this.base + 1, sub: this.#sub++ };
  }

  get changed(): boolean {
    return this.#sub > 0;
  }

  /** The revision reads see now: includes this entry's changes so far. */
  get current(): Revision {
    return this.changed ? this.base + 1 : this.base;
  }

  readState(): ReadState {
    return { current: this.current, compacted: this.compacted };
  }

  /**
   * Ends the entry. Persists the new current revision unless `deferRevision`
   * (the caller writes it once for a batch of entries, in the same transaction).
   */
  finish(deferRevision = false): void {
    assert(this.events.length === this.#sub, 'one event per change');
    if (this.changed && !deferRevision) setCurrentRevision(this.txn, this.base + 1);
  }
}
