// Path elements as structured-merge-diff defines them: a struct field or map
// key (`f:`), an associative-list item by its key fields (`k:`), a set item
// by its value (`v:`), or a list index (`i:`, never produced for built-ins,
// whose granular lists are all keyed or sets). Each element has one canonical
// string — its fieldsV1 key — which is also its identity in a FieldSet.

import { FieldManagerError } from './errors.ts';
import { goJson } from './go-json.ts';

export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [k: string]: JsonValue };

export type PathElement =
  | { readonly kind: 'field'; readonly name: string }
  | { readonly kind: 'key'; readonly fields: readonly (readonly [string, JsonValue])[] }
  | { readonly kind: 'value'; readonly value: JsonValue }
  | { readonly kind: 'index'; readonly index: number };

export type Path = readonly PathElement[];

export const fieldPE = (name: string): PathElement => ({ kind: 'field', name });

/** A key element; fields are sorted by name because SMD compares and prints keys in that order. */
export function keyPE(fields: readonly (readonly [string, JsonValue])[]): PathElement {
  const sorted = [...fields].sort((a, b) => compareStrings(a[0], b[0]));
  return { kind: 'key', fields: sorted };
}

/** The element's fieldsV1 key: `f:name`, `k:{"name":"x"}`, `v:"x"`, `i:0`. */
export function encodePE(pe: PathElement): string {
  switch (pe.kind) {
    case 'field':
      return `f:${pe.name}`;
    case 'key':
      return `k:{${pe.fields.map(([n, v]) => `${goJson(n)}:${goJson(v)}`).join(',')}}`;
    case 'value':
      return `v:${goJson(pe.value)}`;
    case 'index':
      return `i:${pe.index}`;
  }
}

/** Parses a fieldsV1 key (anything but `.`). */
export function decodePE(s: string): PathElement {
  const prefix = s.slice(0, 2);
  const rest = s.slice(2);
  switch (prefix) {
    case 'f:':
      return fieldPE(rest);
    case 'k:': {
      const parsed = parseJson(s, rest);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new FieldManagerError('BAD_FIELDS_V1', `parsing key ${JSON.stringify(s)}: key must be a JSON object`);
      }
      return keyPE(Object.entries(parsed as Record<string, JsonValue>));
    }
    case 'v:':
      return { kind: 'value', value: parseJson(s, rest) };
    case 'i:': {
      if (!/^(0|[1-9][0-9]*)$/.test(rest)) {
        throw new FieldManagerError('BAD_FIELDS_V1', `parsing key ${JSON.stringify(s)}: index must be a non-negative integer`);
      }
      return { kind: 'index', index: Number(rest) };
    }
    default:
      throw new FieldManagerError('BAD_FIELDS_V1', `parsing key ${JSON.stringify(s)}: unknown path element prefix`);
  }
}

function parseJson(whole: string, text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch (cause) {
    throw new FieldManagerError('BAD_FIELDS_V1', `parsing key ${JSON.stringify(whole)}: invalid JSON`, { cause });
  }
}

/** The element as SMD prints it in paths: `.name`, `[name="x"]`, `[="x"]`, `[0]`. */
export function peString(pe: PathElement): string {
  switch (pe.kind) {
    case 'field':
      return `.${pe.name}`;
    case 'key':
      return `[${pe.fields.map(([n, v]) => `${n}=${goJson(v)}`).join(',')}]`;
    case 'value':
      return `[=${goJson(pe.value)}]`;
    case 'index':
      return `[${pe.index}]`;
  }
}

export const pathString = (p: Path): string => p.map(peString).join('');

const KIND_ORDER = { field: 0, key: 1, value: 2, index: 3 } as const;

/** SMD's total order on path elements; fieldsV1 keys are written in this order. */
export function comparePE(a: PathElement, b: PathElement): number {
  if (a.kind !== b.kind) return KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
  switch (a.kind) {
    case 'field':
      return compareStrings(a.name, (b as typeof a).name);
    case 'key': {
      const bf = (b as typeof a).fields;
      for (let i = 0; i < a.fields.length && i < bf.length; i++) {
        const [an, av] = a.fields[i]!;
        const [bn, bv] = bf[i]!;
        const c = compareStrings(an, bn) || compareValues(av, bv);
        if (c !== 0) return c;
      }
      return a.fields.length - bf.length;
    }
    case 'value':
      return compareValues(a.value, (b as typeof a).value);
    case 'index':
      return a.index - (b as typeof a).index;
  }
}

export const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function typeRank(v: JsonValue): number {
  if (typeof v === 'number') return 0;
  if (typeof v === 'string') return 1;
  if (typeof v === 'boolean') return 2;
  if (Array.isArray(v)) return 3;
  if (v === null) return 5;
  return 4;
}

/** SMD's value order: numbers < strings < booleans < lists < maps < null. */
export function compareValues(a: JsonValue, b: JsonValue): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number') return a - (b as number);
  if (typeof a === 'string') return compareStrings(a, b as string);
  if (typeof a === 'boolean') return Number(a) - Number(b);
  if (a === null) return 0;
  if (Array.isArray(a)) {
    const bl = b as readonly JsonValue[];
    for (let i = 0; i < a.length && i < bl.length; i++) {
      const c = compareValues(a[i] as JsonValue, bl[i]!);
      if (c !== 0) return c;
    }
    return a.length - bl.length;
  }
  const ao = a as { readonly [k: string]: JsonValue };
  const bo = b as { readonly [k: string]: JsonValue };
  const ak = Object.keys(ao).sort(compareStrings);
  const bk = Object.keys(bo).sort(compareStrings);
  for (let i = 0; i < ak.length && i < bk.length; i++) {
    const c = compareStrings(ak[i]!, bk[i]!) || compareValues(ao[ak[i]!]!, bo[bk[i]!]!);
    if (c !== 0) return c;
  }
  return ak.length - bk.length;
}
