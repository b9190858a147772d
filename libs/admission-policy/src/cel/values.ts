// JSON in, CEL out and back. Kubernetes decodes JSON numbers that are whole
// into int64 and the rest into float64, and CEL keeps the two apart (`1 + 1.0`
// has no overload), so a whole JS number becomes a bigint here; objects become
// Maps, which is what the evaluator treats as CEL maps.

import { celType, isCelList, isCelMap, isCelUint, type CelInput, type CelValue } from '@bufbuild/cel';

/** A decoded JSON value (what an object, a param or the request is made of). */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** Converts a decoded JSON value for evaluation; undefined fields are left out, as JSON leaves them out. */
export function toCelInput(value: unknown): CelInput {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'bigint':
      return value;
    case 'number':
      return Number.isInteger(value) ? BigInt(value) : value;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) return (value as readonly unknown[]).map(toCelInput);
      const out = new Map<string, CelInput>();
      for (const [k, v] of Object.entries(value)) if (v !== undefined) out.set(k, toCelInput(v));
      return out;
    }
    default:
      // Functions and symbols never come out of a JSON decoder.
      throw new TypeError(`toCelInput: ${typeof value} is not a JSON value`);
  }
}

/** Back to plain JSON-shaped data (ints as numbers), for tests and for annotations. */
export function fromCelValue(value: CelValue): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value === null || typeof value !== 'object') return value;
  if (isCelUint(value)) return Number(value.value);
  if (isCelList(value)) return [...value].map(fromCelValue);
  if (isCelMap(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) out[String(isCelUint(k) ? k.value : k)] = fromCelValue(v);
    return out;
  }
  return value;
}

/** cel-go's name of a value's type, for messages such as "must evaluate to bool but got int". */
export function celTypeName(value: CelValue): string {
  return celType(value).name;
}
