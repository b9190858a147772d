// How merged lists are ordered, as kube orders them: items named in the patch
// (or in `$setElementOrder`) keep the patch's order, server-only items keep
// the live order, and the two are interleaved by the live order where both
// sides are known. Also the list helpers kube's diff uses (element type,
// de-duplication, string-wise sorting).

import { StrategicMergeError, sentinel } from './errors.ts';
import { goStringCompare, goV } from './go-format.ts';
import { type GoType, type JsonObject, type JsonValue, goTypeOf, has, isObject } from './json.ts';

/** The one Go type of every element of the lists; kube refuses mixed lists and lists of lists. */
export function sliceElementType(...lists: readonly (readonly JsonValue[])[]): GoType {
  let prev: GoType | undefined;
  for (const list of lists) {
    for (const v of list) {
      const t = goTypeOf(v);
      // kube dereferences the type of a null element and panics; answer a typed error instead.
      if (t === 'nil') throw new StrategicMergeError('SMP_NULL_LIST_ELEMENT', 'list elements must not be null');
      if (prev === undefined) {
        if (t === '[]interface {}') throw sentinel('SMP_LIST_OF_LISTS');
        prev = t;
      } else if (prev !== t) {
        throw new StrategicMergeError('SMP_MIXED_LIST_TYPES', `list element types are not identical: ${goV(lists as JsonValue[])}`);
      }
    }
  }
  if (prev === undefined) throw new StrategicMergeError('SMP_NO_LIST_ELEMENTS', 'no elements in any of the given slices');
  return prev;
}

export const isMapType = (t: GoType): boolean => t === 'map[string]interface {}';

export function noMergeKey(m: JsonObject, key: string): StrategicMergeError {
  return new StrategicMergeError('SMP_NO_MERGE_KEY', `map: ${goV(m)} does not contain declared merge key: ${key}`);
}

export function badArgType(expected: 'map[string]interface {}' | '[]interface {}', actual: JsonValue | undefined): StrategicMergeError {
  const got = actual === undefined || actual === null ? '%!s(<nil>)' : goTypeOf(actual);
  return new StrategicMergeError('SMP_BAD_ARG_TYPE', `expected a ${expected}, but received a ${got}`);
}

/** The value an item is identified by: its merge key for maps, itself for scalars. */
function identity(item: JsonValue, mergeKey: string, maps: boolean): JsonValue | undefined {
  if (!maps) return item;
  return isObject(item) ? item[mergeKey] : undefined;
}

/**
 * Position of the first item with each identity. Lists run to thousands of
 * elements, so every lookup goes through one of these rather than a scan.
 * Only scalars are indexed: kube compares with Go `==`, under which maps and
 * lists never match (Go would panic; here they simply do not match).
 */
export class IdentityIndex {
  readonly #first = new Map<JsonValue | undefined, number>();
  readonly #mergeKey: string;
  readonly #maps: boolean;
  constructor(list: readonly JsonValue[], mergeKey: string, maps: boolean) {
    this.#mergeKey = mergeKey;
    this.#maps = maps;
    list.forEach((v, i) => this.add(v, i));
  }

  add(item: JsonValue, at: number): void {
    if (this.#maps && !(isObject(item) && has(item, this.#mergeKey))) return;
    const id = identity(item, this.#mergeKey, this.#maps);
    if (typeof id === 'object' && id !== null) return;
    if (!this.#first.has(id)) this.#first.set(id, at);
  }

  /** Index of the first item identified like `item`, or -1. */
  indexOf(item: JsonValue): number {
    return this.indexOfId(identity(item, this.#mergeKey, this.#maps));
  }

  indexOfId(id: JsonValue | undefined): number {
    if (typeof id === 'object' && id !== null) return -1;
    return this.#first.get(id) ?? -1;
  }
}

/** Split `list` into the items present in `by` and the rest, each in list order. */
export function partition(list: readonly JsonValue[], by: readonly JsonValue[], mergeKey: string): [JsonValue[], JsonValue[]] {
  const maps = mergeKey !== '';
  if (maps) {
    by.forEach((v, i) => {
      if (!isObject(v)) throw new StrategicMergeError('SMP_ELEMENT_NOT_A_MAP', `value for key ${i} is not a map`);
    });
  }
  const index = new IdentityIndex(by, mergeKey, maps);
  const inBy: JsonValue[] = [];
  const rest: JsonValue[] = [];
  for (const v of list) {
    if (maps) {
      if (!isObject(v)) throw badArgType('map[string]interface {}', v);
      if (!has(v, mergeKey)) throw noMergeKey(v, mergeKey);
    }
    (index.indexOf(v) >= 0 ? inBy : rest).push(v);
  }
  return [inBy, rest];
}

/**
 * Sort `toSort` by the position of each item in `order`. kube's comparator is
 * only an order when every item occurs in `order`, which holds at each call
 * site; items it cannot place keep their relative order here. Delete
 * directives go last.
 */
export function sortByOrder(toSort: readonly JsonValue[], order: readonly JsonValue[], mergeKey: string, maps: boolean): JsonValue[] {
  let keep: JsonValue[] = [...toSort];
  let deletes: JsonValue[] = [];
  if (maps) {
    for (const v of [...toSort, ...order]) {
      if (!isObject(v)) throw badArgType('map[string]interface {}', v);
      if (!has(v, mergeKey)) throw noMergeKey(v, mergeKey);
    }
    keep = toSort.filter((v) => !(isObject(v) && v['$patch'] === 'delete'));
    deletes = toSort.filter((v) => isObject(v) && v['$patch'] === 'delete');
  }
  const index = new IdentityIndex(order, mergeKey, maps);
  const ranked = keep.map((v, i) => ({ v, i, at: index.indexOf(v) }));
  ranked.sort((a, b) => (a.at >= 0 && b.at >= 0 ? a.at - b.at : 0) || a.i - b.i);
  return [...ranked.map((r) => r.v), ...deletes];
}

/** normalizeElementOrder: patch items by patch order, server-only by live order, then interleaved by live order. */
export function normalizeElementOrder(
  patchItems: readonly JsonValue[], serverOnly: readonly JsonValue[], patchOrder: readonly JsonValue[],
  serverOrder: readonly JsonValue[], mergeKey: string, maps: boolean,
): JsonValue[] {
  const right = sortByOrder(patchItems, patchOrder, mergeKey, maps);
  const left = sortByOrder(serverOnly, serverOrder, mergeKey, maps);
  const server = new IdentityIndex(serverOrder, mergeKey, maps);
  const out: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++] as JsonValue);
    else if (j >= right.length) out.push(left[i++] as JsonValue);
    else {
      const li = server.indexOf(left[i] as JsonValue);
      const ri = server.indexOf(right[j] as JsonValue);
      // A server-only item goes first only when the live order places it before the patch item.
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++] as JsonValue);
      else out.push(right[j++] as JsonValue);
    }
  }
  return out;
}

/** Scalars without repeats, first occurrence kept (kube's own de-duplication scrambles the order; callers sort after). */
export function deduplicateScalars(input: readonly JsonValue[]): JsonValue[] {
  const seen = new Set<JsonValue>();
  return input.filter((v) => (seen.has(v) ? false : (seen.add(v), true)));
}

/** Sorted by the `%v` text of each value, as kube sorts scalars and merge keys. */
export function sortByText<T>(list: readonly T[], text: (v: T) => string): T[] {
  return list.map((v) => ({ v, t: text(v) })).sort((a, b) => goStringCompare(a.t, b.t)).map((x) => x.v);
}
