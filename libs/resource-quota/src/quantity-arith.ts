// The arithmetic quota needs on top of @logbook/validation's exact quantities
// (whose sums and differences it uses): counts, clamping of astronomical
// client values, and the whole-unit round-up kube applies to PVC storage.

import { formatQuantity, parseQuantity, ZERO_QUANTITY, type Quantity } from '@logbook/validation';

/**
 * Client-written quantities can be astronomically large (`1e2000000000`);
 * exact sums of such values would build integers of billions of digits. Any
 * magnitude beyond 10^MAX_EXP10 is held as 10^MAX_EXP10 — still far above
 * every real quota, so the request is refused as kube would refuse it.
 */
const MAX_EXP10 = 60;
const CLAMPED: Quantity = { negative: false, digits: 1n, exp10: MAX_EXP10, exp2: 0, format: 'DecimalExponent', text: `1e${MAX_EXP10}` };

export const ZERO: Quantity = ZERO_QUANTITY;

/** A whole count (`pods: 1`) in DecimalSI, as kube's NewQuantity(n, DecimalSI). */
export function countQuantity(n: number): Quantity {
  if (!Number.isSafeInteger(n)) throw new RangeError(`not a whole count: ${n}`);
  return { negative: n < 0, digits: BigInt(Math.abs(n)), exp10: 0, exp2: 0, format: 'DecimalSI', text: String(n) };
}

/** The quantity a JSON value denotes (string or number); undefined when it is not one. */
export function decodeQuantity(v: unknown): Quantity | undefined {
  let q: Quantity | undefined;
  if (typeof v === 'string') q = parseQuantity(v);
  else if (typeof v === 'number' && Number.isFinite(v)) q = parseQuantity(String(v));
  if (q === undefined || q.digits === 0n) return q;
  const approxDigits = q.digits.toString().length + q.exp10 + q.exp2 * Math.log10(2);
  if (approxDigits <= MAX_EXP10) return q;
  return q.negative ? { ...CLAMPED, negative: true, text: `-${CLAMPED.text}` } : CLAMPED;
}

export { addQuantities as addQuantity, subtractQuantities as subtractQuantity } from '@logbook/validation';

/** Rounded up to a whole unit (kube's RoundUp(0)), keeping the format. */
export function ceilToWhole(q: Quantity): Quantity {
  if (q.exp10 >= 0 && q.exp2 >= 0) return q;
  const num = q.digits * 10n ** BigInt(Math.max(q.exp10, 0)) * 2n ** BigInt(Math.max(q.exp2, 0));
  const den = 10n ** BigInt(Math.max(-q.exp10, 0)) * 2n ** BigInt(Math.max(-q.exp2, 0));
  if (num % den === 0n) return q;
  const whole = num / den + (q.negative ? 0n : 1n);
  const r: Quantity = { negative: q.negative && whole !== 0n, digits: whole, exp10: 0, exp2: 0, format: q.format, text: '' };
  return { ...r, text: formatQuantity(r) };
}
