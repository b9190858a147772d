// An indexed binary min-heap of lease ids keyed by a time in ms. "Indexed":
// a map from id to heap slot lets a renew move one lease in O(log n) instead
// of pushing a duplicate entry (etcd's heap accumulates stale items and
// filters them on pop; ours holds exactly one entry per lease, so its size is
// bounded by the number of leases). Ties break on id so that the order of
// expiries, and therefore the content of LeaseExpire proposals, is a pure
// function of the inputs.

import type { LeaseId } from '@logbook/mvcc';
import { assert } from './errors.ts';

interface Slot {
  readonly id: LeaseId;
  atMs: number;
}

export class ExpiryHeap {
  readonly #slots: Slot[] = [];
  readonly #index = new Map<LeaseId, number>();

  get size(): number {
    return this.#slots.length;
  }

  has(id: LeaseId): boolean {
    return this.#index.has(id);
  }

  /** Insert `id` at `atMs`, or move it there if present. O(log n). */
  set(id: LeaseId, atMs: number): void {
    assert(!Number.isNaN(atMs), 'heap key is NaN');
    const i = this.#index.get(id);
    if (i === undefined) {
      this.#slots.push({ id, atMs });
      this.#index.set(id, this.#slots.length - 1);
      this.#up(this.#slots.length - 1);
      return;
    }
    const slot = this.#at(i);
    const earlier = atMs < slot.atMs;
    slot.atMs = atMs;
    if (earlier) this.#up(i);
    else this.#down(i);
  }

  /** Remove `id` if present. O(log n). */
  delete(id: LeaseId): boolean {
    const i = this.#index.get(id);
    if (i === undefined) return false;
    const last = this.#slots.pop();
    assert(last !== undefined, 'heap index points into an empty heap');
    this.#index.delete(id);
    if (i < this.#slots.length) {
      this.#slots[i] = last;
      this.#index.set(last.id, i);
      this.#up(i);
      this.#down(i);
    }
    return true;
  }

  peek(): { readonly id: LeaseId; readonly atMs: number } | undefined {
    const top = this.#slots[0];
    return top === undefined ? undefined : { id: top.id, atMs: top.atMs };
  }

  clear(): void {
    this.#slots.length = 0;
    this.#index.clear();
  }

  #at(i: number): Slot {
    const s = this.#slots[i];
    assert(s !== undefined, () => `heap slot ${i} out of range`);
    return s;
  }

  #less(a: Slot, b: Slot): boolean {
    return a.atMs < b.atMs || (a.atMs === b.atMs && a.id < b.id);
  }

  #swap(i: number, j: number): void {
    const a = this.#at(i);
    const b = this.#at(j);
    this.#slots[i] = b;
    this.#slots[j] = a;
    this.#index.set(b.id, i);
    this.#index.set(a.id, j);
  }

  #up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(this.#at(i), this.#at(parent))) return;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #down(i: number): void {
    const n = this.#slots.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let min = i;
      if (l < n && this.#less(this.#at(l), this.#at(min))) min = l;
      if (r < n && this.#less(this.#at(r), this.#at(min))) min = r;
      if (min === i) return;
      this.#swap(i, min);
      i = min;
    }
  }
}
