// Computing a strategic merge patch from two documents: kube's diffMaps and
// diffLists, the algorithm behind `kubectl apply` and `kubectl edit`. Maps
// diff recursively (a removed key becomes null); merging lists of maps diff
// element by element by merge key (a removed element becomes
// `{key, $patch: delete}`); merging lists of scalars produce a parallel
// `$deleteFromPrimitiveList/<field>`; merging lists also get
// `$setElementOrder/<field>`; retainKeys fields get `$retainKeys`; every
// other list is replaced whole.

import { StrategicMergeError } from './errors.ts';
import { goStringCompare, goV } from './go-format.ts';
import { type JsonObject, type JsonValue, deepEqual, goTypeOf, has, isObject, newObject } from './json.ts';
import { badArgType, deduplicateScalars, isMapType, noMergeKey, sliceElementType, sortByOrder, sortByText } from './list-order.ts';
import type { SchemaLookup, Shape } from './schema-lookup.ts';
import { DELETE_FROM_PRIMITIVE_LIST_PREFIX, PATCH_DIRECTIVE, RETAIN_KEYS_DIRECTIVE, SET_ELEMENT_ORDER_PREFIX } from './directives.ts';
import { splitRetainKeys } from './strategy.ts';

export interface DiffOptions {
  readonly setElementOrder: boolean;
  readonly ignoreChangesAndAdditions: boolean;
  readonly ignoreDeletions: boolean;
  readonly buildRetainKeysDirective: boolean;
}

export const TWO_WAY: DiffOptions = { setElementOrder: true, ignoreChangesAndAdditions: false, ignoreDeletions: false, buildRetainKeysDirective: false };

export function diffMaps(original: JsonObject, modified: JsonObject, shape: Shape, lookup: SchemaLookup, options: DiffOptions): JsonObject {
  const patch = newObject();
  const retainKeys: string[] = [];
  for (const [key, modifiedValue] of Object.entries(modified)) {
    if (options.buildRetainKeysDirective && modifiedValue !== null) retainKeys.push(key);
    if (!has(original, key)) {
      if (!options.ignoreChangesAndAdditions) patch[key] = modifiedValue;
      continue;
    }
    const originalValue = original[key] as JsonValue;
    if (key === PATCH_DIRECTIVE) {
      if (typeof originalValue !== 'string' || typeof modifiedValue !== 'string') {
        throw new StrategicMergeError('SMP_INVALID_DIRECTIVE_VALUE', `invalid value for special key: ${PATCH_DIRECTIVE}`);
      }
      if (originalValue !== modifiedValue) patch[key] = modifiedValue;
      continue;
    }
    if (goTypeOf(originalValue) !== goTypeOf(modifiedValue)) {
      if (!options.ignoreChangesAndAdditions) patch[key] = modifiedValue;
      continue;
    }
    if (isObject(originalValue) && isObject(modifiedValue)) diffMapField(key, originalValue, modifiedValue, patch, shape, lookup, options);
    else if (Array.isArray(originalValue) && Array.isArray(modifiedValue)) diffSliceField(key, originalValue, modifiedValue, patch, shape, lookup, options);
    else if (!options.ignoreChangesAndAdditions && !deepEqual(originalValue, modifiedValue)) patch[key] = modifiedValue;
  }
  if (!options.ignoreDeletions) {
    for (const key of Object.keys(original)) if (!has(modified, key)) patch[key] = null;
  }
  const hasAdditionalField = Object.entries(original).some(([k, v]) => v !== null && !has(modified, k));
  if (retainKeys.length > 0 && (Object.keys(patch).length > 0 || hasAdditionalField)) {
    patch[RETAIN_KEYS_DIRECTIVE] = sortByText(retainKeys, (k) => k);
  }
  return patch;
}

function diffMapField(key: string, original: JsonObject, modified: JsonObject, patch: JsonObject, shape: Shape, lookup: SchemaLookup, options: DiffOptions): void {
  let meta;
  try {
    meta = lookup.forStruct(shape, key);
  } catch (err) {
    // Without metadata nothing is needed when the values agree.
    if (deepEqual(original, modified)) return;
    throw err;
  }
  const { retainKeys, strategy } = splitRetainKeys(meta.strategies);
  if (strategy === 'replace') {
    if (!options.ignoreChangesAndAdditions) patch[key] = modified;
    return;
  }
  const sub = diffMaps(original, modified, meta.shape, lookup, { ...options, buildRetainKeysDirective: retainKeys });
  if (Object.keys(sub).length > 0) patch[key] = sub;
}

function diffSliceField(key: string, original: JsonValue[], modified: JsonValue[], patch: JsonObject, shape: Shape, lookup: SchemaLookup, options: DiffOptions): void {
  let meta;
  try {
    meta = lookup.forSlice(shape, key);
  } catch (err) {
    if (deepEqual(original, modified)) return;
    throw err;
  }
  const { retainKeys, strategy } = splitRetainKeys(meta.strategies);
  if (strategy !== 'merge') {
    if (!options.ignoreChangesAndAdditions && !deepEqual(original, modified)) patch[key] = modified;
    return;
  }
  const { add, del, order } = diffLists(original, modified, meta.shape, meta.mergeKey, lookup, { ...options, buildRetainKeysDirective: retainKeys });
  if (add.length > 0) patch[key] = add;
  if (del.length > 0) patch[`${DELETE_FROM_PRIMITIVE_LIST_PREFIX}/${key}`] = del;
  if (order.length > 0) patch[`${SET_ELEMENT_ORDER_PREFIX}/${key}`] = order;
}

