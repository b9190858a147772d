// Open-loop pacing for the watch fan-out's writer: writes are due on a fixed
// schedule (rate/s from the start), whatever the server's latency, so a slow
// server shows as latency and a backlog rather than as a lower write rate.

/** Writes due by `elapsedMs` after the start at `ratePerSec`: the first is due at 0. */
export function writesDue(elapsedMs: number, ratePerSec: number): number {
  if (!(ratePerSec > 0)) throw new RangeError(`ratePerSec must be positive (got ${ratePerSec})`);
  if (elapsedMs < 0) return 0;
  return Math.floor((elapsedMs * ratePerSec) / 1000) + 1;
}

/** Milliseconds after the start at which write number `n` (from 0) is due. */
export function dueAtMs(n: number, ratePerSec: number): number {
  if (!(ratePerSec > 0)) throw new RangeError(`ratePerSec must be positive (got ${ratePerSec})`);
  return (n * 1000) / ratePerSec;
}
