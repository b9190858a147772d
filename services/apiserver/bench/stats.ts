// Numbers for the apiserver benchmark. Percentiles are nearest-rank (the
// smallest sample with at least p% of all samples at or below it), so every
// value in the table is one that was actually observed.

/** Nearest-rank percentile of ascending `sorted`, p in [0, 100]; NaN when there is no sample. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile: p must be in [0, 100] (got ${p})`);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]!;
}

/** Median of `xs` in any order (the lower middle of an even count); NaN when empty. */
export function median(xs: readonly number[]): number {
  return percentile(Float64Array.from(xs).sort(), 50);
}

/**
 * Latencies of one run in milliseconds. Bounded: once `capacity` samples
 * are held, each new one replaces a uniformly chosen slot with probability
 * capacity/count (reservoir sampling), so a watch run with millions of
 * deliveries keeps fixed memory and unbiased percentiles. `count` stays
 * the true number of samples offered.
 */
export class LatencySamples {
  readonly #kept: Float64Array;
  readonly #random: () => number;
  #count = 0;

  constructor(capacity = 1_000_000, random: () => number = Math.random) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer (got ${capacity})`);
    this.#kept = new Float64Array(capacity);
    this.#random = random;
  }

  get count(): number {
    return this.#count;
  }

  add(ms: number): void {
    if (this.#count < this.#kept.length) {
      this.#kept[this.#count] = ms;
    } else {
      const slot = Math.floor(this.#random() * (this.#count + 1));
      if (slot < this.#kept.length) this.#kept[slot] = ms;
    }
    this.#count++;
  }

  /** The kept samples, ascending. */
  sorted(): Float64Array {
    return this.#kept.slice(0, Math.min(this.#count, this.#kept.length)).sort();
  }
}

export interface RunSummary {
  readonly opsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export function summarize(samples: LatencySamples, elapsedMs: number): RunSummary {
  const sorted = samples.sorted();
  return { opsPerSec: elapsedMs > 0 ? (samples.count * 1000) / elapsedMs : Number.NaN, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99) };
}

/** Each field's median over runs: the numbers the table shows. */
export function medianOfRuns(runs: readonly RunSummary[]): RunSummary {
  return { opsPerSec: median(runs.map((r) => r.opsPerSec)), p50Ms: median(runs.map((r) => r.p50Ms)), p99Ms: median(runs.map((r) => r.p99Ms)) };
}
