// Logbook's store commits its backend (LMDB) without fsync: the Raft WAL and
// snapshots are the durable record. After a machine crash the backend file
// may be torn, so a member that finds the `unsynced` marker of another boot
// discards its backend and rebuilds it from its own snapshot copy and WAL. This
// test plays the crash: SIGKILL a follower, make its marker name another
// boot (what a reboot looks like), restart it, and check it serves every
// acknowledged write and agrees with the others byte for byte (HashKV).
// Logbook only: etcd's bbolt has no such marker.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { etcdctlJson, memberStatuses } from '../src/etcdctl-assert.ts';
import { arrayField, asInt, field, keyValue } from '../src/etcd-json.ts';
import { PutClient } from '../src/put-client.ts';
import { withStoreCluster } from '../src/store-cluster.ts';
import { until } from '../src/until.ts';

const keyOf = (i: number): string => `mc/${String(i).padStart(4, '0')}`;

async function putAll(client: PutClient, from: number, to: number): Promise<void> {
  for (let i = from; i < to; i++) {
    const r = await client.put(keyOf(i), `v${i}`, 2_000);
    assert.ok(r.ok, `put ${keyOf(i)} failed`);
  }
}

test('logbook: after a machine crash a member rebuilds its unsynced backend from its snapshot and WAL', { timeout: 60_000 }, async (t) => {
  // A small snapshot count: the rebuild starts from a Raft snapshot, then replays the WAL after it.
  await withStoreCluster(t, { impl: 'logbook', members: 3, extraFlags: ['--snapshot-count', '40'] }, async (c) => {
    const leader = await c.waitForLeader(10_000);
    const victim = c.members.find((m) => m.name !== leader.name)!;
    const client = new PutClient(leader.clientUrl);
    try {
      await putAll(client, 0, 150);
      await victim.kill('SIGKILL');
      const marker = join(victim.dataDir, 'member', 'db', 'unsynced');
      assert.ok(existsSync(marker), 'a running member keeps the unsynced marker');
      writeFileSync(marker, 'a-boot-before-the-crash\n');
      await putAll(client, 150, 200);
    } finally {
      client.close();
    }

    await victim.restart();
    const revision = await until('the rebuilt member to catch up', { timeoutMs: 20_000, intervalMs: 100 }, async () => {
      const s = await memberStatuses(c);
      if (s === undefined || s.length !== 3) return undefined;
      return new Set(s.map((x) => x.revision)).size === 1 && new Set(s.map((x) => x.applied)).size === 1 ? s[0]!.revision : undefined;
    });
    assert.match(c.logs(200), /discarded; rebuilding it from the newest snapshot and the WAL/);
    // The rebuild started from the member's own LMDB copy (the Raft snapshot only names it).
    assert.match(c.logs(200), /store state restored from snapshot/);

    const local = await etcdctlJson(c, ['get', 'mc/', '--prefix', '--consistency=s'], { endpoints: [victim.clientUrl] });
    const kvs = arrayField(local, 'kvs').map(keyValue);
    assert.equal(kvs.length, 200);
    for (const kv of kvs) assert.equal(kv.value, `v${Number(kv.key.slice(3))}`);

    const hashes = await etcdctlJson(c, ['endpoint', 'hashkv', `--rev=${revision}`]);
    assert.ok(Array.isArray(hashes) && hashes.length === 3);
    const distinct = new Set(hashes.map((h) => asInt(field(field(h, 'HashKV'), 'hash'), 'hash')));
    assert.equal(distinct.size, 1, `HashKV at revision ${revision} differs between members`);
  });
});
