// The arithmetic both allocators share: a range of `size` slots numbered
// from 0, a lower band kept for explicitly requested values, and kube 1.33's
// pick for dynamic values — a random start in the upper band, scanning
// forward, and only when the upper band is full the lower band.

import type { RandomInt } from '@logbook/apimachinery';
import { AllocationError } from './allocation-error.ts';
import type { AllocationStore } from './allocation-store.ts';

/** Lost compare-and-set races before giving up; each retry re-reads, so only heavy contention hits it. */
export const MAX_CAS_ATTEMPTS = 8;

/** kube's calculateRangeOffset: min(max(min, size/step), max), or 0 for tiny ranges. */
export function rangeOffset(size: bigint, min: bigint, max: bigint, step: bigint): bigint {
  if (size <= min) return 0n;
  const offset = size / step;
  if (offset < min) return min;
  return offset > max ? max : offset;
}

function randomBelow(n: bigint, randomInt: RandomInt): bigint {
  if (n <= 0n) return 0n;
  if (n <= 0x7fffffffn) return BigInt(randomInt(Number(n)));
  // Wide IPv6 bands: compose 31-bit draws, then reduce.
  let v = 0n;
  for (let bits = 0n; (1n << bits) < n; bits += 31n) v = (v << 31n) | BigInt(randomInt(0x80000000));
  return v % n;
}

/**
 * A free slot in [lo, hi) not in `taken`, scanning from a random start.
 * At most |taken ∩ band| + 1 candidates are examined, so the scan is bounded
 * by the allocated count, not by the (possibly 2^64-wide) band.
 */
export function pickInBand(lo: bigint, hi: bigint, taken: ReadonlySet<bigint>, randomInt: RandomInt): bigint | undefined {
  const size = hi - lo;
  if (size <= 0n) return undefined;
  let inBand = 0n;
  for (const t of taken) if (t >= lo && t < hi) inBand++;
  if (inBand >= size) return undefined;
  const start = randomBelow(size, randomInt);
  for (let i = 0n; i <= inBand; i++) {
    const candidate = lo + ((start + i) % size);
    if (!taken.has(candidate)) return candidate;
  }
  // Unreachable by pigeonhole; a failure here means `taken` changed under us.
  throw new Error('allocator invariant: no free slot found in a band that is not full');
}

/** Runs `step` against fresh snapshots until its write wins the compare-and-set. */
export async function withRetries<T, R>(store: AllocationStore<T>, step: (allocated: Set<T>) => R): Promise<R> {
  for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
    const snap = await store.read();
    const next = new Set(snap.allocated);
    const result = step(next);
    if (await store.compareAndSet(next, snap.version)) return result;
  }
  throw new AllocationError('conflict', `allocation failed after ${MAX_CAS_ATTEMPTS} conflicting writes; try again`);
}
