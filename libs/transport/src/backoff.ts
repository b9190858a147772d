// Capped exponential backoff with "equal jitter": the n-th delay is drawn
// from [d/2, d] where d = min(max, initial * 2^n). Half fixed keeps retries
// from hammering a peer; half random keeps members that lost the same peer
// at the same moment from reconnecting in lockstep.

import type { RandomInt } from '@logbook/raft';

export class Backoff {
  readonly #initialMs: number;
  readonly #maxMs: number;
  readonly #random: RandomInt;
  #attempt = 0;

  constructor(initialMs: number, maxMs: number, random: RandomInt) {
    this.#initialMs = initialMs;
    this.#maxMs = maxMs;
    this.#random = random;
  }

  /** The delay before the next attempt; each call counts one more failure. */
  next(): number {
    // 2^30 * any positive initial is already past every sane cap; stop doubling there.
    const ceiling = Math.min(this.#maxMs, this.#initialMs * 2 ** Math.min(this.#attempt, 30));
    this.#attempt++;
    const half = Math.floor(ceiling / 2);
    return ceiling - half + this.#random(half + 1);
  }

  /** A connection succeeded: the next failure starts from the initial delay again. */
  reset(): void {
    this.#attempt = 0;
  }

  get attempt(): number {
    return this.#attempt;
  }
}
