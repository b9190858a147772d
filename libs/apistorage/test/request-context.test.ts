// Writes carry the request context as gRPC metadata; reads carry none. A
// tiny grpc-js server stands in for the store (real etcd ignores the key).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { ETCD_SERVICES, REQUEST_CONTEXT_METADATA_KEY, decodeRequestContext, encodeRangeResponse, encodeTxnResponse } from '@logbook/etcd-api';
import { EtcdClient } from '@logbook/etcd-client';
import { Etcd3Storage } from '../src/etcd3-storage.ts';

const path = (name: string): string => ETCD_SERVICES['etcdserverpb.KV']!.find((m) => m.name === name)!.path;
const id = { clusterId: 1, memberId: 2, raftTerm: 3 };
const identity = (b: Buffer): Buffer => b;
const seen: { method: string; metadata: grpc.Metadata }[] = [];

function method(name: string, reply: Uint8Array): [string, grpc.MethodDefinition<Buffer, Buffer>, grpc.handleUnaryCall<Buffer, Buffer>] {
  return [
    name,
    { path: path(name), requestStream: false, responseStream: false, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity },
    (call, cb) => {
      seen.push({ method: name, metadata: call.metadata });
      cb(null, Buffer.from(reply));
    },
  ];
}

let server: grpc.Server;
let client: EtcdClient;

before(async () => {
  server = new grpc.Server();
  const methods = [
    method('Txn', encodeTxnResponse({ header: { revision: 7 }, succeeded: true, responses: [] }, id)),
    method('Range', encodeRangeResponse({ header: { revision: 7 }, kvs: [], more: false, count: 0 }, id)),
  ];
  server.addService(Object.fromEntries(methods.map(([n, d]) => [n, d])), Object.fromEntries(methods.map(([n, , h]) => [n, h])));
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e === null ? resolve(p) : reject(e))),
  );
  client = EtcdClient.connect({ endpoints: [`127.0.0.1:${port}`], requestTimeoutMs: 5_000 });
});

after(() => {
  client.close();
  server.forceShutdown();
});

describe('request context metadata', () => {
  it('a write sends every field of the context; a read sends none', async () => {
    seen.length = 0;
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
    assert.deepEqual(seen.map((s) => s.method), ['Txn', 'Range']);
    const raw = seen[0]!.metadata.get(REQUEST_CONTEXT_METADATA_KEY);
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
    assert.deepEqual(seen[1]!.metadata.get(REQUEST_CONTEXT_METADATA_KEY), []);
    await storage.close();
  });

  it('a write without a context sends no context', async () => {
    seen.length = 0;
    const storage = new Etcd3Storage({ client });
    await storage.create('/registry/configmaps/ns/b', { metadata: { name: 'b' } });
    assert.deepEqual(seen[0]!.metadata.get(REQUEST_CONTEXT_METADATA_KEY), []);
    await storage.close();
  });
});
