// CEL equality and ordering over evaluated values, for the library functions
// that need them (list indexOf, min, max, isSorted). Numbers compare across
// int, uint and double as CEL's heterogeneous equality says.

import { isCelList, isCelMap, isCelUint, type CelValue } from '@bufbuild/cel';

function numeric(v: CelValue): number | bigint | undefined {
  if (typeof v === 'bigint' || typeof v === 'number') return v;
  if (isCelUint(v)) return v.value;
  return undefined;
}

export function celEquals(a: CelValue, b: CelValue): boolean {
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined || nb !== undefined) {
    if (na === undefined || nb === undefined) return false;
    // Loose equality is exactly CEL's comparison of an int (bigint) with a double (number).
    return na == nb;
  }
  if (a === null || b === null) return a === b;
  if (typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && a.length === b.length && a.every((x, i) => x === b[i]);
  }
  if (isCelList(a) || isCelList(b)) {
    if (!isCelList(a) || !isCelList(b) || a.size !== b.size) return false;
    for (let i = 0; i < a.size; i++) {
      const x = a.get(i);
      const y = b.get(i);
      if (x === undefined || y === undefined || !celEquals(x, y)) return false;
    }
    return true;
  }
  if (isCelMap(a) || isCelMap(b)) {
    if (!isCelMap(a) || !isCelMap(b) || a.size !== b.size) return false;
    for (const [k, v] of a) {
      const w = b.get(k);
      if (w === undefined || !celEquals(v, w)) return false;
    }
    return true;
  }
  return a === b;
}

/** -1, 0 or 1; undefined when the two have no order (then the caller reports no such overload). */
export function celCompare(a: CelValue, b: CelValue): -1 | 0 | 1 | undefined {
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined && nb !== undefined) return na < nb ? -1 : na > nb ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  return undefined;
}
