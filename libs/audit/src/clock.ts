// The clock the audit pipeline reads and arms timers on. Injected so tests of
// batching, backoff and rotation run on simulated time.

export interface AuditClock {
  /** Milliseconds since the epoch; a fraction carries microseconds. */
  now(): number;
  /** Runs `fn` after `ms`; the returned function cancels it. */
  setTimer(ms: number, fn: () => void): () => void;
}

export const systemClock: AuditClock = {
  now: () => performance.timeOrigin + performance.now(),
  setTimer(ms, fn) {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

/** Resolves after `ms` on `clock`. */
export function sleep(clock: AuditClock, ms: number): Promise<void> {
  return new Promise((resolve) => {
    clock.setTimer(ms, resolve);
  });
}
