// Scalar conversions for etcd's messages. Same rules as @logbook/proto's
// wire-values (decoded fields are read as `unknown` and narrowed once), but
// etcd's integers are mostly *signed* int64: the protobufjs runtime hands
// them back as Long objects (when the `long` package is present, despite
// --force-number), as numbers, or as bigints, and absent fields may read a
// prototype default. Anything outside +-(2^53 - 1) is rejected rather than
// rounded: a silently rounded revision would read or compact the wrong data.

import { ProtoDecodeError, ProtoEncodeError, readArray, readString } from '@logbook/proto';

// The scalar readers shared with the Raft codecs.
export { checkUint64, field, readArray, readBool, readBytes, readObject, readString, readUint64, requireObject, runDecode } from '@logbook/proto';

const TWO_POW_32 = 0x1_0000_0000;

interface LongLike {
  readonly low: number;
  readonly high: number;
  readonly unsigned?: boolean;
}

function isLongLike(v: unknown): v is LongLike {
  return typeof v === 'object' && v !== null && typeof (v as { low?: unknown }).low === 'number' && typeof (v as { high?: unknown }).high === 'number';
}

/**
 * A uint64 that only identifies (a response header's cluster or member id):
 * real etcd draws them at random from all 64 bits, so they are often above
 * 2^53. The nearest double is good enough to tell members apart in a
 * header; ids a caller acts on (MemberRemove) go through readUint64.
 */
export function readUint64Lossy(v: unknown, path: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(BigInt.asUintN(64, v));
  if (isLongLike(v)) return (v.high >>> 0) * TWO_POW_32 + (v.low >>> 0);
  throw new ProtoDecodeError('invalid-field', path, 'not an integer');
}

/** An int64 (or uint64) field as a safe JS integer. Absent means zero (proto3). */
export function readInt64(v: unknown, path: string): number {
  if (v === undefined || v === null) return 0;
  let n: number;
  if (typeof v === 'number') {
    n = v;
  } else if (typeof v === 'bigint') {
    n = v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : Number.NaN;
  } else if (isLongLike(v)) {
    // The high word carries the sign for int64; an imprecise product is
    // necessarily outside the safe range, which the check below catches.
    const high = v.unsigned === true ? v.high >>> 0 : v.high | 0;
    n = high * TWO_POW_32 + (v.low >>> 0);
  } else {
    throw new ProtoDecodeError('invalid-field', path, `expected an integer, got ${typeof v}`);
  }
  if (!Number.isSafeInteger(n)) throw new ProtoDecodeError('unsafe-integer', path, 'value is outside the safe integer range +-(2^53 - 1)');
  return n;
}

/** An enum field as one of `names`, whose positions are the wire values (checked by a test). */
export function readEnum<T extends string>(v: unknown, names: readonly T[], path: string): T {
  const n = v === undefined || v === null ? 0 : v;
  const name = typeof n === 'number' ? names[n] : undefined;
  if (name === undefined) throw new ProtoDecodeError('invalid-enum', path, `unknown enum value ${typeof n === 'number' ? n : typeof n}`);
  return name;
}

/** The wire value of an enum name; a name outside the union is a bug on this side. */
export function enumValue<T extends string>(name: T, names: readonly T[], path: string): number {
  const i = names.indexOf(name);
  if (i < 0) throw new ProtoEncodeError('invalid-enum', path, `${String(name)} is not one of ${names.join(', ')}`);
  return i;
}

/** Checks a number we are about to put in an int64 field. */
export function checkInt64(v: number, path: string): number {
  if (!Number.isSafeInteger(v)) throw new ProtoEncodeError('invalid-integer', path, `${v} is not a safe integer`);
  return v;
}

/** A uint32 field (e.g. a hash). protobufjs reads it as an unsigned number already. */
export function readUint32(v: unknown, path: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < TWO_POW_32) return v;
  throw new ProtoDecodeError('invalid-field', path, `expected a uint32, got ${typeof v === 'number' ? v : typeof v}`);
}

/** Checks a number we are about to put in a uint32 field. */
export function checkUint32(v: number, path: string): number {
  if (!Number.isInteger(v) || v < 0 || v >= TWO_POW_32) throw new ProtoEncodeError('invalid-integer', path, `${v} is not a uint32`);
  return v;
}

/** A repeated string field. */
export function readStrings(v: unknown, path: string): string[] {
  return readArray(v, path).map((s, i) => readString(s, `${path}[${i}]`));
}

/** Appends a field name to a path for error messages. */
export function at(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}
