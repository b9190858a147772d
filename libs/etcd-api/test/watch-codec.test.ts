// The Watch stream's messages: canonical requests and responses survive a
// round trip, etcd's conventions (watch_id 0 = server assigns, -1 = the
// stream as a whole, an empty request is ignored) hold, field numbers are
// pinned by bytes, and bad input is refused with the right gRPC status.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WatchResponse } from '@logbook/watch';
import type { WatchRequest } from '../src/index.ts';
import { STREAM_WATCH_ID, decodeWatchRequest, decodeWatchResponse, encodeWatchRequest, encodeWatchResponse, etcdserverpb } from '../src/index.ts';
import { ID, concat, expectApiError, hex, int64Field, kvA, kvB, lengthDelimited, te, unhex } from './fixtures.ts';

const requests: readonly WatchRequest[] = [
  { type: 'create', create: { key: te('a') } },
  { type: 'create', create: { key: new Uint8Array(0) } },
  {
    type: 'create',
    create: {
      key: te('/registry/pods/'),
      rangeEnd: te('/registry/pods0'),
      startRevision: 2 ** 53 - 1,
      progressNotify: true,
      filters: { noPut: true, noDelete: true },
      prevKv: true,
      watchId: 7,
      fragment: true,
    },
  },
  { type: 'create', create: { key: te('k'), filters: { noDelete: true }, startRevision: -3, watchId: -1 } },
  { type: 'create', create: { key: te('k'), filters: { noPut: true } } },
  { type: 'cancel', watchId: 0 },
  { type: 'cancel', watchId: 2 ** 40 },
  { type: 'cancel', watchId: -1 },
  { type: 'progress' },
];

describe('WatchRequest', () => {
  for (const [i, r] of requests.entries()) {
    it(`round-trips case ${i} (${r.type})`, () => assert.deepStrictEqual(decodeWatchRequest(encodeWatchRequest(r)), r));
  }

  it('pins field numbers: create_request=1 {key=1 range_end=2 start_revision=3 progress_notify=4 filters=5 (packed) prev_kv=6 watch_id=7 fragment=8}', () => {
    const r: WatchRequest = {
      type: 'create',
      create: { key: te('a'), rangeEnd: te('b'), startRevision: 5, progressNotify: true, filters: { noPut: true, noDelete: true }, prevKv: true, watchId: 9, fragment: true },
    };
    const golden = '0a14' + '0a0161' + '120162' + '1805' + '2001' + '2a020001' + '3001' + '3809' + '4001';
    assert.equal(hex(encodeWatchRequest(r)), golden);
    assert.deepStrictEqual(decodeWatchRequest(unhex(golden)), r);
  });

  it('pins cancel_request=2 {watch_id=1} and progress_request=3', () => {
    assert.equal(hex(encodeWatchRequest({ type: 'cancel', watchId: 3 })), '12020803');
    assert.equal(hex(encodeWatchRequest({ type: 'progress' })), '1a00');
  });

  it('reads unpacked filters too (both encodings are valid proto3)', () => {
    const create = concat(unhex('0a0161'), unhex('2801'), unhex('2800'));
    assert.deepStrictEqual(decodeWatchRequest(lengthDelimited(1, create)), { type: 'create', create: { key: te('a'), filters: { noPut: true, noDelete: true } } });
  });

  it('decodes explicit proto3 defaults to absent fields; watch_id 0 means "server assigns"', () => {
    const bytes = etcdserverpb.WatchRequest.encode({
      createRequest: { key: te('a'), rangeEnd: new Uint8Array(0), startRevision: 0, progressNotify: false, filters: [], prevKv: false, watchId: 0, fragment: false },
    }).finish();
    assert.deepStrictEqual(decodeWatchRequest(bytes), { type: 'create', create: { key: te('a') } });
  });

  it('skips unknown filter values, as etcd does', () => {
    const create = concat(unhex('0a0161'), lengthDelimited(5, new Uint8Array([7, 1, 9])));
    assert.deepStrictEqual(decodeWatchRequest(lengthDelimited(1, create)), { type: 'create', create: { key: te('a'), filters: { noDelete: true } } });
    const onlyUnknown = concat(unhex('0a0161'), unhex('2805'));
    assert.deepStrictEqual(decodeWatchRequest(lengthDelimited(1, onlyUnknown)), { type: 'create', create: { key: te('a') } });
  });

  it('a message with no request set decodes to undefined (etcd ignores it and keeps the stream)', () => {
    assert.equal(decodeWatchRequest(new Uint8Array(0)), undefined);
    // An unknown field only: still no member set.
    assert.equal(decodeWatchRequest(unhex('2001')), undefined);
  });

  it('takes the last member when a client sends two (proto3 oneof rule)', () => {
    const bytes = concat(encodeWatchRequest({ type: 'create', create: { key: te('a') } }), encodeWatchRequest({ type: 'cancel', watchId: 4 }));
    assert.deepStrictEqual(decodeWatchRequest(bytes), { type: 'cancel', watchId: 4 });
  });

  it('does not put the hub-only streamId on the wire', () => {
    const bytes = encodeWatchRequest({ type: 'create', create: { key: te('a'), streamId: 'stream-1' } });
    assert.deepStrictEqual(decodeWatchRequest(bytes), { type: 'create', create: { key: te('a') } });
  });

  it('refuses unsafe integers with InvalidArgument naming the field', () => {
    const create = concat(unhex('0a0161'), int64Field(7, 2n ** 53n));
    expectApiError(() => decodeWatchRequest(lengthDelimited(1, create)), 'InvalidArgument', 'unsafe-integer', 'createRequest.watchId');
    const start = concat(unhex('0a0161'), int64Field(3, -(2n ** 60n)));
    expectApiError(() => decodeWatchRequest(lengthDelimited(1, start)), 'InvalidArgument', 'unsafe-integer', 'createRequest.startRevision');
    expectApiError(() => decodeWatchRequest(lengthDelimited(2, int64Field(1, 2n ** 63n - 1n))), 'InvalidArgument', 'unsafe-integer', 'cancelRequest.watchId');
  });

  it('refuses malformed bytes with Internal', () => {
    expectApiError(() => decodeWatchRequest(unhex('0a05 0a01')), 'Internal', 'truncated');
    expectApiError(() => decodeWatchRequest(unhex('0f')), 'Internal', 'malformed');
  });
});

