// What decoding a JSON body into kube's Go types does, done on JSON: a value
// of the wrong JSON type is a decode error (kube's "json: cannot unmarshal
// string into Go struct field DeploymentSpec.spec.replicas of type int32"),
// and a field the type does not have is dropped, reported as unknown so the
// caller can apply fieldValidation (Strict rejects, Warn warns, Ignore is
// silent). The walk is bounded in depth; kube's JSON decoder has the same kind
// of limit.

import type { SchemaSet } from './schema-set.ts';
import type { Definition, FieldSchema } from './types.ts';

/** Deeper objects than this are refused (kube's decoder stops at 10,000; real objects are < 30 deep). */
export const MAX_DECODE_DEPTH = 1_000;

export class DecodeError extends Error {
  readonly code: 'DECODE_TYPE_MISMATCH' | 'DECODE_TOO_DEEP';
  constructor(code: DecodeError['code'], message: string) {
    super(message);
    this.name = 'DecodeError';
    this.code = code;
  }
}

export interface DecodeResult {
  /** The object with unknown fields dropped (a copy; the input is not changed). */
  readonly object: Record<string, unknown>;
  /** Paths of the dropped fields, as kube names them: `spec.template.spec.containers[0].bogus`. */
  readonly unknownFields: readonly string[];
}

/** Unknown fields beyond this many are dropped without being listed (the list ends the warning header). */
export const MAX_REPORTED_UNKNOWN_FIELDS = 100;

interface Walk {
  readonly schemas: SchemaSet;
  readonly unknown: string[];
  /** The Go struct whose field is being decoded, for error messages. */
  struct: string;
}

const shortName = (definition: string): string => definition.slice(definition.lastIndexOf('.') + 1);

/** `v1.PodSpec` for io.k8s.api.core.v1.PodSpec (Go's package-qualified name). */
function goQualified(definition: string): string {
  const parts = definition.split('.');
  return `${parts[parts.length - 2]}.${parts[parts.length - 1]}`;
}

function goType(f: FieldSchema): string {
  switch (f.type) {
    case 'ref':
      return goQualified(f.ref);
    case 'array':
      return `[]${goType(f.items)}`;
    case 'map':
      return `map[string]${goType(f.values)}`;
    case 'string':
      return f.format === 'byte' ? '[]uint8' : f.format === 'date-time' || f.format === 'date-time-micro' ? 'v1.Time' : 'string';
    case 'integer':
      return f.format === 'int64' ? 'int64' : 'int32';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    case 'int-or-string':
      return 'intstr.IntOrString';
    case 'quantity':
      return 'resource.Quantity';
    default:
      return 'interface {}';
  }
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  if (typeof v === 'boolean') return 'bool';
  return typeof v; // string | number
}

function mismatch(w: Walk, path: string, value: unknown, f: FieldSchema): DecodeError {
  return new DecodeError('DECODE_TYPE_MISMATCH', `json: cannot unmarshal ${jsonKind(value)} into Go struct field ${w.struct}.${path} of type ${goType(f)}`);
}

function isInteger(v: number, format: string | undefined): boolean {
  if (!Number.isInteger(v)) return false;
  return format === 'int64' ? Number.isSafeInteger(v) || Math.abs(v) <= 2 ** 63 : v >= -(2 ** 31) && v < 2 ** 31;
}

function value(w: Walk, v: unknown, f: FieldSchema, path: string, depth: number): unknown {
  if (depth > MAX_DECODE_DEPTH) throw new DecodeError('DECODE_TOO_DEEP', `object nesting exceeds ${MAX_DECODE_DEPTH} levels`);
  if (v === null) return null; // null decodes to the zero value of any Go type
  switch (f.type) {
    case 'string':
      if (typeof v !== 'string') throw mismatch(w, path, v, f);
      return v;
    case 'integer':
      if (typeof v !== 'number' || !isInteger(v, f.format)) throw mismatch(w, path, v, f);
      return v;
    case 'number':
      if (typeof v !== 'number') throw mismatch(w, path, v, f);
      return v;
    case 'boolean':
      if (typeof v !== 'boolean') throw mismatch(w, path, v, f);
      return v;
    case 'int-or-string':
      if (typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v))) return v;
      throw mismatch(w, path, v, f);
    case 'quantity':
      // Quantities unmarshal from a string or a bare number (kube accepts `cpu: 1`); their grammar is validation's job.
      if (typeof v === 'string' || typeof v === 'number') return v;
      throw mismatch(w, path, v, f);
    case 'any':
    case 'object':
      return v;
    case 'array': {
      if (!Array.isArray(v)) throw mismatch(w, path, v, f);
      return v.map((item, i) => value(w, item, f.items, `${path}[${i}]`, depth + 1));
    }
    case 'map': {
      if (typeof v !== 'object' || Array.isArray(v)) throw mismatch(w, path, v, f);
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) out[k] = value(w, item, f.values, `${path}[${k}]`, depth + 1);
      return out;
    }
    case 'ref': {
      const def = w.schemas.definition(f.ref);
      if (def === undefined) return v;
      if (typeof v !== 'object' || Array.isArray(v)) throw mismatch(w, path, v, f);
      const outer = w.struct;
      const out = struct(w, v as Record<string, unknown>, def, path, depth + 1);
      w.struct = outer;
      return out;
    }
  }
}

function struct(w: Walk, obj: Record<string, unknown>, def: Definition, path: string, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const f = def.properties[k];
    const childPath = path === '' ? k : `${path}.${k}`;
    if (f === undefined) {
      if (w.unknown.length < MAX_REPORTED_UNKNOWN_FIELDS) w.unknown.push(childPath);
      continue;
    }
    // A null field decodes to Go's zero value, which the encoder then leaves out (omitempty, nil pointers).
    if (v === null) continue;
    w.struct = shortName(def.name);
    out[k] = value(w, v, f, childPath, depth);
  }
  return out;
}

/**
 * Decodes `obj` as the definition `root` (a kind): the same object without
 * unknown fields, and their paths. Throws DecodeError on a type mismatch.
 */
export function decodeObject(schemas: SchemaSet, root: Definition, obj: Record<string, unknown>): DecodeResult {
  const w: Walk = { schemas, unknown: [], struct: shortName(root.name) };
  const object = struct(w, obj, root, '', 0);
  return { object, unknownFields: w.unknown };
}
