// The cache's recent history: a fixed-capacity ring of changes in revision
// order. The rule at the bound: pushing into a full ring drops the oldest
// change, and the ring remembers the revision of the last one dropped, so it
// can say exactly which watch positions it still covers.

import type { ChangeEvent } from './watch-events.ts';

export class EventRing {
  readonly #slots: (ChangeEvent | undefined)[];
  #start = 0;
  #size = 0;
  /** Every change with a revision above this is in the ring (or newer than its newest). */
  #coveredFrom: number;

  constructor(capacity: number, coveredFrom: number) {
    if (!(Number.isInteger(capacity) && capacity > 0)) throw new RangeError(`event ring capacity must be a positive integer, got ${capacity}`);
    this.#slots = new Array<ChangeEvent | undefined>(capacity).fill(undefined);
    this.#coveredFrom = coveredFrom;
  }

  get size(): number {
    return this.#size;
  }

  /** The oldest position a watch can resume from: it has seen everything up to here. */
  get coveredFrom(): number {
    return this.#coveredFrom;
  }

  push(ev: ChangeEvent): void {
    const newest = this.#at(this.#size - 1);
    if (newest !== undefined && !(ev.revision > newest.revision)) {
      throw new Error(`assertion failed: event ring revisions must increase (${ev.revision} after ${newest.revision})`);
    }
    const capacity = this.#slots.length;
    if (this.#size === capacity) {
      const dropped = this.#slots[this.#start];
      if (dropped !== undefined) this.#coveredFrom = dropped.revision;
      this.#slots[this.#start] = ev;
      this.#start = (this.#start + 1) % capacity;
      return;
    }
    this.#slots[(this.#start + this.#size) % capacity] = ev;
    this.#size += 1;
  }

  /** The changes after revision, oldest first. The caller has checked revision >= coveredFrom. */
  since(revision: number): ChangeEvent[] {
    let lo = 0;
    let hi = this.#size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.#at(mid)?.revision ?? Infinity) > revision) hi = mid;
      else lo = mid + 1;
    }
    const out: ChangeEvent[] = [];
    for (let i = lo; i < this.#size; i++) {
      const ev = this.#at(i);
      if (ev !== undefined) out.push(ev);
    }
    return out;
  }

  #at(i: number): ChangeEvent | undefined {
    if (i < 0 || i >= this.#size) return undefined;
    return this.#slots[(this.#start + i) % this.#slots.length];
  }
}
