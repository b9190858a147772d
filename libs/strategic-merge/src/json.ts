// The JSON values the engine works on, decoded once from `unknown` at the
// package boundary. Objects are null-prototype records so that a key such as
// `__proto__` in a patch is an ordinary key, never a prototype change; they are
// turned back into plain objects on the way out.

export type JsonValue = null | boolean | number | string | JsonArray | JsonObject;
export type JsonArray = JsonValue[];
export interface JsonObject {
  [key: string]: JsonValue;
}

export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

export function newObject(): JsonObject {
  return Object.create(null) as JsonObject;
}

export function has(o: JsonObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

/**
 * The Go type a decoded JSON value has in kube (`json.Unmarshal` into
 * interface{} with ints preserved): the engine compares these where kube
 * compares `reflect.TypeOf`.
 */
export type GoType = 'map[string]interface {}' | '[]interface {}' | 'string' | 'int64' | 'float64' | 'bool' | 'nil';

export function goTypeOf(v: JsonValue): GoType {
  if (v === null) return 'nil';
  if (Array.isArray(v)) return '[]interface {}';
  switch (typeof v) {
    case 'object': return 'map[string]interface {}';
    case 'string': return 'string';
    case 'boolean': return 'bool';
    // JSON text such as `1.0` is float64 in Go but indistinguishable here; integral numbers count as int64.
    default: return Number.isInteger(v) ? 'int64' : 'float64';
  }
}

export function deepEqual(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => deepEqual(v, b[i] as JsonValue));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => has(b, k) && deepEqual(a[k] as JsonValue, b[k] as JsonValue));
  }
  return false;
}

/** A plain-object deep copy for callers (Object.fromEntries defines `__proto__` as data, never as a prototype). */
export function toPlain(v: JsonValue): unknown {
  if (Array.isArray(v)) return v.map(toPlain);
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toPlain(x)]));
  return v;
}
