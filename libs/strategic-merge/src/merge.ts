// Applying a strategic merge patch: kube's mergeMap and mergeSlice, walking
// the document and its schema together. Both arguments are the engine's own
// copies (see limits.ts) and are mutated in place, as kube's are.
//
// MergeOptions select the two modes kube uses: applying a patch to an object
// on the server (parallel lists are merged, unmatched nulls dropped) and
// combining two patches into one when computing a three-way patch (directives
// and nulls are carried into the result).

import { StrategicMergeError, sentinel } from './errors.ts';
import { goS, goV } from './go-format.ts';
import { type JsonObject, type JsonValue, deepEqual, goTypeOf, has, isObject } from './json.ts';
import {
  IdentityIndex, badArgType, deduplicateScalars, isMapType, noMergeKey, normalizeElementOrder, partition, sliceElementType,
} from './list-order.ts';
import { type SchemaLookup, type Shape, kindName } from './schema-lookup.ts';
import { SET_ELEMENT_ORDER_PREFIX, DELETE_FROM_PRIMITIVE_LIST_PREFIX, RETAIN_KEYS_DIRECTIVE, PATCH_DIRECTIVE } from './directives.ts';
import { splitRetainKeys } from './strategy.ts';

export interface MergeOptions {
  readonly mergeParallelList: boolean;
  readonly ignoreUnmatchedNulls: boolean;
}

export const SERVER_SIDE: MergeOptions = { mergeParallelList: true, ignoreUnmatchedNulls: true };
export const COMBINE_PATCHES: MergeOptions = { mergeParallelList: false, ignoreUnmatchedNulls: false };

export interface MergeContext {
  readonly lookup: SchemaLookup;
  readonly options: MergeOptions;
}

export function mergeMap(original: JsonObject, patch: JsonObject, shape: Shape, cx: MergeContext): JsonObject {
  if (has(patch, PATCH_DIRECTIVE)) {
    const directive = patch[PATCH_DIRECTIVE];
    if (directive === 'replace') {
      delete patch[PATCH_DIRECTIVE];
      return patch;
    }
    if (directive === 'delete') return Object.create(null) as JsonObject;
    throw new StrategicMergeError('SMP_BAD_PATCH_TYPE', `unknown patch type: ${goS(directive)} in map: ${goV(patch)}`);
  }
  applyRetainKeys(original, patch, cx.options);
  mergeOrderedLists(original, patch, shape, cx);

  for (const key of Object.keys(patch)) {
    if (!has(patch, key)) continue;
    const patchV = patch[key] as JsonValue;
    let k = key;
    let isDeleteList = false;
    if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX)) {
      if (!cx.options.mergeParallelList) {
        original[key] = patchV;
        continue;
      }
      k = extractKey(key, DELETE_FROM_PRIMITIVE_LIST_PREFIX);
      isDeleteList = true;
    }
    if (patchV === null) {
      delete original[k];
      if (cx.options.ignoreUnmatchedNulls) continue;
    }
    if (!has(original, k) || goTypeOf(original[k] as JsonValue) !== goTypeOf(patchV)) {
      if (!isDeleteList) takePatchValue(original, k, patchV, cx.options);
      continue;
    }
    const originalV = original[k] as JsonValue;
    if (isObject(originalV) && isObject(patchV)) {
      const meta = cx.lookup.forStruct(shape, k);
      const { strategy } = splitRetainKeys(meta.strategies);
      original[k] = strategy === 'replace' ? patchV : mergeMap(originalV, patchV, meta.shape, cx);
    } else if (Array.isArray(originalV) && Array.isArray(patchV)) {
      const meta = cx.lookup.forSlice(shape, k);
      const { strategy } = splitRetainKeys(meta.strategies);
      original[k] = mergeSliceHandler(originalV, patchV, meta.shape, strategy, meta.mergeKey, isDeleteList, cx);
    } else {
      takePatchValue(original, k, patchV, cx.options);
    }
  }
  return original;
}

function takePatchValue(original: JsonObject, k: string, patchV: JsonValue, options: MergeOptions): void {
  if (options.ignoreUnmatchedNulls) discardNulls(patchV);
  const [v, keep] = removeDirectives(patchV);
  if (keep) original[k] = v;
  else delete original[k];
}

function mergeSliceHandler(
  original: JsonValue[], patch: JsonValue[], elem: Shape, strategy: string, mergeKey: string, isDeleteList: boolean, cx: MergeContext,
): JsonValue[] {
  // Delete lists are handled the same way whatever the field's strategy.
  if (strategy === 'merge' || isDeleteList) return mergeSlice(original, patch, elem, mergeKey, isDeleteList, cx);
  return patch;
}

