// A peer's outgoing queue: FIFO, bounded by count and by estimated bytes.
// At either bound push() refuses the new message (the caller drops it and
// reports the peer unreachable; raft retransmits). Dropping the newest rather
// than the oldest keeps what is queued a contiguous, in-order prefix.

import type { Message } from '@logbook/raft';
import { assert } from './errors.ts';

export class MessageQueue {
  readonly #maxMessages: number;
  readonly #maxBytes: number;
  #items: Array<{ readonly message: Message; readonly bytes: number } | undefined> = [];
  #head = 0;
  #bytes = 0;

  constructor(maxMessages: number, maxBytes: number) {
    assert(maxMessages > 0 && maxBytes > 0, 'queue bounds must be positive');
    this.#maxMessages = maxMessages;
    this.#maxBytes = maxBytes;
  }

  get length(): number {
    return this.#items.length - this.#head;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** False (and nothing queued) when the message would exceed either bound. */
  push(message: Message, bytes: number): boolean {
    if (this.length >= this.#maxMessages || this.#bytes + bytes > this.#maxBytes) return false;
    this.#items.push({ message, bytes });
    this.#bytes += bytes;
    return true;
  }

  shift(): Message | undefined {
    if (this.#head === this.#items.length) return undefined;
    const item = this.#items[this.#head];
    assert(item !== undefined, 'queue slot below the tail is empty');
    this.#items[this.#head] = undefined;
    this.#head++;
    this.#bytes -= item.bytes;
    // Reclaim the consumed prefix once it dominates, so shift() stays O(1) amortized.
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item.message;
  }

  clear(): void {
    this.#items = [];
    this.#head = 0;
    this.#bytes = 0;
  }
}
