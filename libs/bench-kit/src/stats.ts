// Summary statistics for the benchmarks (bench:store, bench:apiserver). Percentiles use the
// nearest-rank definition (the smallest sample with at least p% of samples
// at or below it), so every reported value is one that was observed.

/** Nearest-rank percentile of ascending `sorted`; NaN when empty. p in [0, 100]. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile: p must be in [0, 100] (got ${p})`);
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** The median of `xs` (any order): the lower middle for an even count, as nearest-rank gives. NaN when empty. */
export function median(xs: readonly number[]): number {
  return percentile(Float64Array.from(xs).sort(), 50);
}

/**
 * Latency samples of one run, in milliseconds. Bounded: beyond `maxSamples`
 * a sample replaces a random earlier one (reservoir sampling), so memory
 * stays fixed and percentiles stay unbiased on very long runs; `count`
 * keeps the true number of operations.
 */
export class LatencySamples {
  readonly #samples: Float64Array;
  readonly #random: () => number;
  #count = 0;

  constructor(maxSamples = 1_000_000, random: () => number = Math.random) {
    if (!Number.isSafeInteger(maxSamples) || maxSamples < 1) throw new RangeError(`maxSamples must be a positive integer (got ${maxSamples})`);
    this.#samples = new Float64Array(maxSamples);
    this.#random = random;
  }

  get count(): number {
    return this.#count;
  }

  add(ms: number): void {
    const cap = this.#samples.length;
    if (this.#count < cap) {
      this.#samples[this.#count] = ms;
    } else {
      const j = Math.floor(this.#random() * (this.#count + 1));
      if (j < cap) this.#samples[j] = ms;
    }
    this.#count++;
  }

  /** The kept samples, ascending. */
  sorted(): Float64Array {
    return this.#samples.slice(0, Math.min(this.#count, this.#samples.length)).sort();
  }
}

export interface RunSummary {
  readonly opsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** ops/s over `elapsedMs`, and p50/p99 of the samples. */
export function summarize(samples: LatencySamples, elapsedMs: number): RunSummary {
  const sorted = samples.sorted();
  return {
    opsPerSec: elapsedMs > 0 ? (samples.count / elapsedMs) * 1000 : Number.NaN,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
  };
}

/** Per-field median over runs (the table's numbers). */
export function medianOfRuns(runs: readonly RunSummary[]): RunSummary {
  return {
    opsPerSec: median(runs.map((r) => r.opsPerSec)),
    p50Ms: median(runs.map((r) => r.p50Ms)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
  };
}
