// Resource lists as quota works on them: resource name → exact quantity,
// with kube's pkg/quota/v1 set operations (Add, Subtract, Mask, ...) and
// its message formatting. Public values are plain JSON records of
// canonical quantity strings (`formatQuantity`), as stored in status.

import { compareQuantities, formatQuantity, type Quantity } from '@logbook/validation';
import { addQuantity, decodeQuantity, subtractQuantity, ZERO } from './quantity-arith.ts';

/** A ResourceList as it appears in JSON: resource name → quantity string. */
export type ResourceList = Readonly<Record<string, string>>;

/** The working form: insertion-ordered, exact. */
export type Usage = Map<string, Quantity>;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A JSON ResourceList decoded; entries that are not quantities are skipped (validation reports them). */
export function decodeList(v: unknown): Usage {
  const out: Usage = new Map();
  if (!isRecord(v)) return out;
  for (const [name, raw] of Object.entries(v)) {
    const q = decodeQuantity(raw);
    if (q !== undefined) out.set(name, q);
  }
  return out;
}

/** The JSON form, canonical quantities (kube's Quantity.String()). */
export function encodeList(u: Usage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, q] of u) out[name] = formatQuantity(q);
  return out;
}

/** a + b: every resource of either. */
export function addLists(a: Usage, b: Usage): Usage {
  const out: Usage = new Map(a);
  for (const [name, q] of b) {
    const have = out.get(name);
    out.set(name, have === undefined ? q : addQuantity(have, q));
  }
  return out;
}

/** a − b per resource of a, never below zero (kube's SubtractWithNonNegativeResult). */
export function subtractNonNegative(a: Usage, b: Usage): Usage {
  const out: Usage = new Map();
  for (const [name, q] of a) {
    const other = b.get(name);
    const d = other === undefined ? q : subtractQuantity(q, other);
    out.set(name, compareQuantities(d, ZERO) > 0 ? d : ZERO);
  }
  for (const name of b.keys()) if (!out.has(name)) out.set(name, ZERO);
  return out;
}

/** Only the named resources. */
export function maskList(u: Usage, names: Iterable<string>): Usage {
  const out: Usage = new Map();
  for (const name of names) {
    const q = u.get(name);
    if (q !== undefined) out.set(name, q);
  }
  return out;
}

export function removeZeros(u: Usage): Usage {
  return new Map([...u].filter(([, q]) => q.digits !== 0n));
}

/** list = max(list, other) per resource of other. */
export function maxInto(list: Usage, other: Usage): void {
  for (const [name, q] of other) {
    const have = list.get(name);
    if (have === undefined || compareQuantities(q, have) > 0) list.set(name, q);
  }
}

export function negativeNames(u: Usage): string[] {
  return [...u].filter(([, q]) => q.negative && q.digits !== 0n).map(([name]) => name);
}

/** Same resources, equal quantities (format aside), as kube's quota.Equals. */
export function listsEqual(a: Usage, b: Usage): boolean {
  if (a.size !== b.size) return false;
  for (const [name, q] of a) {
    const other = b.get(name);
    if (other === undefined || compareQuantities(q, other) !== 0) return false;
  }
  return true;
}

/** Resources of `a` above their bound in `b` (resources `b` does not bound are fine). */
export function exceededNames(a: Usage, b: Usage): string[] {
  const out: string[] = [];
  for (const [name, bound] of b) {
    const v = a.get(name);
    if (v !== undefined && compareQuantities(v, bound) > 0) out.push(name);
  }
  return out;
}

// Go's sort.Strings orders by bytes; resource names are ASCII, where code-unit order agrees.
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** kube's prettyPrint: `name=quantity` sorted by name, joined with `,`. */
export function prettyPrint(u: Usage): string {
  return [...u.keys()].sort(byteOrder).map((name) => `${name}=${formatQuantity(u.get(name) ?? ZERO)}`).join(',');
}

/** kube's prettyPrintResourceNames: sorted, joined with `,`. */
export function prettyPrintNames(names: Iterable<string>): string {
  return [...new Set(names)].sort(byteOrder).join(',');
}
