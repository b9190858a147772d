// Shared values for the codec tests: canonical MVCC values (defaults absent),
// so decode(encode(x)) must reproduce x exactly.

import assert from 'node:assert/strict';
import type { KeyValue } from '@logbook/mvcc';
import { ProtoDecodeError } from '@logbook/proto';
import { EtcdApiError, GRPC_STATUS } from '../src/index.ts';
import type { ServerIdentity } from '../src/index.ts';

export const te = (s: string): Uint8Array => new TextEncoder().encode(s);
export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

export const ID: ServerIdentity = { clusterId: 0x1234_5678_9abc, memberId: 42, raftTerm: 7 };

export const kvA: KeyValue = { key: te('/registry/pods/a'), createRevision: 3, modRevision: 9, version: 4, value: te('{"x":1}'), lease: 0 };
export const kvB: KeyValue = { key: te('b'), createRevision: 1, modRevision: 1, version: 1, value: new Uint8Array(0), lease: 2 ** 40 };

/** Runs `fn`, asserts it throws EtcdApiError with this code and reason (and field, if given), and returns it. */
export function expectApiError(fn: () => unknown, code: EtcdApiError['code'], reason: EtcdApiError['reason'], field?: string): EtcdApiError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof EtcdApiError, `expected EtcdApiError, got ${String(caught)}`);
  assert.equal(caught.code, code);
  assert.equal(caught.grpcStatus, GRPC_STATUS[code]);
  assert.equal(caught.reason, reason);
  if (field !== undefined) assert.equal(caught.field, field);
  assert.ok(caught.cause instanceof ProtoDecodeError);
  return caught;
}

/** A varint field for a 64-bit value (two's complement for negatives), as any client would put it on the wire. */
export function int64Field(fieldNumber: number, value: bigint): Uint8Array {
  let v = BigInt.asUintN(64, value);
  const out = [fieldNumber << 3];
  do {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v === 0n ? byte : byte | 0x80);
  } while (v !== 0n);
  return new Uint8Array(out);
}

/** A short length-delimited field (a nested message, bytes or string). */
export function lengthDelimited(fieldNumber: number, body: Uint8Array): Uint8Array {
  assert.ok(body.length < 128);
  return new Uint8Array([(fieldNumber << 3) | 2, body.length, ...body]);
}

export const concat = (...parts: readonly Uint8Array[]): Uint8Array => new Uint8Array(parts.flatMap((p) => [...p]));