function mergeSlice(original: JsonValue[], patch: JsonValue[], elem: Shape, mergeKey: string, isDeleteList: boolean, cx: MergeContext): JsonValue[] {
  if (original.length === 0 && patch.length === 0) return original;
  const maps = isMapType(sliceElementType(original, patch));
  let merged: JsonValue[];
  let orig = original;
  let patchItems = patch;
  if (!maps) {
    if (cx.options.mergeParallelList && isDeleteList) {
      const doomed = new Set(patch);
      return original.filter((v) => !doomed.has(v));
    }
    merged = deduplicateScalars([...original, ...patch]);
  } else {
    if (mergeKey === '') throw new StrategicMergeError('SMP_MERGE_KEY_UNDECLARED', `cannot merge lists without merge key for ${kindName(elem)}`);
    [orig, patchItems] = mergeSpecialElements(original, patch, mergeKey);
    merged = mergeByKey(orig, patchItems, elem, mergeKey, cx);
  }
  const key = maps ? mergeKey : '';
  const [inPatch, serverOnly] = partition(merged, patchItems, key);
  return normalizeElementOrder(inPatch, serverOnly, patchItems, orig, key, maps);
}

/** `$patch` elements of a merging list: delete by key, replace the whole list; `merge` is not supported. */
function mergeSpecialElements(original: JsonValue[], patch: JsonValue[], mergeKey: string): [JsonValue[], JsonValue[]] {
  const plain: JsonValue[] = [];
  let replace = false;
  const doomed = new Set<JsonValue | undefined>();
  for (const v of patch) {
    const m = v as JsonObject;
    if (!has(m, PATCH_DIRECTIVE)) {
      plain.push(v);
      continue;
    }
    const directive = m[PATCH_DIRECTIVE];
    if (directive === 'delete') {
      if (!has(m, mergeKey)) throw noMergeKey(m, mergeKey);
      doomed.add(m[mergeKey]);
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      throw new StrategicMergeError('SMP_MERGE_DIRECTIVE_IN_LIST', 'merging lists cannot yet be specified in the patch');
    } else {
      throw new StrategicMergeError('SMP_BAD_PATCH_TYPE', `unknown patch type: ${goS(directive)} in map: ${goV(m)}`);
    }
  }
  if (replace) return [plain, []];
  // Every element whose key a delete directive names goes (all of them, as kube's repeated search removes them).
  const kept = doomed.size === 0 ? original : original.filter((v) => {
    const id = (v as JsonObject)[mergeKey];
    return !(has(v as JsonObject, mergeKey) && (typeof id !== 'object' || id === null) && doomed.has(id));
  });
  return [kept, plain];
}

function mergeByKey(original: JsonValue[], patch: JsonValue[], elem: Shape, mergeKey: string, cx: MergeContext): JsonValue[] {
  const out = [...original];
  const index = new IdentityIndex(out, mergeKey, true);
  for (const v of patch) {
    const m = v as JsonObject;
    if (!has(m, mergeKey)) throw noMergeKey(m, mergeKey);
    const at = index.indexOfId(m[mergeKey]);
    if (at < 0) {
      index.add(v, out.length);
      out.push(v);
    } else {
      out[at] = mergeMap(out[at] as JsonObject, m, elem, cx);
    }
  }
  return out;
}

/** `$retainKeys`: clear the keys of original it does not list; every key the patch sets must be listed. */
function applyRetainKeys(original: JsonObject, patch: JsonObject, options: MergeOptions): void {
  if (!has(patch, RETAIN_KEYS_DIRECTIVE)) return;
  const retain = patch[RETAIN_KEYS_DIRECTIVE] as JsonValue;
  delete patch[RETAIN_KEYS_DIRECTIVE];
  if (!options.mergeParallelList) {
    if (!has(original, RETAIN_KEYS_DIRECTIVE)) original[RETAIN_KEYS_DIRECTIVE] = retain;
    else if (!deepEqual(original[RETAIN_KEYS_DIRECTIVE] as JsonValue, retain)) {
      throw new StrategicMergeError('SMP_BAD_RETAIN_KEYS_FORMAT', `${goV(original[RETAIN_KEYS_DIRECTIVE])} and ${goV(retain)} are not deep equal: this may happen when calculating the 3-way diff patch`);
    }
    return;
  }
  if (!Array.isArray(retain)) throw sentinel('SMP_BAD_RETAIN_KEYS_FORMAT');
  const listed = (k: string): boolean => retain.some((r) => r === k);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX) || k.startsWith(SET_ELEMENT_ORDER_PREFIX)) continue;
    if (!listed(k)) throw sentinel('SMP_BAD_RETAIN_KEYS_FORMAT');
  }
  for (const k of Object.keys(original)) if (!listed(k)) delete original[k];
}

