// The arithmetic LimitRanger needs on top of @logbook/validation's exact
// quantities: kube's rounded integer views
// (Value, MilliValue), which its comparisons use instead of exact values.

import { parseQuantity, type Quantity } from '@logbook/validation';

/** kube's resource.MaxMilliValue: the largest value whose MilliValue fits an int64. */
const MAX_MILLI_VALUE = (2n ** 63n - 1n) / 1000n;
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/** A quantity from a JSON value (string, or a number as kube accepts); undefined when it is not one. */
export function quantityOf(v: unknown): Quantity | undefined {
  if (typeof v === 'string') return parseQuantity(v);
  if (typeof v === 'number' && Number.isFinite(v)) return parseQuantity(String(v));
  return undefined;
}

// Sums and the zero come from @logbook/validation (kube's Add rule), shared with ResourceQuota.
export { ZERO_QUANTITY, addQuantities } from '@logbook/validation';

// ceil(value × 10^scale) as kube's ScaledValue does (it rounds up), clamped to int64 as Go's int64 would hold it.
function scaledValue(q: Quantity, scale: number): bigint {
  const e10 = q.exp10 + scale;
  let num = q.digits * 2n ** BigInt(Math.max(q.exp2, 0));
  let den = 2n ** BigInt(Math.max(-q.exp2, 0));
  if (e10 >= 0) num *= 10n ** BigInt(e10);
  else den *= 10n ** BigInt(-e10);
  let v = num / den;
  if (num % den !== 0n) v += q.negative ? 0n : 1n;
  if (q.negative) v = -v;
  return v > INT64_MAX ? INT64_MAX : v < INT64_MIN ? INT64_MIN : v;
}

/** kube's Quantity.Value(): rounded up to a whole unit. */
export function quantityValue(q: Quantity): bigint {
  return scaledValue(q, 0);
}

/** kube's Quantity.MilliValue(): rounded up to a whole milli-unit. */
export function quantityMilliValue(q: Quantity): bigint {
  return scaledValue(q, 3);
}

/**
 * kube compares LimitRange bounds as integers: milli-units when all three
 * fit, whole units otherwise (so `1.5m` against a minimum of `2m` passes).
 */
export function comparableValues(request: Quantity, limit: Quantity, enforced: Quantity): { request: bigint; limit: bigint; enforced: bigint } {
  const r = quantityValue(request);
  const l = quantityValue(limit);
  const e = quantityValue(enforced);
  if (r <= MAX_MILLI_VALUE && l <= MAX_MILLI_VALUE && e <= MAX_MILLI_VALUE) {
    return { request: quantityMilliValue(request), limit: quantityMilliValue(limit), enforced: quantityMilliValue(enforced) };
  }
  return { request: r, limit: l, enforced: e };
}

export function fitsMilli(q: Quantity): boolean {
  return quantityValue(q) <= MAX_MILLI_VALUE;
}
