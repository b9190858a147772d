// Merging two toleration lists without redundancy (kube's
// MergeTolerations): a toleration that another one already covers is
// dropped, and of two equal ones the first is kept.

import { isDeepStrictEqual } from 'node:util';
import type { JsonObject } from './object-fields.ts';

function str(t: JsonObject, key: string): string {
  const v = t[key];
  return typeof v === 'string' ? v : '';
}

/** Whether `ss` tolerates everything `t` tolerates. */
export function toleratesSuperset(ss: JsonObject, t: JsonObject): boolean {
  if (isDeepStrictEqual(ss, t)) return true;
  // An empty key with operator Exists matches every key.
  if (str(t, 'key') !== str(ss, 'key') && (str(ss, 'key') !== '' || str(ss, 'operator') !== 'Exists')) return false;
  // An empty effect matches every effect.
  if (str(t, 'effect') !== str(ss, 'effect') && str(ss, 'effect') !== '') return false;
  if (str(ss, 'effect') === 'NoExecute' && typeof ss.tolerationSeconds === 'number') {
    if (typeof t.tolerationSeconds !== 'number' || t.tolerationSeconds > ss.tolerationSeconds) return false;
  }
  switch (str(ss, 'operator')) {
    case 'Equal':
    case '':
      return str(t, 'operator') === 'Equal' && str(t, 'value') === str(ss, 'value');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

export function mergeTolerations(first: readonly JsonObject[], second: readonly JsonObject[]): JsonObject[] {
  const all = [...first, ...second];
  const merged: JsonObject[] = [];
  for (const [i, t] of all.entries()) {
    if (merged.some((kept) => toleratesSuperset(kept, t))) continue;
    if (all.slice(i + 1).some((later) => !isDeepStrictEqual(t, later) && toleratesSuperset(later, t))) continue;
    merged.push(t);
  }
  return merged;
}
