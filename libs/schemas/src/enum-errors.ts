// Generic enum validation: every string field whose schema lists allowed
// values (`+enum` types, read into the definitions by the generator) is checked
// against them. kube-apiserver 1.33 checks enums in each kind's hand-written
// validation, with per-field rules; this walk covers the enum fields those
// rules do not, and mergeFieldErrors lets the hand-written errors win where
// both speak about the same field.

import { field, type FieldError, FieldPath } from '@logbook/apimachinery';
import { MAX_DECODE_DEPTH } from './decode.ts';
import type { SchemaSet } from './schema-set.ts';
import type { Definition, FieldSchema } from './types.ts';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Walk {
  readonly schemas: SchemaSet;
  readonly errs: FieldError[];
}

function checkValue(w: Walk, v: unknown, f: FieldSchema, path: FieldPath, depth: number): void {
  // Decoding already refused anything deeper; stopping quietly keeps this walk bounded on its own.
  if (depth > MAX_DECODE_DEPTH) return;
  switch (f.type) {
    case 'string':
      // An empty string is Go's zero value: the field is unset, whatever the enum lists.
      if (f.enum !== undefined && typeof v === 'string' && v !== '' && !f.enum.includes(v)) {
        w.errs.push(field.notSupported(path, v, f.enum));
      }
      return;
    case 'array':
      if (Array.isArray(v)) v.forEach((item, i) => checkValue(w, item, f.items, path.index(i), depth + 1));
      return;
    case 'map':
      if (isObject(v)) for (const [k, item] of Object.entries(v)) checkValue(w, item, f.values, path.key(k), depth + 1);
      return;
    case 'ref': {
      const def = w.schemas.definition(f.ref);
      if (def !== undefined && isObject(v)) checkStruct(w, v, def, path, depth + 1);
      return;
    }
    default:
      return;
  }
}

function checkStruct(w: Walk, obj: Record<string, unknown>, def: Definition, path: FieldPath | undefined, depth: number): void {
  for (const [k, v] of Object.entries(obj)) {
    const f = def.properties[k];
    if (f === undefined || v === null) continue;
    checkValue(w, v, f, path === undefined ? FieldPath.root(k) : path.child(k), depth);
  }
}

/**
 * `Unsupported value` errors for every enum field of `obj` (decoded as `def`)
 * whose value is not one the schema allows, in field order. Values of the
 * wrong JSON type are left to decoding; unknown fields are skipped.
 */
export function enumErrors(schemas: SchemaSet, def: Definition, obj: Readonly<Record<string, unknown>>): FieldError[] {
  const w: Walk = { schemas, errs: [] };
  checkStruct(w, obj, def, undefined, 0);
  return w.errs;
}

/** `spec.accessModes[0]` → `spec.accessModes`; `metadata.labels[a]` → `metadata.labels`. */
function withoutTrailingSubscripts(path: string): string {
  let end = path.length;
  while (end > 0 && path[end - 1] === ']') {
    const open = path.lastIndexOf('[', end - 1);
    if (open <= 0) break;
    end = open;
  }
  return path.slice(0, end);
}

/**
 * The hand-written (semantic) errors first, then each generic error about a
 * field none of them mentions. A semantic error on a list or map counts for
 * its elements too: kube reports some enum lists at the list's path
 * (`spec.accessModes: Unsupported value: "X"`), and the generic walk would
 * repeat it at `spec.accessModes[0]`.
 */
export function mergeFieldErrors(semantic: readonly FieldError[], generic: readonly FieldError[]): FieldError[] {
  const reported = new Set(semantic.map((e) => e.field));
  const out = [...semantic];
  for (const e of generic) {
    if (reported.has(e.field) || reported.has(withoutTrailingSubscripts(e.field))) continue;
    out.push(e);
  }
  return out;
}
