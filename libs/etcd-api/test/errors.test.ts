// Malformed and unrepresentable input becomes EtcdApiError with the gRPC
// status etcd would answer with; nothing untyped escapes a decode.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProtoDecodeError } from '@logbook/proto';
import {
  INVALID_SORT_OPTION,
  decodeCompactionRequest,
  decodeLeaseGrantRequest,
  decodePutRequest,
  decodeRangeRequest,
  decodeRangeResponse,
  decodeTxnRequest,
  etcdserverpb,
  fromWireKeyValue,
} from '../src/index.ts';
import { expectApiError, int64Field, lengthDelimited, te, unhex } from './fixtures.ts';

/** What the protobufjs runtime hands back for an int64 when the `long` package is loaded. */
function longOf(v: bigint, unsigned = false): { low: number; high: number; unsigned: boolean } {
  const u = BigInt.asUintN(64, v);
  return { low: Number(u & 0xffff_ffffn) | 0, high: Number(u >> 32n) | 0, unsigned };
}

describe('malformed bytes', () => {
  it('truncated input -> Internal, as grpc-go answers an unmarshal failure', () => {
    const e = expectApiError(() => decodeRangeRequest(unhex('0a05666f')), 'Internal', 'truncated');
    assert.match(e.message, /^grpc: error unmarshalling request: /);
  });
  it('an invalid wire type -> Internal malformed', () => {
    expectApiError(() => decodePutRequest(unhex('0f')), 'Internal', 'malformed');
  });
  it('an overlong varint -> Internal', () => {
    const e = expectApiError(() => decodeCompactionRequest(unhex('08ffffffffffffffffffff01')), 'Internal', 'malformed');
    assert.ok(e.field === '');
  });
});

describe('unsafe integers', () => {
  for (const [name, value] of [['2^53', 2n ** 53n], ['-(2^53)', -(2n ** 53n)], ['int64 max', 2n ** 63n - 1n], ['int64 min', -(2n ** 63n)]] as const) {
    it(`rejects RangeRequest.revision = ${name} with InvalidArgument`, () => {
      const bytes = new Uint8Array([...unhex('0a0161'), ...int64Field(4, value)]);
      const e = expectApiError(() => decodeRangeRequest(bytes), 'InvalidArgument', 'unsafe-integer', 'revision');
      assert.match(e.message, /^etcdserver: revision: /);
    });
  }
  it('accepts the extremes of the safe range', () => {
    const max = new Uint8Array([...unhex('0a0161'), ...int64Field(3, 2n ** 53n - 1n), ...int64Field(4, -(2n ** 53n - 1n))]);
    assert.deepStrictEqual(decodeRangeRequest(max), { key: te('a'), limit: 2 ** 53 - 1, revision: -(2 ** 53 - 1) });
  });
  it('names the path inside a nested txn', () => {
    const put = new Uint8Array([...unhex('0a016b'), ...int64Field(3, 2n ** 60n)]);
    const txn = lengthDelimited(2, lengthDelimited(2, put)); // success=2 { request_put=2 { key, lease=3 } }
    expectApiError(() => decodeTxnRequest(txn), 'InvalidArgument', 'unsafe-integer', 'success[0].requestPut.lease');
  });
  it('handles Long objects, bigints and numbers from the runtime alike', () => {
    const kv = (v: unknown) => fromWireKeyValue({ key: te('a'), modRevision: v }, '').modRevision;
    assert.equal(kv(longOf(-5n)), -5);
    assert.equal(kv(longOf(2n ** 53n - 1n)), 2 ** 53 - 1);
    assert.equal(kv(longOf(2n ** 40n, true)), 2 ** 40);
    assert.throws(() => kv(longOf(2n ** 63n, true)), (e: unknown) => e instanceof ProtoDecodeError && e.code === 'unsafe-integer');
    assert.equal(kv(123n), 123);
    assert.equal(kv(7), 7);
    assert.throws(() => kv(longOf(2n ** 53n)), (e: unknown) => e instanceof ProtoDecodeError && e.code === 'unsafe-integer');
    assert.throws(() => kv(2n ** 53n), (e: unknown) => e instanceof ProtoDecodeError && e.code === 'unsafe-integer');
    assert.throws(() => kv(1.5), (e: unknown) => e instanceof ProtoDecodeError && e.code === 'unsafe-integer');
    assert.throws(() => kv('5'), (e: unknown) => e instanceof ProtoDecodeError && e.code === 'invalid-field');
  });
  it('rejects an unsafe lease id in LeaseGrantRequest', () => {
    expectApiError(() => decodeLeaseGrantRequest(int64Field(2, 2n ** 62n)), 'InvalidArgument', 'unsafe-integer', 'id');
  });
  it('accepts a response header cluster_id of 2^63 (real etcd draws ids from all 64 bits) as the nearest double', () => {
    const bytes = lengthDelimited(1, int64Field(1, 2n ** 63n));
    assert.equal(decodeRangeResponse(bytes).header.clusterId, 2 ** 63);
  });
});

describe('invalid enums and unions', () => {
  it('an unknown sort order -> etcd\'s "invalid sort option"', () => {
    const e = expectApiError(() => decodeRangeRequest(unhex('0a01612807')), 'InvalidArgument', 'invalid-enum', 'sortOrder');
    assert.equal(e.message, INVALID_SORT_OPTION);
  });
  it('an unknown sort target -> the same', () => {
    assert.equal(expectApiError(() => decodeRangeRequest(unhex('0a01613005')), 'InvalidArgument', 'invalid-enum').message, INVALID_SORT_OPTION);
  });
  it('an unknown compare target or result -> InvalidArgument naming the field', () => {
    const target = etcdserverpb.TxnRequest.encode({ compare: [{ key: te('k'), target: 9 as unknown as etcdserverpb.Compare.CompareTarget }] }).finish();
    expectApiError(() => decodeTxnRequest(target), 'InvalidArgument', 'invalid-enum', 'compare[0].target');
    const result = etcdserverpb.TxnRequest.encode({ compare: [{ key: te('k'), result: 4 as unknown as etcdserverpb.Compare.CompareResult }] }).finish();
    expectApiError(() => decodeTxnRequest(result), 'InvalidArgument', 'invalid-enum', 'compare[0].result');
  });
  it('a RequestOp with no request set -> InvalidArgument', () => {
    const bytes = etcdserverpb.TxnRequest.encode({ failure: [{}] }).finish();
    expectApiError(() => decodeTxnRequest(bytes), 'InvalidArgument', 'missing-field', 'failure[0].request');
  });
});
