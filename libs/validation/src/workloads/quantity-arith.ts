// Exact sums and differences of quantities, as kube's Quantity.Add/Sub do
// them: the result keeps the receiver's format, except that a zero receiver
// takes the operand's (so `0 + 1Gi` prints as `1Gi`). LimitRanger's pod totals
// and ResourceQuota's usage both add with it.

import { formatQuantity, type Quantity } from './quantity.ts';

export const ZERO_QUANTITY: Quantity = { negative: false, digits: 0n, exp10: 0, exp2: 0, format: 'DecimalSI', text: '0' };

// sign × digits × 10^exp10 × 2^exp2 as an exact scaled integer: value × 10^-e10 × 2^-e2.
function scaled(q: Quantity, e10: number, e2: number): bigint {
  const m = q.digits * 10n ** BigInt(q.exp10 - e10) * 2n ** BigInt(q.exp2 - e2);
  return q.negative ? -m : m;
}

function combine(a: Quantity, b: Quantity, sign: 1n | -1n): Quantity {
  const e10 = Math.min(a.exp10, b.exp10);
  const e2 = Math.min(a.exp2, b.exp2);
  const v = scaled(a, e10, e2) + sign * scaled(b, e10, e2);
  const format = a.digits === 0n ? b.format : a.format;
  const q: Quantity = { negative: v < 0n, digits: v < 0n ? -v : v, exp10: e10, exp2: e2, format, text: '' };
  return { ...q, text: formatQuantity(q) };
}

/** a + b, exactly. */
export function addQuantities(a: Quantity, b: Quantity): Quantity {
  return combine(a, b, 1n);
}

/** a − b, exactly. */
export function subtractQuantities(a: Quantity, b: Quantity): Quantity {
  return combine(a, b, -1n);
}
