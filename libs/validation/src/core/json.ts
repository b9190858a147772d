// Read-only accessors over decoded JSON. The schema pass has already rejected
// wrong types, but any field may be missing, so every accessor answers
// `undefined` (or an empty value) rather than throwing.

import type { JsonObject } from '../types.ts';

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function obj(v: unknown): JsonObject | undefined {
  return isObject(v) ? v : undefined;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A string field read as Go reads it: missing means "". */
export function s(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function num(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

export function arr(v: unknown): readonly unknown[] {
  return Array.isArray(v) ? v : [];
}

export function strings(v: unknown): string[] {
  return arr(v).filter((x): x is string => typeof x === 'string');
}

/** A map[string]string field; non-string values are skipped (the schema pass rejects them). */
export function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const o = obj(v);
  if (o === undefined) return out;
  for (const [k, val] of Object.entries(o)) if (typeof val === 'string') out[k] = val;
  return out;
}

/** The object at `key`, created empty when missing (for defaulting). */
export function ensureObject(parent: JsonObject, key: string): JsonObject {
  const cur = parent[key];
  if (isObject(cur)) return cur;
  const fresh: JsonObject = {};
  parent[key] = fresh;
  return fresh;
}

/** Sets `key` only when it is unset (kube defaulting never overrides a sent value). */
export function setDefault(o: JsonObject, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null) o[key] = value;
}

/** Structural equality of JSON values (kube's apiequality.Semantic.DeepEqual for plain data). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => jsonEqual(a[k], b[k]));
  }
  return false;
}