/** `$setElementOrder/<field>`: merge that list now and order it as the directive says. */
function mergeOrderedLists(original: JsonObject, patch: JsonObject, shape: Shape, cx: MergeContext): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER_PREFIX)) continue;
    const order = patch[key] as JsonValue;
    if (!cx.options.mergeParallelList) {
      if (!has(original, key)) original[key] = order;
      else if (!deepEqual(original[key] as JsonValue, order)) throw sentinel('SMP_BAD_SET_ELEMENT_ORDER_FORMAT');
    }
    delete patch[key];
    if (!Array.isArray(order)) throw badArgType('[]interface {}', order);
    const field = extractKey(key, SET_ELEMENT_ORDER_PREFIX);
    const foundOriginal = has(original, field);
    const foundPatch = has(patch, field);
    const originalList = original[field];
    const patchList = patch[field];
    if (foundOriginal && !Array.isArray(originalList)) throw badArgType('[]interface {}', originalList);
    if (foundPatch && !Array.isArray(patchList)) throw badArgType('[]interface {}', patchList);
    const origArr = Array.isArray(originalList) ? originalList : [];
    const patchArr = Array.isArray(patchList) ? patchList : [];
    const meta = cx.lookup.forSlice(shape, field);
    const { strategy } = splitRetainKeys(meta.strategies);
    validateAgainstOrder(patchArr, order, meta.mergeKey);
    let merged: JsonValue[];
    if (foundOriginal && !foundPatch) merged = origArr;
    else if (!foundOriginal && foundPatch) merged = removeDirectives(patchArr)[0] as JsonValue[];
    else if (foundOriginal && foundPatch) merged = mergeSliceHandler(origArr, patchArr, meta.shape, strategy, meta.mergeKey, false, cx);
    else continue;
    const maps = isMapType(sliceElementType(origArr, patchArr));
    const [inOrder, serverOnly] = partition(merged, order, meta.mergeKey);
    original[field] = normalizeElementOrder(inOrder, serverOnly, order, origArr, meta.mergeKey, maps);
    delete patch[field];
  }
}

/** Every (non-delete) item of the patch list must appear in `$setElementOrder`, in the same relative order. */
function validateAgainstOrder(patchList: JsonValue[], order: JsonValue[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  let items = patchList;
  if (mergeKey !== '') {
    for (const v of patchList) if (!isObject(v)) throw badArgType('map[string]interface {}', v);
    items = patchList.filter((v) => (v as JsonObject)[PATCH_DIRECTIVE] !== 'delete');
  }
  let p = 0;
  let o = 0;
  while (p < items.length && o < order.length) {
    const item = items[p] as JsonValue;
    if (isObject(item) && has(item, PATCH_DIRECTIVE)) {
      p++;
      continue;
    }
    if (keyEqual(item, order[o] as JsonValue, mergeKey)) p++;
    o++;
  }
  if (p < items.length && o >= order.length) {
    throw new StrategicMergeError('SMP_SET_ELEMENT_ORDER_MISMATCH', `The order in patch list:\n${goV(patchList)}\n doesn't match ${SET_ELEMENT_ORDER_PREFIX} list:\n${goV(order)}\n`);
  }
}

function keyEqual(left: JsonValue, right: JsonValue, mergeKey: string): boolean {
  if (mergeKey === '') return left === right && (typeof left !== 'object' || left === null);
  if (!isObject(left)) throw badArgType('map[string]interface {}', left);
  if (!isObject(right)) throw badArgType('map[string]interface {}', right);
  if (!has(left, mergeKey)) throw noMergeKey(left, mergeKey);
  if (!has(right, mergeKey)) throw noMergeKey(right, mergeKey);
  const a = left[mergeKey];
  return a === right[mergeKey] && (typeof a !== 'object' || a === null);
}

function extractKey(key: string, prefix: typeof SET_ELEMENT_ORDER_PREFIX | typeof DELETE_FROM_PRIMITIVE_LIST_PREFIX): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    throw sentinel(prefix === SET_ELEMENT_ORDER_PREFIX ? 'SMP_BAD_SET_ELEMENT_ORDER_FORMAT' : 'SMP_BAD_PRIMITIVE_LIST_FORMAT');
  }
  return key.slice(slash + 1);
}

/** Directives in a value that has nothing to merge with: a map carrying `$patch` is dropped, elsewhere they vanish. */
export function removeDirectives(v: JsonValue): [JsonValue, boolean] {
  if (Array.isArray(v)) {
    const out: JsonValue[] = [];
    for (const x of v) {
      const [y, keep] = removeDirectives(x);
      if (keep) out.push(y);
    }
    return [out, true];
  }
  if (isObject(v)) {
    if (has(v, PATCH_DIRECTIVE)) return [null, false];
    for (const k of Object.keys(v)) {
      const [y, keep] = removeDirectives(v[k] as JsonValue);
      if (keep) v[k] = y;
      else delete v[k];
    }
  }
  return [v, true];
}

function discardNulls(v: JsonValue): void {
  if (Array.isArray(v)) for (const x of v) discardNulls(x);
  else if (isObject(v)) {
    for (const k of Object.keys(v)) {
      const x = v[k] as JsonValue;
      if (x === null) delete v[k];
      else discardNulls(x);
    }
  }
}
