// A ResourceList (`{cpu: "500m", memory: "1Gi"}`) decoded to quantities, in
// the object's own key order so messages come out in a stable order (kube's
// come out in Go's random map order). Unparseable values are skipped: the
// pod's validation reports them with the field path.

import { compareQuantities, type Quantity } from '@logbook/validation';
import { isObject } from './object-fields.ts';
import { addQuantities, quantityOf } from './quantity-math.ts';

export type ResourceList = Map<string, Quantity>;

export function resourceListOf(v: unknown): ResourceList {
  const out: ResourceList = new Map();
  if (!isObject(v)) return out;
  for (const [name, raw] of Object.entries(v)) {
    const q = quantityOf(raw);
    if (q !== undefined) out.set(name, q);
  }
  return out;
}

/** list += add, per resource. */
export function addInto(list: ResourceList, add: ResourceList): void {
  for (const [name, q] of add) {
    const have = list.get(name);
    list.set(name, have === undefined ? q : addQuantities(have, q));
  }
}

/** list = max(list, other), per resource of `other`. */
export function maxInto(list: ResourceList, other: ResourceList): void {
  for (const [name, q] of other) {
    const have = list.get(name);
    if (have === undefined || compareQuantities(q, have) > 0) list.set(name, q);
  }
}
