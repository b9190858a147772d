// Byte encodings of the on-backend layout (see DESIGN.md). Every number that
// takes part in a backend key is big-endian fixed width, so the backend's
// byte order is numeric order; user keys inside composite index keys are
// escaped so that the encoding is prefix-free and order-preserving.

import type { Bytes, KeyValue } from './types.ts';
import { assert } from './errors.ts';

/** Table prefixes: one byte each, so a table is one backend range. */
export const TABLE = {
  meta: 0x01,
  history: 0x02,
  index: 0x03,
  latest: 0x04,
  lease: 0x05,
  leaseKey: 0x06,
  alarm: 0x07,
} as const;

export const EMPTY = new Uint8Array(0);

export function compareBytes(a: Bytes, b: Bytes): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export function bytesEqual(a: Bytes, b: Bytes): boolean {
  return a.length === b.length && compareBytes(a, b) === 0;
}

export function concat(...parts: readonly Bytes[]): Bytes {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** The smallest byte string greater than every string with this prefix; undefined when none (all 0xff). */
export function prefixEnd(prefix: Bytes): Bytes | undefined {
  for (let i = prefix.length - 1; i >= 0; i--) {
    if (prefix[i]! < 0xff) {
      const out = prefix.slice(0, i + 1);
      out[i]! += 1;
      return out;
    }
  }
  return undefined;
}

/** The immediate successor of a key in byte order. */
export function keySuccessor(key: Bytes): Bytes {
  return concat(key, new Uint8Array([0]));
}

const TWO_32 = 0x1_0000_0000;

/*
 * u64s are written and read byte by byte, not through a DataView: the arrays
 * here are small (8 and 16 bytes, and values copied out of the engine), which
 * V8 keeps inside its heap, and asking one for its ArrayBuffer (what a
 * DataView needs) moves its bytes to a malloc'd store first: 0.7 µs per
 * decode or encode against 0.05–0.1 (scratch microbench, Node 24). A put
 * reads and writes several (applied index, revisions, revision keys).
 */
function writeU64(out: Uint8Array, offset: number, n: number): void {
  assert(Number.isSafeInteger(n) && n >= 0, () => `u64 out of range: ${n}`);
  const hi = Math.floor(n / TWO_32);
  const lo = n % TWO_32;
  out[offset] = hi >>> 24;
  out[offset + 1] = hi >>> 16;
  out[offset + 2] = hi >>> 8;
  out[offset + 3] = hi;
  out[offset + 4] = lo >>> 24;
  out[offset + 5] = lo >>> 16;
  out[offset + 6] = lo >>> 8;
  out[offset + 7] = lo;
}

function readU32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

export function u64(n: number): Bytes {
  const out = new Uint8Array(8);
  writeU64(out, 0, n);
  return out;
}

export function decodeU64(b: Bytes, offset = 0): number {
  assert(b.length >= offset + 8, 'short u64');
  const n = readU32(b, offset) * TWO_32 + readU32(b, offset + 4);
  assert(Number.isSafeInteger(n), 'stored u64 is not a safe integer');
  return n;
}

/** A (main, sub) revision: main is the store revision, sub orders changes within it. */
export interface Rev {
  readonly main: number;
  readonly sub: number;
}

export function encodeRev(rev: Rev): Bytes {
  const out = new Uint8Array(16);
  writeU64(out, 0, rev.main);
  writeU64(out, 8, rev.sub);
  return out;
}

export function decodeRev(b: Bytes, offset = 0): Rev {
  return { main: decodeU64(b, offset), sub: decodeU64(b, offset + 8) };
}

/**
 * Order-preserving, prefix-free escaping of a user key: 0x00 becomes
 * 0x00 0xff and the key ends with 0x00 0x01. So enc(a) < enc(b) iff a < b,
 * and enc(k) followed by anything stays below escapedKeyEnd(k) <= enc(next).
 */
export function escapeKey(key: Bytes): Bytes {
  let zeros = 0;
  for (const b of key) if (b === 0) zeros++;
  const out = new Uint8Array(key.length + zeros + 2);
  let o = 0;
  for (const b of key) {
    out[o++] = b;
    if (b === 0) out[o++] = 0xff;
  }
  out[o++] = 0;
  out[o] = 1;
  return out;
}

/** Returns the key and the offset just past its terminator. */
export function unescapeKey(b: Bytes, offset: number): { key: Bytes; end: number } {
  const out: number[] = [];
  let i = offset;
  for (;;) {
    assert(i < b.length, 'unterminated escaped key');
    const c = b[i]!;
    if (c !== 0) {
      out.push(c);
      i++;
      continue;
    }
    const next = b[i + 1];
    if (next === 0xff) {
      out.push(0);
      i += 2;
      continue;
    }
    assert(next === 1, 'bad key escape');
    return { key: Uint8Array.from(out), end: i + 2 };
  }
}

/** Upper bound (exclusive) of every index entry of this key. */
export function escapedKeyEnd(escaped: Bytes): Bytes {
  const out = escaped.slice();
  assert(out[out.length - 1] === 1, 'not an escaped key');
  out[out.length - 1] = 2;
  return out;
}

const KIND_PUT = 1;
const KIND_TOMBSTONE = 2;
/** The first byte of a put's record. */
export const RECORD_KIND_PUT = KIND_PUT;

/** A history record: a put's full KeyValue, or a tombstone (key + modRevision). */
export interface HistoryRecord {
  readonly tombstone: boolean;
  readonly kv: KeyValue;
}

// A record is one kind byte followed by the KeyValue in etcd's own wire form
// (mvccpb.KeyValue: key=1, create_revision=2, mod_revision=3, version=4,
// value=5, lease=6; zero fields omitted, fields in number order), as etcd
// keeps it in bbolt. A range answers with these bytes as they are stored,
// without decoding a KeyValue and encoding it again.
const FIELD_KEY = (1 << 3) | 2;
const FIELD_CREATE = 2 << 3;
const FIELD_MOD = 3 << 3;
const FIELD_VERSION = 4 << 3;
const FIELD_VALUE = (5 << 3) | 2;
const FIELD_LEASE = 6 << 3;

/** Bytes of n (a non-negative safe integer) as a protobuf varint. */
export function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    size++;
  }
  return size;
}

