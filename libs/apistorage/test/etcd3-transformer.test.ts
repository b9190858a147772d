// Encryption at rest's seam in Etcd3Storage: the whole storage contract with
// a transformer in the path, and what the transformer changes: the bytes in
// etcd are not the JSON, a stale value is rewritten by a no-op update, a
// value the transformer cannot read is an error naming the key.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { EtcdClient } from '@logbook/etcd-client';
import { FAST_ELECTION_FLAGS, startEtcd } from '@logbook/etcd-client/testing';
import type { EtcdCluster } from '@logbook/etcd-client/testing';
import { Etcd3Storage } from '../src/etcd3-storage.ts';
import type { ValueTransformer } from '../src/object-codec.ts';
import { StorageError } from '../src/errors.ts';
import { describeStorageContract } from '../src/testing/contract.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

/**
 * A stand-in cipher with the properties that matter to the storage: a
 * random nonce (the same object never encrypts to the same bytes), the key
 * bound in (a value moved to another key does not read), a versioned prefix
 * (v0 = an old key: readable, stale).
 */
function xorTransformer(): ValueTransformer {
  const mask = (data: Uint8Array, nonce: Uint8Array, key: string): Uint8Array => {
    const k = enc.encode(key);
    return data.map((b, i) => b ^ nonce[i % nonce.length]! ^ k[i % k.length]! ^ 0x5a);
  };
  return {
    toStorage(plain, key) {
      const nonce = randomBytes(8);
      return Buffer.concat([enc.encode('x:v1:'), nonce, mask(plain, nonce, key)]);
    },
    fromStorage(stored, key) {
      const head = dec.decode(stored.subarray(0, 5));
      if (head !== 'x:v1:' && head !== 'x:v0:') throw new Error('not written by this transformer');
      const nonce = stored.subarray(5, 13);
      const data = mask(stored.subarray(13), nonce, key);
      if (data[0] !== 0x7b) throw new Error('authentication failed'); // '{'
      return { data, stale: head === 'x:v0:' };
    },
  };
}

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
  'etcd3 over real etcd with a value transformer',
  () => {
    const storage = new Etcd3Storage({ client, listChunkSize: 2, transformer: xorTransformer() });
    n++;
    return Promise.resolve({
      storage,
      prefix: `/registry/transformed-${n}/`,
      compact: async (rev: number) => {
        await client.compact({ revision: rev, physical: true });
      },
      close: () => storage.close(),
    });
  },
  { bookmarkTimeoutMs: 3_000 },
);

describe('Etcd3Storage with a transformer', () => {
  const raw = async (key: string): Promise<{ value: Uint8Array; modRevision: number }> => {
    const r = await client.range({ key: enc.encode(key) });
    const kv = r.response.kvs[0];
    assert.ok(kv !== undefined, `${key} is stored`);
    return kv;
  };

  it('stores the transformed bytes, never the JSON, and reads them back', async () => {
    const storage = new Etcd3Storage({ client, transformer: xorTransformer() });
    const key = '/registry/secrets/ns/s1';
    await storage.create(key, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's1' }, data: { password: 'aHVudGVyMg==' } });
    const kv = await raw(key);
    assert.equal(dec.decode(kv.value.subarray(0, 5)), 'x:v1:');
    assert.ok(!Buffer.from(kv.value).includes('aHVudGVyMg=='), 'the secret is not in the stored bytes');
    const got = await storage.get(key, {});
    assert.deepEqual((got as { data?: unknown }).data, { password: 'aHVudGVyMg==' });
    await storage.close();
  });

  it('a no-op update keeps the revision, unless the value is stale: then it is rewritten with the current key', async () => {
    const t = xorTransformer();
    const storage = new Etcd3Storage({ client, transformer: t });
    const key = '/registry/secrets/ns/s2';
    const created = await storage.create(key, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's2' } });
    const same = await storage.guaranteedUpdate(key, (cur) => cur!);
    assert.equal(same.metadata.resourceVersion, created.metadata.resourceVersion, 'nothing written for a current value');
    // Mark the stored value as written by an old key.
    const kv = await raw(key);
    const old = Buffer.from(kv.value);
    old.write('x:v0:', 0);
    await client.put({ key: enc.encode(key), value: old });
    const before = await raw(key);
    const rewritten = await storage.guaranteedUpdate(key, (cur) => cur!);
    assert.ok(Number(rewritten.metadata.resourceVersion) > before.modRevision, 'a stale value is rewritten');
    assert.equal(dec.decode((await raw(key)).value.subarray(0, 5)), 'x:v1:');
    await storage.close();
  });

  it('a value the transformer cannot read is a storage error naming the key, and a list says so too', async () => {
    const storage = new Etcd3Storage({ client, transformer: xorTransformer() });
    const key = '/registry/secrets/bad/s3';
    await client.put({ key: enc.encode(key), value: enc.encode('{"metadata":{"name":"s3"},"data":{"k":"plain"}}') });
    await assert.rejects(storage.get(key, {}), (e: unknown) => e instanceof StorageError && e.code === 'invalidObject' && /cannot be decrypted/.test(e.message) && !e.message.includes('plain'));
    const list = await storage.getList('/registry/secrets/bad/', {});
    await assert.rejects(async () => {
      for await (const _ of list.items) { /* the bad value throws as it is reached */ }
    }, (e: unknown) => e instanceof StorageError && e.code === 'invalidObject');
    // A value moved to another key does not read (the key is bound in).
    const good = '/registry/secrets/bad/s4';
    await storage.create(good, { metadata: { name: 's4' } });
    await client.put({ key: enc.encode('/registry/secrets/bad/s5'), value: (await raw(good)).value });
    await assert.rejects(storage.get('/registry/secrets/bad/s5', {}), (e: unknown) => e instanceof StorageError && e.code === 'invalidObject');
    await storage.close();
  });
});
