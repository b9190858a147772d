// Writes carry the request context as gRPC metadata; reads carry none. A
// tiny grpc-js server stands in for the store (real etcd ignores the key).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { REQUEST_CONTEXT_METADATA_KEY, decodeRequestContext, encodeRangeResponse, encodeTxnResponse } from '@logbook/etcd-api';
import { EtcdClient } from '@logbook/etcd-client';
import { startKvStub, type KvStub } from '@logbook/etcd-client/testing';
import { Etcd3Storage } from '../src/etcd3-storage.ts';

const id = { clusterId: 1, memberId: 2, raftTerm: 3 };
let stub: KvStub;
let client: EtcdClient;

before(async () => {
  stub = await startKvStub({
    Txn: encodeTxnResponse({ header: { revision: 7 }, succeeded: true, responses: [] }, id),
    Range: encodeRangeResponse({ header: { revision: 7 }, kvs: [], more: false, count: 0 }, id),
  });
  client = EtcdClient.connect({ endpoints: [stub.endpoint], requestTimeoutMs: 5_000 });
});

after(() => {
  client.close();
  stub.close();
});

describe('request context metadata', () => {
  it('a write sends every field of the context; a read sends none', async () => {
    stub.calls.length = 0;
    const storage = new Etcd3Storage({ client });
    const created = await storage.create('/registry/configmaps/ns/a', { metadata: { name: 'a' } }, {
      user: 'alice',
      groups: ['devs', 'system:authenticated'],
      verb: 'create',
      apiGroup: 'apps',
      resource: 'deployments',
      subresource: 'scale',
      namespace: 'ns',
      name: 'a',
      auditId: 'audit-1',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    assert.equal(created.metadata.resourceVersion, '7');
    assert.equal(await storage.get('/registry/configmaps/ns/a', { ignoreNotFound: true }), undefined);
    assert.deepEqual(stub.calls.map((s) => s.method), ['Txn', 'Range']);
    const raw = stub.calls[0]!.metadata.get(REQUEST_CONTEXT_METADATA_KEY);
    assert.equal(raw.length, 1);
    const ctx = decodeRequestContext(raw[0] as Buffer);
    assert.deepEqual(
      { ...ctx, groups: [...ctx.groups] },
      {
        user: 'alice',
        groups: ['devs', 'system:authenticated'],
        verb: 'create',
        apiGroup: 'apps',
        resource: 'deployments',
        subresource: 'scale',
        namespace: 'ns',
        name: 'a',
        auditId: 'audit-1',
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        tracestate: '',
        proposer: 0,
        requestId: 0,
      },
    );
    assert.deepEqual(stub.calls[1]!.metadata.get(REQUEST_CONTEXT_METADATA_KEY), []);
    await storage.close();
  });

  it('a write without a context sends no context', async () => {
    stub.calls.length = 0;
    const storage = new Etcd3Storage({ client });
    await storage.create('/registry/configmaps/ns/b', { metadata: { name: 'b' } });
    assert.deepEqual(stub.calls[0]!.metadata.get(REQUEST_CONTEXT_METADATA_KEY), []);
    await storage.close();
  });
});
