// KV and lease responses, KeyValue and Event: round trips through the full
// etcd header, golden bytes for a Put response, and the nested-header rule.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeleteRangeResponse, Event, RangeResponse, TxnResponse } from '@logbook/mvcc';
import { ProtoEncodeError } from '@logbook/proto';
import {
  decodeCompactionResponse,
  decodeDeleteRangeResponse,
  decodeEvent,
  decodeKeyValue,
  decodeLeaseGrantResponse,
  decodeLeaseRevokeResponse,
  decodePutResponse,
  decodeRangeResponse,
  decodeTxnResponse,
  encodeCompactionResponse,
  encodeDeleteRangeResponse,
  encodeEvent,
  encodeKeyValue,
  encodeLeaseGrantResponse,
  encodeLeaseRevokeResponse,
  encodePutResponse,
  encodeRangeResponse,
  encodeTxnResponse,
  etcdserverpb,
} from '../src/index.ts';
import { ID, hex, kvA, kvB, te, unhex } from './fixtures.ts';

const header = (revision: number) => ({ ...ID, revision });

describe('KV responses', () => {
  it('round-trips RangeResponse', () => {
    const r: RangeResponse = { header: { revision: 10 }, kvs: [kvA, kvB], more: true, count: 1000 };
    assert.deepStrictEqual(decodeRangeResponse(encodeRangeResponse(r, ID)), { header: header(10), response: r });
    const empty: RangeResponse = { header: { revision: 1 }, kvs: [], more: false, count: 0 };
    assert.deepStrictEqual(decodeRangeResponse(encodeRangeResponse(empty, ID)).response, empty);
  });

  it('round-trips PutResponse with and without prevKv', () => {
    assert.deepStrictEqual(decodePutResponse(encodePutResponse({ header: { revision: 4 } }, ID)), { header: header(4), response: { header: { revision: 4 } } });
    const withPrev = { header: { revision: 5 }, prevKv: kvA };
    assert.deepStrictEqual(decodePutResponse(encodePutResponse(withPrev, ID)).response, withPrev);
  });

  it('pins PutResponse field numbers (golden bytes)', () => {
    const bytes = encodePutResponse(
      { header: { revision: 7 }, prevKv: { key: te('a'), createRevision: 2, modRevision: 4, version: 2, value: te('x'), lease: 0 } },
      { clusterId: 1, memberId: 2, raftTerm: 3 },
    );
    // header=1 {cluster_id=1 member_id=2 revision=3 raft_term=4}, prev_kv=2 {key=1 create=2 mod=3 version=4 value=5; lease 0 omitted}
    const golden = '0a08 0801 1002 1807 2003' + '120c 0a0161 1002 1804 2002 2a0178';
    assert.equal(hex(bytes), golden.replace(/ /g, ''));
    assert.deepStrictEqual(decodePutResponse(unhex(golden)).header, { clusterId: 1, memberId: 2, revision: 7, raftTerm: 3 });
  });

  it('round-trips DeleteRangeResponse', () => {
    const r: DeleteRangeResponse = { header: { revision: 12 }, deleted: 2, prevKvs: [kvA, kvB] };
    assert.deepStrictEqual(decodeDeleteRangeResponse(encodeDeleteRangeResponse(r, ID)), { header: header(12), response: r });
  });

  it('round-trips a nested TxnResponse; nested headers carry the revision only', () => {
    const r: TxnResponse = {
      header: { revision: 20 },
      succeeded: true,
      responses: [
        { type: 'range', response: { header: { revision: 20 }, kvs: [kvA], more: false, count: 1 } },
        { type: 'put', response: { header: { revision: 20 }, prevKv: kvB } },
        { type: 'deleteRange', response: { header: { revision: 20 }, deleted: 0, prevKvs: [] } },
        { type: 'txn', response: { header: { revision: 20 }, succeeded: false, responses: [] } },
      ],
    };
    const bytes = encodeTxnResponse(r, ID);
    assert.deepStrictEqual(decodeTxnResponse(bytes), { header: header(20), response: r });
    const raw = etcdserverpb.TxnResponse.decode(bytes);
    const nested = raw.responses[0]?.responseRange?.header;
    assert.equal(Number(nested?.memberId ?? -1), 0);
    assert.equal(Number(nested?.revision ?? -1), 20);
  });

  it('round-trips CompactionResponse', () => {
    assert.deepStrictEqual(decodeCompactionResponse(encodeCompactionResponse({ header: { revision: 3 } }, ID)), {
      header: header(3),
      response: { header: { revision: 3 } },
    });
  });
});

describe('lease responses', () => {
  it('round-trips LeaseGrantResponse and LeaseRevokeResponse', () => {
    const g = { header: { revision: 8 }, id: 2 ** 52, ttl: 30 };
    assert.deepStrictEqual(decodeLeaseGrantResponse(encodeLeaseGrantResponse(g, ID)), { header: header(8), response: g });
    assert.deepStrictEqual(decodeLeaseRevokeResponse(encodeLeaseRevokeResponse({ header: { revision: 9 } }, ID)), {
      header: header(9),
      response: { header: { revision: 9 } },
    });
  });
});

describe('KeyValue and Event', () => {
  it('round-trips KeyValue', () => {
    assert.deepStrictEqual(decodeKeyValue(encodeKeyValue(kvA)), kvA);
    assert.deepStrictEqual(decodeKeyValue(encodeKeyValue(kvB)), kvB);
  });
  it('round-trips PUT and DELETE events and pins type=1 kv=2 prev_kv=3', () => {
    const put: Event = { type: 'PUT', kv: kvA, prevKv: kvB };
    const del: Event = { type: 'DELETE', kv: { key: te('b'), createRevision: 0, modRevision: 11, version: 0, value: new Uint8Array(0), lease: 0 } };
    assert.deepStrictEqual(decodeEvent(encodeEvent(put)), put);
    assert.deepStrictEqual(decodeEvent(encodeEvent(del)), del);
    assert.equal(hex(encodeEvent(del)), '0801' + '1205' + '0a0162' + '180b');
  });
});

describe('encoding values this side built wrong', () => {
  it('throws ProtoEncodeError for unsafe or negative header integers and unsafe revisions', () => {
    assert.throws(() => encodeRangeResponse({ header: { revision: 2 ** 53 }, kvs: [], more: false, count: 0 }, ID), ProtoEncodeError);
    assert.throws(() => encodePutResponse({ header: { revision: 1 } }, { ...ID, memberId: -1 }), (e: unknown) => e instanceof ProtoEncodeError && e.field === 'header.memberId');
    assert.throws(() => encodeKeyValue({ ...kvA, version: 1.5 }), ProtoEncodeError);
  });
});
