// Companion writes: an object and the objects its admission charged
// (ResourceQuota usage) commit in one store transaction or not at all — on a
// real etcd and in MemoryStorage alike.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EtcdClient } from '@logbook/etcd-client';
import { FAST_ELECTION_FLAGS, startEtcd } from '@logbook/etcd-client/testing';
import type { EtcdCluster } from '@logbook/etcd-client/testing';
import { Etcd3Storage } from '../src/etcd3-storage.ts';
import { MemoryStorage } from '../src/memory-storage.ts';
import { StorageError } from '../src/errors.ts';
import type { KubeObject, Storage } from '../src/interface.ts';

let etcd: EtcdCluster;
let client: EtcdClient;

before(async () => {
  etcd = await startEtcd({ members: 1, extraFlags: [...FAST_ELECTION_FLAGS] });
  client = EtcdClient.connect({ endpoints: etcd.endpoints, requestTimeoutMs: 5_000 });
});

after(async () => {
  client.close();
  await etcd.stop();
});

const quota = (name: string, used: string, rv?: string): KubeObject => ({
  apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name, namespace: 'ns', ...(rv !== undefined ? { resourceVersion: rv } : {}) }, status: { used: { pods: used } },
});
const pod = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns' } });
const usedOf = (o: KubeObject | undefined): unknown => (o as { status?: { used?: { pods?: string } } } | undefined)?.status?.used?.pods;
const isCompanionConflict = (key: string) => (e: unknown): boolean => e instanceof StorageError && e.code === 'companionConflict' && e.key === key;

function suite(name: string, make: () => Storage, root: string): void {
  describe(name, () => {
    it('a create commits with its companion; a stale companion fails both and writes nothing', async () => {
      const s = make();
      const qKey = `${root}/resourcequotas/ns/q`;
      const q = await s.create(qKey, quota('q', '0'));
      const p1 = await s.create(`${root}/pods/ns/p1`, pod('p1'), undefined, undefined, [{ key: qKey, object: quota('q', '1', q.metadata.resourceVersion) }]);
      const q1 = await s.get(qKey);
      assert.equal(usedOf(q1), '1');
      assert.equal(q1?.metadata.resourceVersion, p1.metadata.resourceVersion, 'one transaction: one revision');
      // The same (now stale) revision again: nothing is written.
      await assert.rejects(s.create(`${root}/pods/ns/p2`, pod('p2'), undefined, undefined, [{ key: qKey, object: quota('q', '2', q.metadata.resourceVersion) }]), isCompanionConflict(qKey));
      assert.equal(await s.get(`${root}/pods/ns/p2`, { ignoreNotFound: true }), undefined);
      assert.equal(usedOf(await s.get(qKey)), '1');
      // An existing object is still keyExists, not a companion conflict.
      await assert.rejects(s.create(`${root}/pods/ns/p1`, pod('p1'), undefined, undefined, [{ key: qKey, object: quota('q', '2', q1?.metadata.resourceVersion) }]),
        (e: unknown) => e instanceof StorageError && e.code === 'keyExists');
      await s.close();
    });

    it('an update commits with the companions its tryUpdate produced; a moved companion fails the update', async () => {
      const s = make();
      const qKey = `${root}/resourcequotas/ns/u`;
      const pKey = `${root}/pods/ns/u1`;
      let q = await s.create(qKey, quota('u', '0'));
      await s.create(pKey, pod('u1'));
      let companions: { key: string; object: KubeObject }[] = [];
      const updated = await s.guaranteedUpdate(pKey, (cur) => {
        companions = [{ key: qKey, object: quota('u', '5', q.metadata.resourceVersion) }];
        return { ...cur!, metadata: { ...cur!.metadata, labels: { a: 'b' } } };
      }, { companions: () => companions });
      q = (await s.get(qKey))!;
      assert.equal(usedOf(q), '5');
      assert.equal(q.metadata.resourceVersion, updated.metadata.resourceVersion);
      // A no-op update with a companion still writes (the companion is the point).
      const again = await s.guaranteedUpdate(pKey, (cur) => {
        companions = [{ key: qKey, object: quota('u', '6', q.metadata.resourceVersion) }];
        return cur!;
      }, { companions: () => companions });
      assert.equal(usedOf(await s.get(qKey)), '6');
      assert.ok(Number(again.metadata.resourceVersion) > Number(updated.metadata.resourceVersion));
      // Stale companion: the update fails and the pod keeps its labels.
      await assert.rejects(s.guaranteedUpdate(pKey, (cur) => {
        companions = [{ key: qKey, object: quota('u', '9', updated.metadata.resourceVersion) }];
        return { ...cur!, metadata: { ...cur!.metadata, labels: { a: 'c' } } };
      }, { companions: () => companions }), isCompanionConflict(qKey));
      assert.deepEqual((await s.get(pKey))?.metadata.labels, { a: 'b' });
      assert.equal(usedOf(await s.get(qKey)), '6');
      await s.close();
    });
  });
}

suite('MemoryStorage', () => new MemoryStorage(), '/registry');
suite('Etcd3Storage over real etcd', () => new Etcd3Storage({ client }), '/registry-companions');
