// Several endpoints: round-robin, a read retried on the next endpoint after
// Unavailable, writes not retried, and a watch stream that loses its member.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EtcdClient } from '../src/client.ts';
import { EtcdClientError } from '../src/errors.ts';
import { FAST_ELECTION_FLAGS, freePorts, startEtcd } from '../src/testing/etcd-server.ts';
import type { EtcdCluster } from '../src/testing/etcd-server.ts';
import { rejectsWith, td, te } from './helpers.ts';

let etcd: EtcdCluster;

async function retry<T>(fn: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
let dead: string;

before(async () => {
  etcd = await startEtcd({ members: 3, extraFlags: FAST_ELECTION_FLAGS });
  dead = `127.0.0.1:${(await freePorts(1))[0]!}`; // nothing listens here
});

after(async () => {
  await etcd.stop();
});

describe('EtcdClient with several endpoints', () => {
  it('spreads calls over every member round-robin', async () => {
    const c = EtcdClient.connect({ endpoints: etcd.endpoints });
    try {
      await c.put({ key: te('/rr/k'), value: te('v') });
      const members = new Set<bigint>();
      for (let i = 0; i < 6; i++) members.add((await c.range({ key: te('/rr/k') })).header.memberId);
      assert.equal(members.size, 3);
      const statuses = await Promise.all(etcd.endpoints.map((e) => c.status(e)));
      assert.equal(new Set(statuses.map((s) => s.header.memberId)).size, 3);
      assert.equal(new Set(statuses.map((s) => s.leader)).size, 1, 'all members agree on the leader');
      await rejectsWith(c.status('127.0.0.1:1'), 'InvalidArgument');
    } finally {
      c.close();
    }
  });

  it('retries a read once on the next endpoint, and never a write', async () => {
    const c = EtcdClient.connect({ endpoints: [dead, etcd.endpoints[0]!], requestTimeoutMs: 2_000 });
    try {
      // Calls alternate between the two endpoints: of two puts, exactly one goes to the dead one.
      const results = await Promise.allSettled([c.put({ key: te('/retry/w'), value: te('1') }), c.put({ key: te('/retry/w'), value: te('2') })]);
      const failed = results.filter((r) => r.status === 'rejected');
      assert.equal(failed.length, 1);
      const err = (failed[0] as PromiseRejectedResult).reason as { code?: string; endpoint?: string };
      assert.equal(err.code, 'Unavailable');
      assert.equal(err.endpoint, dead);
      // Reads all succeed, whichever endpoint they start on.
      const reads = await Promise.all([0, 1, 2, 3].map(() => c.range({ key: te('/retry/w') })));
      assert.ok(reads.every((r) => r.response.count === 1));
    } finally {
      c.close();
    }
  });

  it('moves a watch being created to the next endpoint when its stream is Unavailable', async () => {
    const c = EtcdClient.connect({ endpoints: [dead, etcd.endpoints[1]!] });
    try {
      const w = c.watch({ key: te('/retry/watch') }); // the first pick is the dead endpoint
      await w.created;
      const put = EtcdClient.connect({ endpoints: [etcd.endpoints[1]!] });
      try {
        await put.put({ key: te('/retry/watch'), value: te('v') });
      } finally {
        put.close();
      }
      for await (const r of w) {
        assert.equal(td(r.events[0]!.kv.value), 'v');
        break;
      }
    } finally {
      c.close();
    }
  });

  it('ends watches with Unavailable when their member dies, and a new watch uses another member', async () => {
    const victim = 2;
    const c = EtcdClient.connect({ endpoints: [etcd.endpoints[victim]!, etcd.endpoints[0]!] });
    try {
      // The first call picks the victim: the watch stream goes there.
      const w = c.watch({ key: te('/fo/k') });
      await w.created;
      await c.put({ key: te('/fo/k'), value: te('before') }); // second endpoint
      const seen: string[] = [];
      // Settled into a value at once: the rejection arrives while the kill is awaited.
      const ended = (async () => {
        for await (const r of w) for (const e of r.events) seen.push(td(e.kv.value));
      })().then(
        () => undefined,
        (e: unknown) => e,
      );
      while (seen.length < 1) await new Promise((resolve) => setTimeout(resolve, 10));
      await etcd.kill(victim);
      const err = await ended;
      assert.ok(err instanceof EtcdClientError && err.code === 'Unavailable', String(err));
      assert.deepEqual(seen, ['before']);

      const w2 = c.watch({ key: te('/fo/k') });
      await w2.created;
      // A proposal forwarded to the dead leader before the followers notice is
      // dropped and times out (etcd's behaviour): retry with a short deadline.
      const writer = EtcdClient.connect({ endpoints: [etcd.endpoints[0]!, etcd.endpoints[1]!], requestTimeoutMs: 1_000 });
      const put = await retry(() => writer.put({ key: te('/fo/k'), value: te('after') }), 10_000).finally(() => writer.close());
      for await (const r of w2) {
        assert.equal(td(r.events[0]!.kv.value), 'after');
        assert.equal(r.events[0]!.kv.modRevision, put.response.header.revision);
        break;
      }
    } finally {
      c.close();
      await etcd.restart(victim);
    }
  });
});
