// Requests waiting for the cache to reach a revision (a consistent read, a
// read or watch "not older than N"). Each wait is bounded by a timer; the
// number of waits is bounded by the requests in flight above the cache
// (the apiserver's max-requests-inflight), so the set needs no bound of its own.

import type { CacherClock, Cancelable } from './clock.ts';

interface Waiter {
  readonly target: number;
  readonly timer: Cancelable;
  readonly done: (reached: boolean) => void;
}

export class FreshnessWaiters {
  readonly #clock: CacherClock;
  readonly #waiters = new Set<Waiter>();

  constructor(clock: CacherClock) {
    this.#clock = clock;
  }

  get size(): number {
    return this.#waiters.size;
  }

  /** Resolves true once notify() reports a revision >= target, false after timeoutMs, on abort, or on closeAll(). */
  wait(target: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      const onAbort = (): void => w.done(false);
      const w: Waiter = {
        target,
        timer: this.#clock.setTimeout(() => w.done(false), timeoutMs),
        done: (reached) => {
          if (!this.#waiters.delete(w)) return;
          w.timer.cancel();
          signal?.removeEventListener('abort', onAbort);
          resolve(reached);
        },
      };
      this.#waiters.add(w);
      if (signal?.aborted === true) w.done(false);
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** The cache is now at revision: release everyone waiting for it or less. */
  notify(revision: number): void {
    for (const w of [...this.#waiters]) if (w.target <= revision) w.done(true);
  }

  closeAll(): void {
    for (const w of [...this.#waiters]) w.done(false);
  }
}
