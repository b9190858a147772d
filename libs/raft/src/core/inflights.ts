// The MsgApp messages a leader has sent to one follower and not yet seen
// acknowledged, bounded by count and by payload bytes. At either bound the
// leader stops sending to that follower until acknowledgements free room.

import { assert } from './errors.ts';
import type { LogIndex } from './types.ts';

export class Inflights {
  private readonly indexes: LogIndex[] = [];
  private readonly sizes: number[] = [];
  private head = 0;
  private bytesInFlight = 0;
  readonly maxCount: number;
  /** 0: no byte limit. */
  readonly maxBytes: number;

  constructor(maxCount: number, maxBytes: number) {
    this.maxCount = maxCount;
    this.maxBytes = maxBytes;
  }

  get count(): number {
    return this.indexes.length - this.head;
  }

  get bytes(): number {
    return this.bytesInFlight;
  }

  clone(): Inflights {
    const c = new Inflights(this.maxCount, this.maxBytes);
    for (let i = this.head; i < this.indexes.length; i++) c.add(this.indexes[i]!, this.sizes[i]!);
    return c;
  }

  /** Record a MsgApp whose last entry is `index`, carrying `bytes` of payload. */
  add(index: LogIndex, bytes: number): void {
    assert(!this.full(), 'cannot add into a full inflights');
    const last = this.indexes[this.indexes.length - 1];
    assert(this.count === 0 || last === undefined || index > last, () => `inflights must grow: ${index} after ${last}`);
    this.indexes.push(index);
    this.sizes.push(bytes);
    this.bytesInFlight += bytes;
  }

  /** Free every message whose last index is <= `to`. */
  freeLE(to: LogIndex): void {
    while (this.head < this.indexes.length && this.indexes[this.head]! <= to) {
      this.bytesInFlight -= this.sizes[this.head]!;
      this.head++;
    }
    // Compact occasionally so the arrays do not grow without bound.
    if (this.head > 64 && this.head * 2 > this.indexes.length) {
      this.indexes.splice(0, this.head);
      this.sizes.splice(0, this.head);
      this.head = 0;
    }
    if (this.count === 0) this.bytesInFlight = 0;
  }

  full(): boolean {
    return this.count >= this.maxCount || (this.maxBytes !== 0 && this.bytesInFlight >= this.maxBytes);
  }

  reset(): void {
    this.indexes.length = 0;
    this.sizes.length = 0;
    this.head = 0;
    this.bytesInFlight = 0;
  }
}
