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

export function writeU64(view: DataView, offset: number, n: number): void {
  assert(Number.isSafeInteger(n) && n >= 0, () => `u64 out of range: ${n}`);
  view.setUint32(offset, Math.floor(n / TWO_32));
  view.setUint32(offset + 4, n % TWO_32);
}

export function readU64(view: DataView, offset: number): number {
  const n = view.getUint32(offset) * TWO_32 + view.getUint32(offset + 4);
  assert(Number.isSafeInteger(n), 'stored u64 is not a safe integer');
  return n;
}

export function u64(n: number): Bytes {
  const out = new Uint8Array(8);
  writeU64(new DataView(out.buffer), 0, n);
  return out;
}

export function decodeU64(b: Bytes, offset = 0): number {
  assert(b.length >= offset + 8, 'short u64');
  return readU64(new DataView(b.buffer, b.byteOffset, b.byteLength), offset);
}

/** A (main, sub) revision: main is the store revision, sub orders changes within it. */
export interface Rev {
  readonly main: number;
  readonly sub: number;
}

export function encodeRev(rev: Rev): Bytes {
  const out = new Uint8Array(16);
  const v = new DataView(out.buffer);
  writeU64(v, 0, rev.main);
  writeU64(v, 8, rev.sub);
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
const KV_HEADER = 1 + 8 * 4 + 4;

/** A history record: a put's full KeyValue, or a tombstone (key + modRevision). */
export interface HistoryRecord {
  readonly tombstone: boolean;
  readonly kv: KeyValue;
}

export function encodeRecord(rec: HistoryRecord): Bytes {
  const { kv } = rec;
  const out = new Uint8Array(KV_HEADER + kv.key.length + kv.value.length);
  const v = new DataView(out.buffer);
  out[0] = rec.tombstone ? KIND_TOMBSTONE : KIND_PUT;
  writeU64(v, 1, kv.createRevision);
  writeU64(v, 9, kv.modRevision);
  writeU64(v, 17, kv.version);
  writeU64(v, 25, kv.lease);
  v.setUint32(33, kv.key.length);
  out.set(kv.key, KV_HEADER);
  out.set(kv.value, KV_HEADER + kv.key.length);
  return out;
}

export function decodeRecord(b: Bytes): HistoryRecord {
  assert(b.length >= KV_HEADER, 'short history record');
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const kind = b[0];
  assert(kind === KIND_PUT || kind === KIND_TOMBSTONE, 'bad record kind');
  const keyLen = v.getUint32(33);
  assert(b.length >= KV_HEADER + keyLen, 'short history record key');
  return {
    tombstone: kind === KIND_TOMBSTONE,
    kv: {
      createRevision: readU64(v, 1),
      modRevision: readU64(v, 9),
      version: readU64(v, 17),
      lease: readU64(v, 25),
      key: b.slice(KV_HEADER, KV_HEADER + keyLen),
      value: b.slice(KV_HEADER + keyLen),
    },
  };
}
