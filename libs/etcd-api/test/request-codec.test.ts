// KV and lease requests: canonical values survive a round trip, proto3
// defaults decode to absent fields, and field numbers are pinned by bytes.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CompactionRequest, DeleteRangeRequest, PutRequest, RangeRequest, TxnRequest } from '@logbook/mvcc';
import {
  decodeCompactionRequest,
  decodeDeleteRangeRequest,
  decodeLeaseGrantRequest,
  decodeLeaseRevokeRequest,
  decodePutRequest,
  decodeRangeRequest,
  decodeTxnRequest,
  encodeCompactionRequest,
  encodeDeleteRangeRequest,
  encodeLeaseGrantRequest,
  encodeLeaseRevokeRequest,
  encodePutRequest,
  encodeRangeRequest,
  encodeTxnRequest,
  etcdserverpb,
} from '../src/index.ts';
import { hex, te, unhex } from './fixtures.ts';

describe('RangeRequest', () => {
  const cases: readonly RangeRequest[] = [
    { key: te('a') },
    { key: new Uint8Array([0]), rangeEnd: new Uint8Array([0]) },
    {
      key: te('/registry/'),
      rangeEnd: te('/registry0'),
      limit: 500,
      revision: 2 ** 53 - 1,
      sortOrder: 'DESCEND',
      sortTarget: 'VALUE',
      serializable: true,
      keysOnly: true,
      countOnly: true,
      minModRevision: 1,
      maxModRevision: 2,
      minCreateRevision: 3,
      maxCreateRevision: 4,
    },
    // int64 is signed: etcd reads negative limits/revisions as "none"; they must survive.
    { key: te('k'), limit: -1, revision: -(2 ** 53 - 1), sortOrder: 'ASCEND', sortTarget: 'CREATE' },
  ];
  for (const [i, r] of cases.entries()) {
    it(`round-trips case ${i}`, () => assert.deepStrictEqual(decodeRangeRequest(encodeRangeRequest(r)), r));
  }

  it('pins field numbers and enum values (golden bytes)', () => {
    const r: RangeRequest = {
      key: te('foo'),
      rangeEnd: te('fop'),
      limit: 10,
      revision: 5,
      sortOrder: 'DESCEND',
      sortTarget: 'MOD',
      keysOnly: true,
      minModRevision: 2,
    };
    // key=1 range_end=2 limit=3 revision=4 sort_order=5 sort_target=6 keys_only=8 min_mod_revision=10
    const golden = '0a03666f6f 1203666f70 180a 2005 2802 3003 4001 5002';
    assert.equal(hex(encodeRangeRequest(r)), golden.replace(/ /g, ''));
    assert.deepStrictEqual(decodeRangeRequest(unhex(golden)), r);
  });

  it('decodes explicit proto3 defaults to absent fields', () => {
    const bytes = etcdserverpb.RangeRequest.encode({ key: te('a'), rangeEnd: new Uint8Array(0), limit: 0, sortOrder: 0, sortTarget: 0, keysOnly: false }).finish();
    assert.deepStrictEqual(decodeRangeRequest(bytes), { key: te('a') });
  });

  it('decodes an empty message to an empty key (MVCC, not the codec, rejects it)', () => {
    assert.deepStrictEqual(decodeRangeRequest(new Uint8Array(0)), { key: new Uint8Array(0) });
  });

  it('returns plain Uint8Arrays, not Buffers', () => {
    const r = decodeRangeRequest(encodeRangeRequest({ key: te('a') }));
    assert.equal(Object.getPrototypeOf(r.key), Uint8Array.prototype);
  });
});

describe('PutRequest', () => {
  const cases: readonly PutRequest[] = [
    { key: te('a') },
    { key: te('a'), value: te('v'), lease: 7, prevKv: true },
    { key: te('a'), ignoreValue: true, ignoreLease: true },
    { key: te('big'), value: new Uint8Array(70_000).fill(1), lease: 2 ** 53 - 1 },
  ];
  for (const [i, r] of cases.entries()) {
    it(`round-trips case ${i}`, () => assert.deepStrictEqual(decodePutRequest(encodePutRequest(r)), r));
  }
  it('pins field numbers', () => {
    // key=1 value=2 lease=3 prev_kv=4 ignore_value=5 ignore_lease=6
    assert.equal(hex(encodePutRequest({ key: te('k'), value: te('v'), lease: 1, prevKv: true, ignoreValue: true, ignoreLease: true })), '0a016b1201761801200128013001');
  });
});

