// Bad input through etcdctl against a 3-member store: each request is
// refused with etcd's own message and exit code, and changes nothing (the
// revision stays where it was). The messages and codes are etcd 3.4's
// (STORE_IMPL=etcd checks them); Logbook's store must answer the same.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { currentRevision, etcdctlFails, etcdctlJson, etcdctlOk } from '../src/etcdctl-assert.ts';
import { asBigInt, field, leaseHex } from '../src/etcd-json.ts';
import { withStoreCluster, type StoreCluster } from '../src/store-cluster.ts';
import { implsUnderTest } from '../src/store-impls.ts';

/** etcd's default --max-request-bytes (1.5 MiB); gRPC itself admits 512 KiB more, so the store must check. */
const MAX_REQUEST_BYTES = 1.5 * 1024 * 1024;
/** A lease id nobody granted (etcdctl reads lease ids as hex). */
const UNKNOWN_LEASE = '1234';

/** Runs `attempt`, then asserts the store's revision did not move. */
async function changesNothing(c: StoreCluster, attempt: () => Promise<unknown>): Promise<void> {
  const before = await currentRevision(c);
  await attempt();
  assert.equal(await currentRevision(c), before, 'a refused request must not advance the revision');
}

async function leaseIds(c: StoreCluster): Promise<bigint[]> {
  const list = await etcdctlJson(c, ['lease', 'list']);
  const leases = field(list, 'leases');
  return Array.isArray(leases) ? leases.map((l) => asBigInt(field(l, 'id'), 'id')).sort() : [];
}

for (const impl of implsUnderTest()) {
  test(`bad input through etcdctl against a 3-member ${impl} store`, { timeout: 60_000 }, async (t) => {
    await withStoreCluster(t, { impl, members: 3 }, async (c, step) => {
      await etcdctlOk(c, ['put', 'bad/k', 'v']);

      await step('a value over --max-request-bytes: "request is too large"', async () => {
        // etcdctl put reads the value from stdin when only the key is given.
        await changesNothing(c, () =>
          etcdctlFails(c, ['put', 'bad/big'], { code: 1, error: 'etcdserver: request is too large' }, { stdin: 'x'.repeat(MAX_REQUEST_BYTES + 64 * 1024) }),
        );
        assert.equal(await etcdctlOk(c, ['get', 'bad/big']), '');
        // Well under the limit is fine.
        assert.equal(await etcdctlOk(c, ['put', 'bad/large'], { stdin: 'y'.repeat(MAX_REQUEST_BYTES / 2) }), 'OK\n');
      });

      await step('an unknown lease: revoke, keep-alive, put --lease fail; timetolive reports it expired', async () => {
        const leasesBefore = await leaseIds(c);
        await changesNothing(c, async () => {
          await etcdctlFails(c, ['lease', 'revoke', UNKNOWN_LEASE], { code: 1, error: 'failed to revoke lease (etcdserver: requested lease not found)' });
          // etcdctl turns the server's TTL 0 answer into this error, and exits 2.
          await etcdctlFails(c, ['lease', 'keep-alive', '--once', UNKNOWN_LEASE], { code: 2, error: 'etcdserver: requested lease not found' });
          await etcdctlFails(c, ['put', `--lease=${UNKNOWN_LEASE}`, 'bad/leased', 'v'], { code: 1, error: 'etcdserver: requested lease not found' });
          // TimeToLive of an unknown lease is not an error: TTL -1, no grant.
          assert.equal(await etcdctlOk(c, ['lease', 'timetolive', UNKNOWN_LEASE]), `lease ${leaseHex(0x1234n)} already expired\n`);
          const ttl = await etcdctlJson(c, ['lease', 'timetolive', UNKNOWN_LEASE, '--keys']);
          assert.deepEqual([asBigInt(field(ttl, 'id'), 'id'), field(ttl, 'ttl'), field(ttl, 'granted-ttl'), field(ttl, 'keys')], [0x1234n, -1, 0, null]);
        });
        assert.deepEqual(await leaseIds(c), leasesBefore, 'no lease was created');
        assert.equal(await etcdctlOk(c, ['get', 'bad/leased']), '');
      });

      await step('txn with the same key twice in one branch: "duplicate key given in txn request"', async () => {
        const duplicate = { code: 1, error: 'etcdserver: duplicate key given in txn request' };
        await changesNothing(c, async () => {
          await etcdctlFails(c, ['txn'], duplicate, { stdin: '\nput bad/d 1\nput bad/d 2\n\n\n' });
          await etcdctlFails(c, ['txn'], duplicate, { stdin: 'value("bad/k") = "v"\n\nput bad/d 1\ndel bad/d\n\n\n' });
          // In the failure branch too, even though the success branch is the one taken.
          await etcdctlFails(c, ['txn'], duplicate, { stdin: 'value("bad/k") = "v"\n\nput bad/e 1\n\nput bad/d 1\nput bad/d 2\n\n' });
        });
        assert.equal(await etcdctlOk(c, ['get', 'bad/', '--prefix', '--keys-only']), 'bad/k\n\nbad/large\n\n');
      });

      await step('get --rev in the future or below the compaction; compaction out of range', async () => {
        const future = { code: 1, error: 'etcdserver: mvcc: required revision is a future revision' };
        const compacted = { code: 1, error: 'etcdserver: mvcc: required revision has been compacted' };
        await etcdctlOk(c, ['put', 'bad/k', 'v2']);
        const r = await currentRevision(c);
        assert.equal(await etcdctlOk(c, ['compaction', String(r - 1)]), `compacted revision ${r - 1}\n`);
        await changesNothing(c, async () => {
          await etcdctlFails(c, ['get', 'bad/k', `--rev=${r + 1}`], future);
          await etcdctlFails(c, ['get', 'bad/k', `--rev=${r + 1000}`, '-w', 'json'], future);
          await etcdctlFails(c, ['get', 'bad/k', `--rev=${r - 2}`], compacted);
          await etcdctlFails(c, ['compaction', String(r - 2)], compacted);
          await etcdctlFails(c, ['compaction', String(r - 1)], compacted);
          await etcdctlFails(c, ['compaction', String(r + 1)], future);
          await etcdctlFails(c, ['endpoint', 'hashkv', `--rev=${r - 2}`], compacted);
        });
        assert.equal(await etcdctlOk(c, ['get', 'bad/k', `--rev=${r}`]), 'bad/k\nv2\n');
      });

      await step('watch from a compacted revision is canceled by the server', async () => {
        const r = await currentRevision(c);
        const result = await c.etcdctl(['watch', 'bad/k', '--rev=1'], { timeoutMs: 10_000 });
        assert.equal(result.code, 5, result.stderr);
        assert.match(result.stderr, /^watch was canceled \(etcdserver: mvcc: required revision has been compacted\)$/m);
        assert.match(result.stderr, /^Error: watch is canceled by the server$/m);
        assert.equal(await currentRevision(c), r);
      });

      await step('put --ignore-value on a missing key: "key not found"', async () => {
        await changesNothing(c, () => etcdctlFails(c, ['put', 'bad/missing', '--ignore-value'], { code: 1, error: 'etcdserver: key not found' }));
        assert.equal(await etcdctlOk(c, ['get', 'bad/missing']), '');
        // On an existing key it keeps the value and still makes a new revision.
        const r = await currentRevision(c);
        assert.equal(await etcdctlOk(c, ['put', 'bad/k', '--ignore-value']), 'OK\n');
        assert.equal(await currentRevision(c), r + 1);
        assert.equal(await etcdctlOk(c, ['get', 'bad/k']), 'bad/k\nv2\n');
      });
    });
  });
}
