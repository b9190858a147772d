// A follower that fell behind the leader's compacted log is sent a snapshot:
// in Logbook that is an LMDB copy of the leader's database streamed from disk
// into a copy file on the follower, which installs it and replays the log
// after it. The Raft snapshot files themselves stay small (they only name the
// copy). Checks: the follower serves every acknowledged write, the members
// agree byte for byte (HashKV), and the snapshot state lives in `snap-db`,
// not in the WAL's snapshot files. Logbook only (etcd's layout differs).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { etcdctlJson, memberStatuses } from '../src/etcdctl-assert.ts';
import { arrayField, asInt, field, keyValue } from '../src/etcd-json.ts';
import { PutClient } from '../src/put-client.ts';
import { withStoreCluster } from '../src/store-cluster.ts';
import { until } from '../src/until.ts';

const keyOf = (i: number): string => `sc/${String(i).padStart(4, '0')}`;
const valueOf = (i: number): string => `v${i}-${'x'.repeat(2000)}`;

function filesUnder(dir: string): { readonly name: string; readonly bytes: number }[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => ({ name: join(e.parentPath, e.name), bytes: statSync(join(e.parentPath, e.name)).size }));
}

test('logbook: a follower behind the compacted log installs the leader\'s LMDB copy and catches up', { timeout: 90_000 }, async (t) => {
  const flags = ['--snapshot-count', '60', '--experimental-snapshot-catchup-entries', '10'];
  await withStoreCluster(t, { impl: 'logbook', members: 3, extraFlags: flags }, async (c) => {
    const leader = await c.waitForLeader(10_000);
    const victim = c.members.find((m) => m.name !== leader.name)!;
    const client = new PutClient(leader.clientUrl);
    try {
      for (let i = 0; i < 50; i++) assert.ok((await client.put(keyOf(i), valueOf(i), 2_000)).ok);
      await victim.kill('SIGKILL');
      // Several snapshots while it is down: the leader's log no longer reaches back to it.
      for (let i = 50; i < 400; i++) assert.ok((await client.put(keyOf(i), valueOf(i), 2_000)).ok);
    } finally {
      client.close();
    }

    const leaderCopies = filesUnder(join(leader.dataDir, 'member', 'snap-db'));
    assert.ok(leaderCopies.some((f) => f.bytes > 400 * 2000), `the leader keeps its state as an LMDB copy: ${JSON.stringify(leaderCopies)}`);
    const raftSnapshots = filesUnder(join(leader.dataDir, 'member', 'wal', 'snap'));
    assert.ok(raftSnapshots.length > 0);
    for (const f of raftSnapshots) assert.ok(f.bytes < 4096, `a Raft snapshot file holds only the copy's descriptor: ${f.name} is ${f.bytes} bytes`);

    await victim.restart();
    const revision = await until('the follower to catch up', { timeoutMs: 30_000, intervalMs: 100 }, async () => {
      const s = await memberStatuses(c);
      if (s === undefined || s.length !== 3) return undefined;
      return new Set(s.map((x) => x.revision)).size === 1 && new Set(s.map((x) => x.applied)).size === 1 ? s[0]!.revision : undefined;
    });
    const logs = c.logs(400);
    assert.match(logs, /raft transport: snapshot received/);
    assert.match(logs, /store state restored from snapshot/);
    const received = filesUnder(join(victim.dataDir, 'member', 'snap-db'));
    assert.ok(received.some((f) => f.bytes > 300 * 2000), `the follower holds the received copy: ${JSON.stringify(received)}`);

    const local = await etcdctlJson(c, ['get', 'sc/', '--prefix', '--consistency=s', '--keys-only'], { endpoints: [victim.clientUrl] });
    assert.equal(arrayField(local, 'kvs').map(keyValue).length, 400);
    const one = await etcdctlJson(c, ['get', keyOf(7), '--consistency=s'], { endpoints: [victim.clientUrl] });
    assert.equal(keyValue(arrayField(one, 'kvs')[0]).value, valueOf(7));

    const hashes = await etcdctlJson(c, ['endpoint', 'hashkv', `--rev=${revision}`]);
    assert.ok(Array.isArray(hashes) && hashes.length === 3);
    const distinct = new Set(hashes.map((h) => asInt(field(field(h, 'HashKV'), 'hash'), 'hash')));
    assert.equal(distinct.size, 1, `HashKV at revision ${revision} differs between members`);
  });
});
