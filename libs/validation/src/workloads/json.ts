// Readers for plain decoded JSON. The schema pass has already rejected wrong
// types, but any field may be missing, so every reader tolerates absence and
// never throws.

import type { JsonObject } from '../types.ts';
import { isObject } from '../core/json.ts';

// One definition of each shared reader: the core rules' module holds them.
export { isObject, setDefault, jsonEqual } from '../core/json.ts';

/** The object at `o[k]`, or undefined. */
export function objAt(o: unknown, k: string): JsonObject | undefined {
  if (!isObject(o)) return undefined;
  const v = o[k];
  return isObject(v) ? v : undefined;
}

/** The object at `o[k]`, created empty when missing (for defaulting). */
export function ensureObj(o: JsonObject, k: string): JsonObject {
  const v = o[k];
  if (isObject(v)) return v;
  const fresh: JsonObject = {};
  o[k] = fresh;
  return fresh;
}

/** The objects of the array at `o[k]` (non-objects skipped), with their indexes. */
export function objectsAt(o: unknown, k: string): Array<[number, JsonObject]> {
  const arr = arrAt(o, k);
  const out: Array<[number, JsonObject]> = [];
  arr.forEach((v, i) => {
    if (isObject(v)) out.push([i, v]);
  });
  return out;
}

export function arrAt(o: unknown, k: string): readonly unknown[] {
  if (!isObject(o)) return [];
  const v = o[k];
  return Array.isArray(v) ? v : [];
}

/** The string at `o[k]`; '' when missing, as Go's zero value. */
export function strAt(o: unknown, k: string): string {
  if (!isObject(o)) return '';
  const v = o[k];
  return typeof v === 'string' ? v : '';
}

/** The number at `o[k]`, or undefined when unset (Go's nil pointer). */
export function numAt(o: unknown, k: string): number | undefined {
  if (!isObject(o)) return undefined;
  const v = o[k];
  return typeof v === 'number' ? v : undefined;
}

export function boolAt(o: unknown, k: string): boolean | undefined {
  if (!isObject(o)) return undefined;
  const v = o[k];
  return typeof v === 'boolean' ? v : undefined;
}

/** A string-to-string map (labels, nodeSelector); non-string values dropped. */
export function stringMapAt(o: unknown, k: string): Record<string, string> | undefined {
  const m = objAt(o, k);
  if (m === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(m)) if (typeof v === 'string') out[key] = v;
  return out;
}

/** Whether a field is set: present and not null (Go's non-nil / non-zero). */
export function isSet(o: unknown, k: string): boolean {
  return isObject(o) && o[k] !== undefined && o[k] !== null;
}

/** Like setDefault, but also replaces Go's zero value ('' or 0) for non-pointer fields. */
export function setDefaultIfZero(o: JsonObject, k: string, v: unknown): void {
  const cur = o[k];
  if (cur === undefined || cur === null || cur === '' || cur === 0) o[k] = v;
}

export function clone<T>(v: T): T {
  return structuredClone(v);
}

/** A decoded JSON object, read-only from a validator's point of view. */
export type JsonObjectLike = Readonly<Record<string, unknown>>;
