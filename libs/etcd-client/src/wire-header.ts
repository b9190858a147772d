// The response header, read exactly at the byte level.
//
// Why: etcd's cluster and member ids are random uint64s (most above 2^53).
// @logbook/etcd-api decodes them as the nearest double, which is enough to
// tell members apart but not to name one (a status's leader compared with a
// header's member id, an id shown to an operator). This client reads the
// header (field 1 of every etcd response) once more from the same bytes:
// ids as bigints, revision and raft term as safe integers.

import { EtcdClientError } from './errors.ts';

/** etcdserverpb.ResponseHeader with exact ids. */
export interface EtcdHeader {
  readonly clusterId: bigint;
  readonly memberId: bigint;
  readonly revision: number;
  readonly raftTerm: number;
}

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;
const HEADER_FIELD = 1;
const TWO_POW_63 = 1n << 63n;
const TWO_POW_64 = 1n << 64n;

function bad(message: string): EtcdClientError {
  return new EtcdClientError('Internal', `malformed response: ${message}`, { reason: 'badResponse' });
}

/** A varint as a bigint (up to 64 bits); returns the value and the next position. */
export function readVarint(b: Uint8Array, pos: number): [bigint, number] {
  let value = 0n;
  for (let shift = 0n, i = pos; i < b.length && shift < 70n; shift += 7n, i++) {
    const byte = b[i]!;
    value |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) {
      if (value >= TWO_POW_64) throw bad('varint exceeds 64 bits');
      return [value, i + 1];
    }
  }
  throw bad('truncated varint');
}

/** A varint of at most 7 bytes (49 bits: tags, lengths), in plain number arithmetic. */
function readSmall(b: Uint8Array, pos: number): [number, number] {
  let value = 0;
  for (let i = pos, scale = 1; i < b.length && i < pos + 7; i++, scale *= 128) {
    const byte = b[i]!;
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return [value, i + 1];
  }
  throw bad(pos + 7 <= b.length ? 'length or tag out of range' : 'truncated varint');
}

/** Position after the value of a field whose tag ended at `pos`. */
function skipValue(b: Uint8Array, pos: number, wireType: number): number {
  switch (wireType) {
    case WIRE_VARINT:
      return readVarint(b, pos)[1];
    case WIRE_I64:
      return pos + 8;
    case WIRE_LEN: {
      const [len, start] = readSmall(b, pos);
      return start + len;
    }
    case WIRE_I32:
      return pos + 4;
    default:
      throw bad(`unsupported wire type ${wireType}`);
  }
}

function int64(v: bigint, what: string): number {
  const signed = v >= TWO_POW_63 ? v - TWO_POW_64 : v;
  if (signed < BigInt(-Number.MAX_SAFE_INTEGER) || signed > BigInt(Number.MAX_SAFE_INTEGER)) throw bad(`${what} is outside the safe integer range`);
  return Number(signed);
}

function mergeHeader(b: Uint8Array, into: { clusterId: bigint; memberId: bigint; revision: number; raftTerm: number }): void {
  let pos = 0;
  while (pos < b.length) {
    const [tag, afterTag] = readSmall(b, pos);
    const field = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (wireType === WIRE_VARINT && field >= 1 && field <= 4) {
      const [v, next] = readVarint(b, afterTag);
      if (field === 1) into.clusterId = v;
      else if (field === 2) into.memberId = v;
      else if (field === 3) into.revision = int64(v, 'header.revision');
      else into.raftTerm = int64(v, 'header.raftTerm');
      pos = next;
    } else {
      pos = skipValue(b, afterTag, wireType);
    }
    if (pos > b.length) throw bad('truncated header');
  }
}

/**
 * The header of an etcd response message (zeros when absent, as proto3).
 * A header field that occurs more than once merges, as protobuf decoders do.
 */
export function readHeader(bytes: Uint8Array): EtcdHeader {
  const header = { clusterId: 0n, memberId: 0n, revision: 0, raftTerm: 0 };
  let pos = 0;
  while (pos < bytes.length) {
    const [tag, afterTag] = readSmall(bytes, pos);
    const wireType = tag % 8;
    if (Math.floor(tag / 8) === HEADER_FIELD && wireType === WIRE_LEN) {
      const [len, start] = readSmall(bytes, afterTag);
      if (start + len > bytes.length) throw bad('truncated header');
      mergeHeader(bytes.subarray(start, start + len), header);
      pos = start + len;
    } else {
      pos = skipValue(bytes, afterTag, wireType);
      if (pos > bytes.length) throw bad('truncated field');
    }
  }
  return header;
}
