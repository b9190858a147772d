// A Scheduler whose clock only moves when a test says so. Deferred drains
// still run on the real event loop (setImmediate): the runtime's loop awaits
// real promises, and tests await the results.

import type { Cancelable, Scheduler } from '../scheduler.ts';

interface Timer {
  readonly intervalMs: number;
  next: number;
  readonly fn: () => void;
  cancelled: boolean;
}

export class ManualScheduler implements Scheduler {
  #now = 0;
  #timers: Timer[] = [];

  now(): number {
    return this.#now;
  }

  every(intervalMs: number, fn: () => void): Cancelable {
    const t: Timer = { intervalMs, next: this.#now + intervalMs, fn, cancelled: false };
    this.#timers.push(t);
    return {
      cancel: () => {
        t.cancelled = true;
        this.#timers = this.#timers.filter((x) => x !== t);
      },
    };
  }

  defer(fn: () => void): void {
    setImmediate(fn);
  }

  /** Moves the clock forward, firing every timer that comes due, in time order. */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      let due: Timer | undefined;
      for (const t of this.#timers) if (!t.cancelled && t.next <= target && (due === undefined || t.next < due.next)) due = t;
      if (due === undefined) break;
      this.#now = due.next;
      due.next += due.intervalMs;
      due.fn();
    }
    this.#now = target;
  }

  get activeTimers(): number {
    return this.#timers.length;
  }
}
