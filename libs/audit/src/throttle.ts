// A token bucket on the injected clock: kube throttles batch sends with a
// QPS/burst limiter so a backlog does not hammer a webhook.

import { sleep } from './clock.ts';
import type { AuditClock } from './clock.ts';

export class TokenBucket {
  readonly #qps: number;
  readonly #burst: number;
  readonly #clock: AuditClock;
  #tokens: number;
  #last: number;

  constructor(qps: number, burst: number, clock: AuditClock) {
    if (!(qps > 0) || !(burst > 0)) throw new Error('assertion failed: a token bucket needs positive qps and burst');
    this.#qps = qps;
    this.#burst = burst;
    this.#clock = clock;
    this.#tokens = burst;
    this.#last = clock.now();
  }

  /** Takes one token, waiting for it when the bucket is empty. */
  async accept(): Promise<void> {
    this.#refill();
    if (this.#tokens < 1) {
      await sleep(this.#clock, ((1 - this.#tokens) / this.#qps) * 1000);
      this.#refill();
    }
    this.#tokens -= 1;
  }

  #refill(): void {
    const now = this.#clock.now();
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#last) / 1000) * this.#qps);
    this.#last = now;
  }
}
