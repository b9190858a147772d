// A write's request context (sent by the apiserver as gRPC metadata) lands in
// the write's log entry; without it the entry carries the empty context; a
// malformed one is refused and writes nothing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import * as api from '@logbook/etcd-api';
import { startSingleMember } from './single-member.ts';

test('the request context sent with a write is recorded in its log entry', async () => {
  const m = await startSingleMember();
  const member = m.member;
  const client = new grpc.Client(`127.0.0.1:${m.clientPort}`, grpc.credentials.createInsecure());
  const seen: api.RequestContext[] = [];
  member.store.sm.onEntry((_index, entry) => seen.push(entry.context));
  const put = (key: string, metadata: grpc.Metadata): Promise<void> =>
    new Promise((resolve, reject) => {
      client.makeUnaryRequest(
        '/etcdserverpb.KV/Put',
        (b: Uint8Array) => Buffer.from(b),
        (b: Buffer) => b,
        api.encodePutRequest({ key: Buffer.from(key), value: Buffer.from('v') }),
        metadata,
        { deadline: Date.now() + 10_000 },
        (err) => (err === null ? resolve() : reject(err)),
      );
    });
  try {
    const ctx: api.RequestContext = {
      ...api.EMPTY_REQUEST_CONTEXT,
      user: 'alice', groups: ['system:authenticated'], verb: 'create', resource: 'configmaps', namespace: 'default', name: 'cm1',
      auditId: '5f1c2a', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    };
    const withCtx = new grpc.Metadata();
    withCtx.set(api.REQUEST_CONTEXT_METADATA_KEY, Buffer.from(api.encodeRequestContext(ctx)));
    await put('/registry/configmaps/default/cm1', withCtx);
    await put('/plain', new grpc.Metadata());
    const bad = new grpc.Metadata();
    bad.set(api.REQUEST_CONTEXT_METADATA_KEY, Buffer.from([0xff, 0xff, 0xff]));
    await assert.rejects(put('/bad', bad), (e: grpc.ServiceError) => e.code === grpc.status.INVALID_ARGUMENT && /logbook-request-context-bin/.test(e.details));

    assert.equal(seen.length, 2, 'the refused write proposed nothing');
    assert.deepEqual(seen[0], ctx);
    assert.equal(seen[1]!.user, '');
  } finally {
    client.close();
    await m.close();
  }
});
