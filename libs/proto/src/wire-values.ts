// Scalar conversions at the wire boundary. The generated code's declared
// types are not trusted: with the `long` package installed the protobufjs
// runtime decodes uint64 as Long objects despite --force-number, absent fields
// read their prototype defaults, and byte fields come back as Buffer views.
// So every decoded field is read as `unknown` and narrowed here, once.

import { ProtoDecodeError, ProtoEncodeError } from './errors.ts';

const TWO_POW_32 = 0x1_0000_0000;
/** The high word of 2^53: any uint64 with a high word at or above this is not a safe integer. */
const UNSAFE_HIGH_WORD = 0x20_0000;

interface LongLike {
  readonly low: number;
  readonly high: number;
}

function isLongLike(v: unknown): v is LongLike {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { low?: unknown }).low === 'number' &&
    typeof (v as { high?: unknown }).high === 'number'
  );
}

/** A uint64 field as a safe JS integer. Absent means zero (proto3). */
export function readUint64(v: unknown, field: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') {
    if (Number.isSafeInteger(v) && v >= 0) return v;
    throw new ProtoDecodeError('unsafe-integer', field, `${v} is not a safe non-negative integer`);
  }
  if (isLongLike(v)) {
    const high = v.high >>> 0;
    const low = v.low >>> 0;
    if (high >= UNSAFE_HIGH_WORD) {
      throw new ProtoDecodeError('unsafe-integer', field, `uint64 with high word ${high} is 2^53 or larger`);
    }
    return high * TWO_POW_32 + low;
  }
  throw new ProtoDecodeError('invalid-field', field, `expected an integer, got ${typeof v}`);
}

export function readUint32(v: unknown, field: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < TWO_POW_32) return v;
  throw new ProtoDecodeError('invalid-field', field, `expected a uint32, got ${JSON.stringify(v) ?? typeof v}`);
}

export function readString(v: unknown, field: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  throw new ProtoDecodeError('invalid-field', field, `expected a string, got ${typeof v}`);
}

export function readBool(v: unknown, field: string): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  throw new ProtoDecodeError('invalid-field', field, `expected a bool, got ${typeof v}`);
}

const EMPTY = new Uint8Array(0);

/**
 * A bytes field as a plain Uint8Array. Zero-copy: the result is a view into
 * the decoded input, so callers must not reuse or mutate that input afterwards.
 * (Buffer views are re-wrapped so values compare equal to plain Uint8Arrays.)
 */
export function readBytes(v: unknown, field: string): Uint8Array {
  if (v === undefined || v === null) return EMPTY;
  if (!(v instanceof Uint8Array)) throw new ProtoDecodeError('invalid-field', field, `expected bytes, got ${typeof v}`);
  if (v.byteLength === 0) return EMPTY;
  if (Object.getPrototypeOf(v) === Uint8Array.prototype) return v;
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

export function readArray(v: unknown, field: string): readonly unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new ProtoDecodeError('invalid-field', field, `expected a repeated field, got ${typeof v}`);
  return v;
}

/** A nested message field: undefined when absent. */
export function readObject(v: unknown, field: string): object | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object') throw new ProtoDecodeError('invalid-field', field, `expected a message, got ${typeof v}`);
  return v;
}

export function requireObject(v: unknown, field: string): object {
  const o = readObject(v, field);
  if (o === undefined) throw new ProtoDecodeError('missing-field', field, 'required field is absent');
  return o;
}

/** Reads a field of a decoded message without trusting its declared type. */
export function field(o: object, name: string): unknown {
  return (o as Record<string, unknown>)[name];
}

/** Checks a number we are about to put in a uint64 field. */
export function checkUint64(v: number, field: string): number {
  if (!Number.isSafeInteger(v) || v < 0) {
    throw new ProtoEncodeError('invalid-integer', field, `${v} is not a safe non-negative integer`);
  }
  return v;
}

/** Runs a generated decode, translating its exceptions into ProtoDecodeError. */
export function runDecode<T>(what: string, decode: () => T): T {
  try {
    return decode();
  } catch (e) {
    // The runtime throws RangeError("index out of range") when the input ends early;
    // anything else (invalid wire type, varint too long, depth) is a malformed encoding.
    const code = e instanceof RangeError ? 'truncated' : 'malformed';
    const detail = e instanceof Error ? e.message : String(e);
    throw new ProtoDecodeError(code, '', `cannot decode ${what}: ${detail}`, { cause: e });
  }
}
