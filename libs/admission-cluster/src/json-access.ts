// Reading decoded JSON objects without trusting their shape. Admission runs
// after decoding but some plugins (mutating ones) run before type
// validation, so every field may be missing or of the wrong type; a wrong
// type reads as absent, and validation reports it afterwards.

export type JsonRecord = Record<string, unknown>;

export function isRecord(v: unknown): v is JsonRecord {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The object at `path`, or undefined when any step is missing or not an object. */
export function recordAt(root: unknown, ...path: readonly string[]): JsonRecord | undefined {
  let cur: unknown = root;
  for (const key of path) {
    if (!isRecord(cur)) return undefined;
    cur = cur[key];
  }
  return isRecord(cur) ? cur : undefined;
}

/** The value at `path`, or undefined when any step is missing. */
export function valueAt(root: unknown, ...path: readonly string[]): unknown {
  let cur: unknown = root;
  for (const key of path) {
    if (!isRecord(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

/** The string at `path`; undefined when absent or not a string. */
export function stringAt(root: unknown, ...path: readonly string[]): string | undefined {
  const v = valueAt(root, ...path);
  return typeof v === 'string' ? v : undefined;
}

/** The array at `path`; [] when absent or not an array (Go's nil slice). */
export function arrayAt(root: unknown, ...path: readonly string[]): readonly unknown[] {
  const v = valueAt(root, ...path);
  return Array.isArray(v) ? v : [];
}

/** A string map (labels, annotations); entries whose value is not a string are skipped. */
export function stringMapAt(root: unknown, ...path: readonly string[]): ReadonlyMap<string, string> {
  const r = recordAt(root, ...path);
  const out = new Map<string, string>();
  if (r === undefined) return out;
  for (const [k, v] of Object.entries(r)) if (typeof v === 'string') out.set(k, v);
  return out;
}

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isRecord(v)) return Object.values(v).every((x) => x === undefined);
  return false;
}

/**
 * apimachinery's semantic equality as far as JSON can tell it: an absent
 * field, null, an empty list and an empty map are all Go's nil and compare
 * equal; everything else compares by value, key order ignored.
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  if (isEmpty(a) && isEmpty(b)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => semanticEqual(x, b[i]));
  }
  if (isRecord(a) || isRecord(b)) {
    if (!isRecord(a) || !isRecord(b)) return false;
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!semanticEqual(a[k], b[k])) return false;
    return true;
  }
  return a === b;
}
