import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MvccRequest } from '@logbook/mvcc';
import { decodeStoreEntry, EMPTY_REQUEST_CONTEXT, encodeStoreEntry, EtcdApiError, logbook, type RequestContext } from '../src/index.ts';

const b = (s: string): Uint8Array => new TextEncoder().encode(s);

const context: RequestContext = {
  user: 'system:admin',
  groups: ['system:masters', 'system:authenticated'],
  verb: 'update',
  apiGroup: 'apps',
  resource: 'deployments',
  subresource: 'status',
  namespace: 'default',
  name: 'web',
  auditId: '1f6c1f5e-5d0e-4b3a-9a53-8b2b9f1f0c11',
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  tracestate: 'vendor=x',
  proposer: 3,
  requestId: 2 ** 40 + 7,
};

const requests: readonly MvccRequest[] = [
  { type: 'range', request: { key: b('/registry/pods/'), rangeEnd: b('/registry/pods0'), limit: 500, revision: 42 } },
  { type: 'put', request: { key: b('/registry/pods/default/a'), value: b('{"kind":"Pod"}'), lease: 7, prevKv: true } },
  { type: 'deleteRange', request: { key: b('/registry/pods/default/a'), prevKv: true } },
  {
    type: 'txn',
    request: {
      compare: [{ key: b('/registry/pods/default/a'), target: 'MOD', result: 'EQUAL', modRevision: 41 }],
      success: [{ type: 'put', request: { key: b('/registry/pods/default/a'), value: b('v2') } }],
      failure: [{ type: 'range', request: { key: b('/registry/pods/default/a') } }],
    },
  },
  { type: 'compaction', request: { revision: 40 } },
  { type: 'leaseGrant', request: { id: 12345, ttl: 60 } },
  { type: 'leaseRevoke', request: { id: 12345 } },
  { type: 'leaseExpire', request: { ids: [1, 2, 2 ** 52] } },
  { type: 'alarm', request: { action: 'activate', memberId: 2 ** 52 + 1, alarm: 'NOSPACE' } },
  { type: 'alarm', request: { action: 'deactivate', memberId: 9, alarm: 'CORRUPT' } },
];

describe('store entry codec (the Raft log entry of the store)', () => {
  for (const request of requests) {
    it(`round-trips a ${request.type} with its request context`, () => {
      const decoded = decodeStoreEntry(encodeStoreEntry({ context, request }));
      assert.deepEqual(decoded.context, context);
      assert.equal(decoded.request.type, request.type);
      // The request itself goes through the same codecs as the etcd API; compare re-encodings.
      assert.deepEqual(encodeStoreEntry(decoded), encodeStoreEntry({ context, request }));
    });
  }

  it('an empty context costs nothing and decodes as empty', () => {
    const bytes = encodeStoreEntry({ context: EMPTY_REQUEST_CONTEXT, request: { type: 'compaction', request: { revision: 5 } } });
    assert.ok(bytes.byteLength <= 6, `${bytes.byteLength} bytes`);
    assert.deepEqual(decodeStoreEntry(bytes).context, EMPTY_REQUEST_CONTEXT);
  });

  it('refuses an entry with no request or with two', () => {
    const none = logbook.store.v1.StoreEntry.encode({ context: { user: 'u' } }).finish();
    assert.throws(() => decodeStoreEntry(none), (e: unknown) => e instanceof EtcdApiError && /no request/.test(e.message));
    // Two oneof members on the wire: protobufjs keeps the last, as proto3 requires; the entry stays well-formed.
    const put = logbook.store.v1.StoreEntry.encode({ put: { key: b('k'), value: b('v') } }).finish();
    const del = logbook.store.v1.StoreEntry.encode({ deleteRange: { key: b('k') } }).finish();
    const both = new Uint8Array([...put, ...del]);
    assert.equal(decodeStoreEntry(both).request.type, 'deleteRange');
  });

  it('refuses malformed bytes and unsafe integers with typed errors', () => {
    const good = encodeStoreEntry({ context, request: requests[1]! });
    assert.throws(() => decodeStoreEntry(good.subarray(0, good.byteLength - 3)), EtcdApiError);
    const unsafe = logbook.store.v1.StoreEntry.encode({ leaseExpire: { ids: [2 ** 53 + 2] } }).finish();
    assert.throws(() => decodeStoreEntry(unsafe), (e: unknown) => e instanceof EtcdApiError && e.code === 'InvalidArgument');
    assert.throws(() => encodeStoreEntry({ context: { ...context, proposer: -1 }, request: requests[0]! }));
  });

  it('an alarm entry is an activation or deactivation of one alarm: GET or NONE in the log is refused', () => {
    const decoded = decodeStoreEntry(encodeStoreEntry({ context, request: { type: 'alarm', request: { action: 'deactivate', memberId: 9, alarm: 'CORRUPT' } } }));
    assert.deepEqual(decoded.request, { type: 'alarm', request: { action: 'deactivate', memberId: 9, alarm: 'CORRUPT' } });
    for (const alarm of [{ action: 0, memberID: 9, alarm: 1 }, { action: 1, memberID: 9, alarm: 0 }]) {
      const bytes = logbook.store.v1.StoreEntry.encode({ alarm }).finish();
      assert.throws(() => decodeStoreEntry(bytes), EtcdApiError);
    }
  });
});
