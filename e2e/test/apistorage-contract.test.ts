// The apiserver's storage contract (libs/apistorage/src/testing) against real
// processes: Etcd3Storage over Logbook's store and over real etcd, and the
// watch cache over Logbook's store. One suite, every implementation.

import { after, before, describe } from 'node:test';
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
