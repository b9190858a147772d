// The NOSPACE alarm as etcd runs it: a member whose database passes
// --quota-backend-bytes refuses the write and raises its alarm through the
// Raft log, so every member lists it and refuses writes (puts, lease grants,
// transactions that write) while reads and deletes go on, until `etcdctl
// alarm disarm` clears it everywhere. Logbook only: the quota figures are
// LMDB's.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { etcdctlFails, etcdctlJson, etcdctlOk } from '../src/etcdctl-assert.ts';
import { asBigInt, field } from '../src/etcd-json.ts';
import { PutClient } from '../src/put-client.ts';
import { withStoreCluster } from '../src/store-cluster.ts';
import { until } from '../src/until.ts';

const NOSPACE = 'etcdserver: mvcc: database space exceeded';

test('logbook: NOSPACE is raised through the log: every member lists it and refuses writes until it is disarmed', { timeout: 60_000 }, async (t) => {
  await withStoreCluster(t, { impl: 'logbook', members: 3, extraFlags: ['--quota-backend-bytes', String(2 * 1024 * 1024)] }, async (c) => {
    const leader = await c.waitForLeader(10_000);
    const [writer, other] = [leader, c.members.find((m) => m.name !== leader.name)!];
    const client = new PutClient(writer.clientUrl);
    let refusedAt = -1;
    try {
      for (let i = 0; i < 400 && refusedAt < 0; i++) {
        const r = await client.put(`ns/${i}`, 'x'.repeat(64 * 1024), 5_000);
        if (!r.ok) {
          assert.equal(r.code, 'RESOURCE_EXHAUSTED');
          assert.equal(r.details, NOSPACE);
          refusedAt = i;
        }
      }
    } finally {
      client.close();
    }
    assert.ok(refusedAt > 0, 'the quota was reached');

    // The member that took the writes raised its alarm; it is in every member's state.
    const status = await etcdctlJson(c, ['endpoint', 'status'], { endpoints: [writer.clientUrl] });
    assert.ok(Array.isArray(status));
    const writerId = asBigInt(field(field(field(status[0], 'Status'), 'header'), 'member_id'), 'member_id');
    for (const m of c.members) {
      const listed = await until(`${m.name} to list the alarm`, { timeoutMs: 10_000, intervalMs: 100 }, async () => {
        const out = await etcdctlOk(c, ['alarm', 'list'], { endpoints: [m.clientUrl] });
        return out.includes(`memberID:${writerId} alarm:NOSPACE`) ? out : undefined;
      });
      assert.match(listed, /alarm:NOSPACE/);
    }

    // Writes are refused through any member; reads and deletes still work.
    await etcdctlFails(c, ['put', 'ns/more', 'v'], { code: 1, error: NOSPACE }, { endpoints: [other.clientUrl] });
    await etcdctlFails(c, ['lease', 'grant', '60'], { code: 1, error: `failed to grant lease (${NOSPACE})` }, { endpoints: [other.clientUrl] });
    assert.match(await etcdctlOk(c, ['get', 'ns/0', '--keys-only'], { endpoints: [other.clientUrl] }), /ns\/0/);
    assert.match(await etcdctlOk(c, ['del', 'ns/0'], { endpoints: [other.clientUrl] }), /^1/);

    // Disarming clears every listed alarm on every member.
    await etcdctlOk(c, ['alarm', 'disarm'], { endpoints: [other.clientUrl] });
    for (const m of c.members) {
      await until(`${m.name} to clear the alarm`, { timeoutMs: 10_000, intervalMs: 100 }, async () => {
        const out = await etcdctlOk(c, ['alarm', 'list'], { endpoints: [m.clientUrl] });
        return out.trim() === '' ? true : undefined;
      });
    }
  });
});
