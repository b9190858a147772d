// The apiserver's storage contract (libs/apistorage/src/testing) against real
// processes: Etcd3Storage over Logbook's store and over real etcd, and the
// watch cache over Logbook's store. One suite, every implementation.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Cacher, Etcd3Storage, discardLogger, realClock } from '@logbook/apistorage';
import { describeStorageContract } from '@logbook/apistorage/testing';
import { EtcdClient } from '@logbook/etcd-client';
import { startStoreCluster, type StoreCluster } from '../src/store-cluster.ts';
import { STORE_IMPLS } from '../src/store-impls.ts';

/** A small window, so the cache's 410 case needs few writes. */
const CACHE_WINDOW = 8;

for (const impl of STORE_IMPLS) {
  describe(`apiserver storage contract over ${impl}`, () => {
    let cluster: StoreCluster;
    let client: EtcdClient;
    let n = 0;
    before(async () => {
      cluster = await startStoreCluster({ impl, members: 1, extraFlags: ['--experimental-watch-progress-notify-interval', '200ms'] });
      client = EtcdClient.connect({ endpoints: cluster.endpoints.map((e) => e.replace(/^https?:\/\//, '')), requestTimeoutMs: 5_000 });
    });
    after(async () => {
      client.close();
      await cluster.stop();
    });
    const compact = async (rev: number): Promise<void> => {
      await client.compact({ revision: rev, physical: true });
    };

    describeStorageContract(`etcd3 over ${impl}`, () => {
      const storage = new Etcd3Storage({ client, listChunkSize: 2 });
      return Promise.resolve({ storage, prefix: `/registry/contract-${++n}/`, compact, close: () => storage.close() });
    }, { bookmarkTimeoutMs: 3_000 });

    if (impl === 'logbook') {
      describeStorageContract(`watch cache over etcd3 over ${impl}`, async () => {
        const underlying = new Etcd3Storage({ client });
        const prefix = `/registry/cached-${++n}/`;
        const cacher = new Cacher({ underlying, prefix, clock: realClock, logger: discardLogger, bookmarkIntervalMs: 200, eventCapacity: CACHE_WINDOW });
        await cacher.waitUntilReady();
        return { storage: cacher, prefix, compact, close: () => cacher.close() };
      }, { bookmarkTimeoutMs: 3_000, eventWindow: CACHE_WINDOW });
    }
  });
}

for (const impl of STORE_IMPLS) {
  test(`watch cache over ${impl}: consistent reads are served once the store's progress response proves the cache current`, { timeout: 60_000 }, async () => {
    const cluster = await startStoreCluster({ impl, members: 1 });
    const client = EtcdClient.connect({ endpoints: cluster.endpoints.map((e) => e.replace(/^https?:\/\//, '')), requestTimeoutMs: 5_000 });
    const direct = new Etcd3Storage({ client });
    const prefix = '/registry/fresh/';
    // A freshness timeout far beyond the test's: a consistent read can only finish by the progress response.
    const cacher = new Cacher({ underlying: new Etcd3Storage({ client }), prefix, clock: realClock, logger: discardLogger, freshnessTimeoutMs: 120_000 });
    try {
      await cacher.waitUntilReady();
      const idle = await cacher.getList(prefix, {});
      for await (const _ of idle.items) assert.fail('nothing stored yet');
      // Written behind the cache's back; the consistent read must still see it.
      await direct.create(`${prefix}ns/a`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'ns' } });
      const got = await cacher.get(`${prefix}ns/a`, {});
      assert.equal(got?.metadata.name, 'a');
      // Unrelated writes move the store's revision past every event of this prefix.
      await direct.create('/registry/elsewhere/ns/b', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b', namespace: 'ns' } });
      const again = await cacher.getList(prefix, {});
      const names: string[] = [];
      for await (const o of again.items) names.push(o.metadata.name ?? '');
      assert.deepEqual(names, ['a']);
      assert.equal(Number(again.meta().resourceVersion), await direct.currentRevision(), 'the list is as of the store\'s current revision');
    } finally {
      await cacher.close();
      client.close();
      await cluster.stop();
    }
  });
}
