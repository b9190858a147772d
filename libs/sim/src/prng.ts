// The simulator's only source of randomness: xoshiro128** (Blackman & Vigna),
// seeded through splitmix32. One seed per run; every subsystem draws from its
// own forked stream so that, say, adding a network draw does not shift every
// later disk-latency draw.

const GOLDEN = 0x9e3779b9;

/** splitmix32: a tiny counter-based generator used only to expand a seed into state. */
export class SplitMix32 {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  next(): number {
    this.#state = (this.#state + GOLDEN) >>> 0;
    let z = this.#state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  }
}

function assertSeed(seed: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed must be a non-negative safe integer (got ${seed})`);
}

export class Prng {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;

  /** Raw state; the all-zero state is a fixed point and is refused. */
  constructor(s0: number, s1: number, s2: number, s3: number) {
    if ((s0 | s1 | s2 | s3) === 0) throw new RangeError('xoshiro128** state must not be all zero');
    this.#s0 = s0 >>> 0;
    this.#s1 = s1 >>> 0;
    this.#s2 = s2 >>> 0;
    this.#s3 = s3 >>> 0;
  }

  /** Seeds from a non-negative safe integer (both 32-bit halves are used). */
  static fromSeed(seed: number): Prng {
    assertSeed(seed);
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 2 ** 32) >>> 0;
    const sm = new SplitMix32(lo ^ Math.imul(hi, GOLDEN));
    // splitmix32 never yields four zero words in a row, so the state is valid.
    return new Prng(sm.next(), sm.next(), sm.next(), sm.next());
  }

  /** The next 32-bit unsigned output. */
  nextU32(): number {
    const s1 = this.#s1;
    const r = s1 * 5;
    const rot = ((r << 7) | (r >>> 25)) >>> 0;
    const result = Math.imul(rot, 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    this.#s2 ^= this.#s0;
    this.#s3 ^= this.#s1;
    this.#s1 ^= this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = ((this.#s3 << 11) | (this.#s3 >>> 21)) >>> 0;
    this.#s0 >>>= 0;
    this.#s1 >>>= 0;
    this.#s2 >>>= 0;
    return result;
  }

  /** Uniform integer in [0, n), without modulo bias. n must be in [1, 2^32]. */
  int(n: number): number {
    if (!Number.isSafeInteger(n) || n < 1 || n > 2 ** 32) throw new RangeError(`int(n): n out of range (got ${n})`);
    if (n === 1) return 0;
    // Rejection sampling: discard the top partial bucket.
    const limit = 2 ** 32 - (2 ** 32 % n);
    for (;;) {
      const x = this.nextU32();
      if (x < limit) return x % n;
    }
  }

  /** Uniform integer in [lo, hi], inclusive. */
  range(lo: number, hi: number): number {
    if (hi < lo) throw new RangeError(`range(${lo}, ${hi}): empty`);
    return lo + this.int(hi - lo + 1);
  }

  /** Uniform float in [0, 1) with 32 bits of precision. */
  float(): number {
    return this.nextU32() / 2 ** 32;
  }

  /** True with probability p. chance(0) is always false, chance(1) always true. */
  chance(p: number): boolean {
    if (p <= 0) return false;
    if (p >= 1) return true;
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[this.int(items.length)] as T;
  }

  /** Fisher–Yates, in place; returns the same array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }

  /** An independent stream derived from this one (consumes two outputs). */
  fork(): Prng {
    const sm = new SplitMix32(this.nextU32() ^ Math.imul(this.nextU32(), GOLDEN));
    return new Prng(sm.next(), sm.next(), sm.next(), sm.next());
  }
}
