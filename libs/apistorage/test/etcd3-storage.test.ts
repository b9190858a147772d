// The storage contract against a real etcd, plus what only the etcd
// implementation promises: chunked list reads (a chunk smaller than a page),
// the request context sent as gRPC metadata, and the write-attempt bound.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EtcdClient } from '@logbook/etcd-client';
import { FAST_ELECTION_FLAGS, startEtcd } from '@logbook/etcd-client/testing';
import type { EtcdCluster } from '@logbook/etcd-client/testing';
import { Etcd3Storage } from '../src/etcd3-storage.ts';
import { describeStorageContract } from '../src/testing/contract.ts';

let etcd: EtcdCluster;
let client: EtcdClient;
let n = 0;

before(async () => {
  etcd = await startEtcd({ members: 1, extraFlags: [...FAST_ELECTION_FLAGS, '--experimental-watch-progress-notify-interval', '200ms'] });
  client = EtcdClient.connect({ endpoints: etcd.endpoints, requestTimeoutMs: 5_000 });
});

after(async () => {
  client.close();
  await etcd.stop();
});

describeStorageContract(
  'etcd3 over real etcd',
  () => {
    // A chunk smaller than most pages, so the contract also exercises multi-chunk reads.
    const storage = new Etcd3Storage({ client, listChunkSize: 2 });
    n++;
    return Promise.resolve({
      storage,
      prefix: `/registry/contract-${n}/`,
      compact: async (rev: number) => {
        await client.compact({ revision: rev, physical: true });
      },
      close: () => storage.close(),
    });
  },
  { bookmarkTimeoutMs: 3_000 },
);

describe('Etcd3Storage specifics', () => {
  it('stores JSON without resourceVersion', async () => {
    const storage = new Etcd3Storage({ client });
    const created = await storage.create('/registry/specific/ns/a', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } });
    const raw = await client.range({ key: new TextEncoder().encode('/registry/specific/ns/a') });
    const stored = JSON.parse(new TextDecoder().decode(raw.response.kvs[0]!.value)) as { metadata: Record<string, unknown> };
    assert.deepEqual(stored, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } });
    assert.equal(created.metadata.resourceVersion, String(raw.response.kvs[0]!.modRevision));
    await storage.close();
  });

  it('an update that keeps losing the race fails with resourceVersionConflict after maxWriteAttempts', async () => {
    const storage = new Etcd3Storage({ client, maxWriteAttempts: 3 });
    const key = '/registry/specific/ns/hot';
    await storage.create(key, { metadata: { name: 'hot' }, n: 0 });
    let calls = 0;
    await assert.rejects(
      storage.guaranteedUpdate(key, async (cur) => {
        calls++;
        // Another writer commits between every read and write.
        await client.put({ key: new TextEncoder().encode(key), value: new TextEncoder().encode(JSON.stringify({ metadata: { name: 'hot' }, n: calls * 100 })) });
        return { ...cur!, n: -1 };
      }),
      (e: unknown) => e instanceof Error && (e as { code?: string }).code === 'resourceVersionConflict',
    );
    assert.equal(calls, 3);
    await storage.close();
  });

  it('malformed stored values fail with invalidObject', async () => {
    const storage = new Etcd3Storage({ client });
    await client.put({ key: new TextEncoder().encode('/registry/specific/bad/x'), value: new TextEncoder().encode('not json') });
    await assert.rejects(storage.get('/registry/specific/bad/x'), (e: unknown) => (e as { code?: string }).code === 'invalidObject');
    await storage.close();
  });
});