/** Writes n (a non-negative safe integer) as a protobuf varint at offset; returns the offset after it. */
export function writeVarint(out: Uint8Array, offset: number, n: number): number {
  while (n >= 0x80) {
    out[offset++] = (n % 0x80) | 0x80;
    n = Math.floor(n / 0x80);
  }
  out[offset++] = n;
  return offset;
}

function uintFieldSize(n: number): number {
  assert(Number.isSafeInteger(n) && n >= 0, () => `KeyValue number out of range: ${n}`);
  return n === 0 ? 0 : 1 + varintSize(n);
}

function bytesFieldSize(b: Bytes): number {
  return b.length === 0 ? 0 : 1 + varintSize(b.length) + b.length;
}

function keyValueWireSize(kv: KeyValue): number {
  return (
    bytesFieldSize(kv.key) + uintFieldSize(kv.createRevision) + uintFieldSize(kv.modRevision) +
    uintFieldSize(kv.version) + bytesFieldSize(kv.value) + uintFieldSize(kv.lease)
  );
}

function writeKeyValueWire(out: Uint8Array, offset: number, kv: KeyValue): number {
  let o = offset;
  const bytesField = (tag: number, b: Bytes): void => {
    if (b.length === 0) return;
    out[o++] = tag;
    o = writeVarint(out, o, b.length);
    out.set(b, o);
    o += b.length;
  };
  const uintField = (tag: number, n: number): void => {
    if (n === 0) return;
    out[o++] = tag;
    o = writeVarint(out, o, n);
  };
  bytesField(FIELD_KEY, kv.key);
  uintField(FIELD_CREATE, kv.createRevision);
  uintField(FIELD_MOD, kv.modRevision);
  uintField(FIELD_VERSION, kv.version);
  bytesField(FIELD_VALUE, kv.value);
  uintField(FIELD_LEASE, kv.lease);
  return o;
}

