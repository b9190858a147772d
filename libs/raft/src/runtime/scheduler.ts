// Time, as the runtime sees it. The tick timer and the "drain once per turn of
// the event loop" deferral go through this seam so tests can drive ticks by
// hand and the simulator can substitute virtual time.

export interface Cancelable {
  cancel(): void;
}

export interface Scheduler {
  /** Milliseconds on a monotonic clock; only differences are meaningful. */
  now(): number;
  /** Calls `fn` every `intervalMs` until cancelled. */
  every(intervalMs: number, fn: () => void): Cancelable;
  /** Calls `fn` once, after the current turn of the event loop (I/O callbacks first). */
  defer(fn: () => void): void;
}

/** Real timers: setInterval for ticks, setImmediate for deferral. */
export const realScheduler: Scheduler = {
  now: () => performance.now(),
  every(intervalMs, fn) {
    const handle = setInterval(fn, intervalMs);
    return { cancel: () => clearInterval(handle) };
  },
  defer(fn) {
    setImmediate(fn);
  },
};
