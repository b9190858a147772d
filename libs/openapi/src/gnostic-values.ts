// The pieces gnostic-convert.ts builds gnostic messages from: scalar
// converters that drop proto3 zero values (Go's encoder never writes them),
// YAML-carrying Any values, ordered maps, and `message`, which maps a JSON
// object's keys to proto fields, sends `x-*` keys to `vendor_extension` and
// refuses every other key, so nothing in the JSON is lost without an error.

import { stringify } from 'yaml';
import { V2ProtobufError } from './v2-protobuf-error.ts';

/** A converter: JSON value at `at` → the gnostic value, or undefined for a zero scalar. */
export type Conv = (v: unknown, at: string) => unknown;
export type Plain = Record<string, unknown>;

export interface MessageSpec {
  /** JSON key → [proto field name, converter]. */
  readonly fields: Readonly<Record<string, readonly [string, Conv]>>;
  readonly required?: readonly string[];
  /** Whether the message has `vendor_extension` for `x-*` keys. */
  readonly extensions: boolean;
}

export function child(at: string, key: string | number): string {
  return `${at}/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`;
}

function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

function invalid(at: string, want: string, v: unknown): V2ProtobufError {
  return new V2ProtobufError('InvalidValue', at, `expected ${want}, got ${describe(v)}`);
}

export function object(v: unknown, at: string): Plain {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid(at, 'an object', v);
  return v as Plain;
}

export function array(v: unknown, at: string): readonly unknown[] {
  if (!Array.isArray(v)) throw invalid(at, 'an array', v);
  return v;
}

export const str: Conv = (v, at) => {
  if (typeof v !== 'string') throw invalid(at, 'a string', v);
  return v === '' ? undefined : v;
};

export const bool: Conv = (v, at) => {
  if (typeof v !== 'boolean') throw invalid(at, 'a boolean', v);
  return v ? true : undefined;
};

export const num: Conv = (v, at) => {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw invalid(at, 'a number', v);
  return v === 0 ? undefined : v;
};

export const int: Conv = (v, at) => {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw invalid(at, 'an integer', v);
  return v === 0 ? undefined : v;
};

export function list(conv: Conv): Conv {
  return (v, at) => {
    const out = array(v, at).map((item, i) => conv(item, child(at, i)));
    return out.length === 0 ? undefined : out;
  };
}

export const strs = list((v, at) => {
  if (typeof v !== 'string') throw invalid(at, 'a string', v);
  return v;
});

/**
 * gnostic's Any: the value re-serialised as YAML. YAML 1.1 rules, because Go's
 * yaml.v2 (kube-openapi's reader) would take an unquoted `yes` or `on` for a bool.
 */
export const any: Conv = (v) => ({ yaml: stringify(v, { version: '1.1', lineWidth: 0 }) });

export function namedAny(name: string, v: unknown): Plain {
  return { name, value: any(v, '') };
}

/** An ordered map message: `{additional_properties: [{name, value}]}`. */
export function named(conv: Conv): Conv {
  return (v, at) => ({
    additional_properties: Object.entries(object(v, at)).map(([name, value]) => ({ name, value: conv(value, child(at, name)) })),
  });
}

export function message(spec: MessageSpec): Conv {
  return (v, at) => {
    const o = object(v, at);
    for (const key of spec.required ?? []) {
      if (!Object.hasOwn(o, key)) throw new V2ProtobufError('MissingField', child(at, key), 'is required');
    }
    const out: Plain = {};
    const ext: Plain[] = [];
    for (const [key, value] of Object.entries(o)) {
      const field = Object.hasOwn(spec.fields, key) ? spec.fields[key] : undefined;
      if (field !== undefined) {
        const converted = field[1](value, child(at, key));
        if (converted !== undefined) out[field[0]] = converted;
      } else if (spec.extensions && key.startsWith('x-')) {
        ext.push(namedAny(key, value));
      } else {
        throw new V2ProtobufError('UnsupportedField', child(at, key), 'has no place in gnostic openapi.v2');
      }
    }
    if (ext.length > 0) out.vendor_extension = ext;
    return out;
  };
}

/** A converter defined later in this file (the schema and item types are recursive). */
export function lazy(get: () => Conv): Conv {
  return (v, at) => get()(v, at);
}