describe('DeleteRangeRequest', () => {
  const cases: readonly DeleteRangeRequest[] = [{ key: te('a') }, { key: te('a'), rangeEnd: te('b'), prevKv: true }];
  for (const [i, r] of cases.entries()) {
    it(`round-trips case ${i}`, () => assert.deepStrictEqual(decodeDeleteRangeRequest(encodeDeleteRangeRequest(r)), r));
  }
});

describe('TxnRequest', () => {
  const nested: TxnRequest = {
    compare: [
      { key: te('a'), result: 'EQUAL', target: 'VERSION', version: 0 },
      { key: te('a'), rangeEnd: te('b'), result: 'GREATER', target: 'CREATE', createRevision: 3 },
      { key: te('c'), result: 'LESS', target: 'MOD', modRevision: 2 ** 50 },
      { key: te('d'), result: 'NOT_EQUAL', target: 'VALUE', value: te('x') },
      { key: te('e'), result: 'EQUAL', target: 'LEASE', lease: 9 },
    ],
    success: [
      { type: 'range', request: { key: te('a'), limit: 1 } },
      { type: 'put', request: { key: te('a'), value: te('1'), prevKv: true } },
      { type: 'deleteRange', request: { key: te('z'), rangeEnd: new Uint8Array([0]) } },
      {
        type: 'txn',
        request: {
          compare: [{ key: te('q'), result: 'EQUAL', target: 'VALUE', value: new Uint8Array(0) }],
          success: [{ type: 'put', request: { key: te('q') } }],
          failure: [{ type: 'txn', request: { compare: [], success: [], failure: [] } }],
        },
      },
    ],
    failure: [{ type: 'range', request: { key: te('a'), countOnly: true } }],
  };

  it('round-trips nested transactions with every compare target and op type', () => {
    assert.deepStrictEqual(decodeTxnRequest(encodeTxnRequest(nested)), nested);
  });

  it('decodes an empty txn to three empty lists', () => {
    assert.deepStrictEqual(decodeTxnRequest(new Uint8Array(0)), { compare: [], success: [], failure: [] });
  });

  it('puts a zero operand on the wire (oneof presence) and Compare.range_end at field 64', () => {
    const bytes = encodeTxnRequest({ compare: [{ key: te('k'), rangeEnd: te('l'), result: 'EQUAL', target: 'VERSION', version: 0 }] });
    // compare=1 { key=3 'k', version=4 0, range_end=64 'l' (tag 0x82 0x04) }
    assert.equal(hex(bytes), '0a09' + '1a016b' + '2000' + '8204016c');
  });

  it('reads the operand the target names; another union member reads as zero, as etcd does', () => {
    const bytes = etcdserverpb.TxnRequest.encode({ compare: [{ key: te('k'), target: 1 /* CREATE */, modRevision: 5 }] }).finish();
    assert.deepStrictEqual(decodeTxnRequest(bytes).compare, [{ key: te('k'), result: 'EQUAL', target: 'CREATE', createRevision: 0 }]);
  });
});

describe('CompactionRequest and lease requests', () => {
  const compactions: readonly CompactionRequest[] = [{ revision: 0 }, { revision: 12345, physical: true }];
  for (const [i, r] of compactions.entries()) {
    it(`round-trips compaction case ${i}`, () => assert.deepStrictEqual(decodeCompactionRequest(encodeCompactionRequest(r)), r));
  }
  it('round-trips LeaseGrantRequest (id 0 = server chooses) and pins TTL=1 ID=2', () => {
    assert.deepStrictEqual(decodeLeaseGrantRequest(encodeLeaseGrantRequest({ id: 0, ttl: 60 })), { id: 0, ttl: 60 });
    assert.deepStrictEqual(decodeLeaseGrantRequest(encodeLeaseGrantRequest({ id: 2 ** 53 - 1, ttl: 5 })), { id: 2 ** 53 - 1, ttl: 5 });
    assert.equal(hex(encodeLeaseGrantRequest({ id: 3, ttl: 10 })), '080a1003');
  });
  it('round-trips LeaseRevokeRequest', () => {
    assert.deepStrictEqual(decodeLeaseRevokeRequest(encodeLeaseRevokeRequest({ id: 77 })), { id: 77 });
    assert.deepStrictEqual(decodeLeaseRevokeRequest(new Uint8Array(0)), { id: 0 });
  });
});
