// A write's request context (sent by the apiserver as gRPC metadata) lands in
// the write's log entry; without it the entry carries the empty context; a
// malformed one is refused and writes nothing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as api from '@logbook/etcd-api';
import { freePorts } from '@logbook/etcd-client/testing';
import { discardLogger } from '@logbook/raft';
import { parseStoreConfig } from '../src/config.ts';
import { startStore } from '../src/store-member.ts';


test('the request context sent with a write is recorded in its log entry', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logbook-ctx-'));
  const [clientPort, peerPort] = (await freePorts(2)) as [number, number];
  const parsed = parseStoreConfig([
    '--name', 's1', '--data-dir', join(dir, 's1'),
    '--listen-client-urls', `http://127.0.0.1:${clientPort}`, '--advertise-client-urls', `http://127.0.0.1:${clientPort}`,
    '--listen-peer-urls', `http://127.0.0.1:${peerPort}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peerPort}`,
    '--initial-cluster', `s1=http://127.0.0.1:${peerPort}`,
  ]);
  if (parsed.kind !== 'config') assert.fail(JSON.stringify(parsed));
  const member = await startStore(parsed.config, discardLogger);
  const client = new grpc.Client(`127.0.0.1:${clientPort}`, grpc.credentials.createInsecure());
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
    for (const deadline = Date.now() + 10_000; !member.store.isLeader; ) {
      if (Date.now() > deadline) assert.fail('the single member never became leader');
      await new Promise((r) => setTimeout(r, 20));
    }
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
    await member.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