const response = (over: Partial<WatchResponse>): WatchResponse => ({
  header: { revision: 10 },
  watchId: 0,
  created: false,
  canceled: false,
  compactRevision: 0,
  cancelReason: '',
  fragment: false,
  events: [],
  ...over,
});

describe('WatchResponse', () => {
  const cases: readonly WatchResponse[] = [
    response({ created: true, watchId: 0 }),
    response({ watchId: 3, events: [{ type: 'PUT', kv: kvA, prevKv: kvB }, { type: 'DELETE', kv: { ...kvB, value: new Uint8Array(0), version: 0, createRevision: 0 } }] }),
    response({ watchId: 3, fragment: true, events: [{ type: 'PUT', kv: kvA }] }),
    response({ watchId: 5, canceled: true, compactRevision: 7, cancelReason: 'etcdserver: mvcc: required revision has been compacted' }),
    response({ watchId: STREAM_WATCH_ID, header: { revision: 2 ** 53 - 1 } }),
    response({ watchId: STREAM_WATCH_ID, created: true, canceled: true, cancelReason: 'etcdserver: mvcc: required revision has been compacted' }),
  ];
  for (const [i, r] of cases.entries()) {
    it(`round-trips case ${i}`, () => assert.deepStrictEqual(decodeWatchResponse(encodeWatchResponse(r, ID)), { header: { ...ID, revision: r.header.revision }, response: r }));
  }

  it('puts watch_id -1 (a stream-wide progress response) on the wire as a 10-byte int64 varint', () => {
    const bytes = encodeWatchResponse(response({ watchId: -1, header: { revision: 4 } }), { clusterId: 1, memberId: 2, raftTerm: 3 });
    // header=1 {cluster_id=1 member_id=2 revision=3 raft_term=4}, watch_id=2 (-1)
    const golden = '0a08 0801 1002 1804 2003' + '10 ffffffffffffffffff01';
    assert.equal(hex(bytes), golden.replace(/ /g, ''));
    assert.equal(decodeWatchResponse(unhex(golden)).response.watchId, -1);
    // What a Go server sends for -1 decodes identically.
    assert.equal(decodeWatchResponse(int64Field(2, -1n)).response.watchId, -1);
  });

  it('pins the remaining field numbers: created=3 canceled=4 compact_revision=5 cancel_reason=6 fragment=7 events=11', () => {
    const bytes = encodeWatchResponse(response({ header: { revision: 0 }, created: true, canceled: true, compactRevision: 2, cancelReason: 'x', fragment: true }), { clusterId: 0, memberId: 0, raftTerm: 0 });
    assert.equal(hex(bytes), '0a00' + '1801' + '2001' + '2802' + '320178' + '3801');
    const withEvent = encodeWatchResponse(response({ header: { revision: 0 }, events: [{ type: 'DELETE', kv: { key: te('b'), createRevision: 0, modRevision: 11, version: 0, value: new Uint8Array(0), lease: 0 } }] }), { clusterId: 0, memberId: 0, raftTerm: 0 });
    assert.equal(hex(withEvent), '0a00' + '5a09' + '0801' + '1205' + '0a0162' + '180b');
  });

  it('decodes an empty message to the zero response (a Go server omits zero fields)', () => {
    assert.deepStrictEqual(decodeWatchResponse(new Uint8Array(0)), { header: { clusterId: 0, memberId: 0, revision: 0, raftTerm: 0 }, response: response({ header: { revision: 0 } }) });
  });

  it('refuses an unknown event type and unsafe revisions with InvalidArgument', () => {
    const badEvent = lengthDelimited(11, unhex('0802'));
    expectApiError(() => decodeWatchResponse(badEvent), 'InvalidArgument', 'invalid-enum', 'events[0].type');
    expectApiError(() => decodeWatchResponse(int64Field(5, 2n ** 55n)), 'InvalidArgument', 'unsafe-integer', 'compactRevision');
    expectApiError(() => decodeWatchResponse(lengthDelimited(1, int64Field(3, 2n ** 55n))), 'InvalidArgument', 'unsafe-integer', 'header.revision');
  });

  it('refuses truncated bytes with Internal', () => {
    const bytes = encodeWatchResponse(cases[1]!, ID);
    expectApiError(() => decodeWatchResponse(bytes.subarray(0, bytes.length - 2)), 'Internal', 'truncated');
  });
});