interface ListDiff {
  readonly add: JsonValue[];
  readonly del: JsonValue[];
  readonly order: JsonValue[];
}

function diffLists(original: JsonValue[], modified: JsonValue[], elem: Shape, mergeKey: string, lookup: SchemaLookup, options: DiffOptions): ListDiff {
  if (original.length === 0) {
    if (modified.length === 0 || options.ignoreChangesAndAdditions) return { add: [], del: [], order: [] };
    return { add: modified, del: [], order: [] };
  }
  const maps = isMapType(sliceElementType(original, modified));
  if (maps) {
    const { changes, deletions } = diffListsOfMaps(original, modified, elem, mergeKey, lookup, options);
    const add = [...sortByOrder(changes, modified, mergeKey, true), ...deletions];
    const orderSame = original.length === modified.length && modified.every((m, i) => sameKey(original[i] as JsonValue, m, mergeKey));
    let order: JsonValue[] = [];
    if (options.setElementOrder
      && ((!options.ignoreChangesAndAdditions && (add.length > 0 || !orderSame)) || (!options.ignoreDeletions && add.length > 0))) {
      order = modified.map((m) => {
        const o = newObject();
        o[mergeKey] = (m as JsonObject)[mergeKey] as JsonValue;
        return o;
      });
    }
    return { add, del: [], order };
  }
  const { add: added, del } = diffListsOfScalars(original, modified, options);
  const add = sortByOrder(added, modified, '', false);
  const changed = (!options.ignoreDeletions && del.length > 0) || (!options.ignoreChangesAndAdditions && !deepEqual(original, modified));
  return { add, del, order: options.setElementOrder && changed ? modified : [] };
}

function sameKey(a: JsonValue, b: JsonValue, mergeKey: string): boolean {
  if (!isObject(a)) throw badArgType('map[string]interface {}', a);
  if (!isObject(b)) throw badArgType('map[string]interface {}', b);
  if (!has(a, mergeKey)) throw noMergeKey(a, mergeKey);
  if (!has(b, mergeKey)) throw noMergeKey(b, mergeKey);
  const x = a[mergeKey];
  return x === b[mergeKey] && (typeof x !== 'object' || x === null);
}

/** Both lists sorted by `%v` text and walked together, as kube does. */
function diffListsOfScalars(original: JsonValue[], modified: JsonValue[], options: DiffOptions): { add: JsonValue[]; del: JsonValue[] } {
  const o = sortByText(original, goV);
  const m = sortByText(modified, goV);
  const add: JsonValue[] = [];
  const del: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < o.length || j < m.length) {
    const os = i < o.length ? goV(o[i]) : undefined;
    const ms = j < m.length ? goV(m[j]) : undefined;
    if (os !== undefined && ms !== undefined && os === ms) {
      i++;
      j++;
    } else if (os === undefined || (ms !== undefined && goStringCompare(os, ms) > 0)) {
      if (!options.ignoreChangesAndAdditions) add.push(m[j] as JsonValue);
      j++;
    } else {
      if (!options.ignoreDeletions) del.push(o[i] as JsonValue);
      i++;
    }
  }
  return { add, del: deduplicateScalars(del) };
}

function keyedSorted(list: JsonValue[], mergeKey: string): { map: JsonObject; key: JsonValue; text: string }[] {
  const items = list.map((v) => {
    if (!isObject(v)) throw badArgType('map[string]interface {}', v);
    return v;
  });
  return sortByText(items, (m) => goV(m[mergeKey])).map((map) => {
    if (!has(map, mergeKey)) throw noMergeKey(map, mergeKey);
    return { map, key: map[mergeKey] as JsonValue, text: goV(map[mergeKey]) };
  });
}

function diffListsOfMaps(
  original: JsonValue[], modified: JsonValue[], elem: Shape, mergeKey: string, lookup: SchemaLookup, options: DiffOptions,
): { changes: JsonValue[]; deletions: JsonValue[] } {
  const o = keyedSorted(original, mergeKey);
  const m = keyedSorted(modified, mergeKey);
  const changes: JsonValue[] = [];
  const deletions: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < o.length || j < m.length) {
    const a = o[i];
    const b = m[j];
    if (a !== undefined && b !== undefined && a.text === b.text) {
      const sub = diffMaps(a.map, b.map, elem, lookup, options);
      if (Object.keys(sub).length > 0) {
        sub[mergeKey] = b.key;
        changes.push(sub);
      }
      i++;
      j++;
    } else if (b !== undefined && (a === undefined || goStringCompare(a.text, b.text) > 0)) {
      if (!options.ignoreChangesAndAdditions) changes.push(b.map);
      j++;
    } else if (a !== undefined) {
      if (!options.ignoreDeletions) {
        const d = newObject();
        d[mergeKey] = a.key;
        d[PATCH_DIRECTIVE] = 'delete';
        deletions.push(d);
      }
      i++;
    }
  }
  return { changes, deletions };
}