/**
 * Where the value field (tag, length, bytes) lies in the mvccpb.KeyValue at
 * b[start, end), as written here: [from, to), or from === to === end when
 * the value is empty (not encoded). For keys_only answers built from the
 * stored bytes.
 */
export function keyValueValueSpan(b: Uint8Array, start: number, end: number): { readonly from: number; readonly to: number } {
  let p = start;
  while (p < end) {
    const tagAt = p;
    const tag = b[p++]!;
    assert(tag < 0x80, 'KeyValue field tag above 15');
    let n = 0;
    let shift = 1;
    for (;;) {
      assert(p < end, 'KeyValue ends inside a varint');
      const byte = b[p++]!;
      n += (byte & 0x7f) * shift;
      if (byte < 0x80) break;
      shift *= 0x80;
    }
    if ((tag & 7) === 2) p += n;
    else assert((tag & 7) === 0, () => `KeyValue field ${tag >> 3} has wire type ${tag & 7}`);
    assert(p <= end, 'KeyValue field runs past its end');
    if (tag === FIELD_VALUE) return { from: tagAt, to: p };
  }
  return { from: end, to: end };
}

/** A KeyValue in etcd's wire form (mvccpb.KeyValue), as a range response carries it. */
export function encodeKeyValueWire(kv: KeyValue): Bytes {
  const out = new Uint8Array(keyValueWireSize(kv));
  const end = writeKeyValueWire(out, 0, kv);
  assert(end === out.length, 'KeyValue size mismatch');
  return out;
}

export function encodeRecord(rec: HistoryRecord): Bytes {
  const out = new Uint8Array(1 + keyValueWireSize(rec.kv));
  out[0] = rec.tombstone ? KIND_TOMBSTONE : KIND_PUT;
  const end = writeKeyValueWire(out, 1, rec.kv);
  assert(end === out.length, 'history record size mismatch');
  return out;
}

/** A put record's KeyValue in etcd's wire form: a view into the record, no copy. */
export function recordKeyValueWire(b: Bytes): Bytes {
  assert(b.length > 1 && b[0] === KIND_PUT, 'not a put record');
  return b.subarray(1);
}

/**
 * Decodes a record. The KeyValue's key and value are views into `b` (the
 * backend hands each read its own copy, and nothing writes into a record).
 */
export function decodeRecord(b: Bytes): HistoryRecord {
  const kind = b[0];
  assert(kind === KIND_PUT || kind === KIND_TOMBSTONE, 'bad record kind');
  let key: Bytes = EMPTY;
  let value: Bytes = EMPTY;
  let createRevision = 0;
  let modRevision = 0;
  let version = 0;
  let lease = 0;
  let o = 1;
  let lastTag = 0;
  const varint = (): number => {
    let n = 0;
    let scale = 1;
    for (;;) {
      assert(o < b.length, 'short history record');
      const c = b[o++]!;
      n += (c & 0x7f) * scale;
      if (c < 0x80) break;
      scale *= 0x80;
      assert(scale <= 2 ** 49, 'history record varint too long');
    }
    assert(Number.isSafeInteger(n), 'stored number is not a safe integer');
    return n;
  };
  const bytes = (): Bytes => {
    const n = varint();
    assert(o + n <= b.length, 'short history record');
    o += n;
    return b.subarray(o - n, o);
  };
  while (o < b.length) {
    const tag = b[o++]!;
    assert(tag > lastTag, 'history record fields out of order');
    lastTag = tag;
    switch (tag) {
      case FIELD_KEY: key = bytes(); break;
      case FIELD_CREATE: createRevision = varint(); break;
      case FIELD_MOD: modRevision = varint(); break;
      case FIELD_VERSION: version = varint(); break;
      case FIELD_VALUE: value = bytes(); break;
      case FIELD_LEASE: lease = varint(); break;
      default: assert(false, () => `bad history record field tag ${tag}`);
    }
  }
  const tombstone = kind === KIND_TOMBSTONE;
  assert(modRevision > 0, 'history record without a mod revision');
  assert(tombstone || (createRevision > 0 && version > 0), 'put record without create revision or version');
  return { tombstone, kv: { key, createRevision, modRevision, version, value, lease } };
}
