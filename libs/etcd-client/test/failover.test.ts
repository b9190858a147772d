// Several endpoints: round-robin, a read retried on the next endpoint after
// Unavailable, a write retried only when it never left the client, and a
// watch stream that loses its member.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { ETCD_SERVICES } from '@logbook/etcd-api';
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

  it('retries a read once on the next endpoint, and a write only when it was never sent', async () => {
    const c = EtcdClient.connect({ endpoints: [dead, etcd.endpoints[0]!], requestTimeoutMs: 2_000 });
    try {
      // Calls alternate between the two endpoints: one of two puts starts on the dead one, where nothing
      // listens ("No connection established": it never left this process), and goes on to the live one.
      const results = await Promise.allSettled([c.put({ key: te('/retry/w'), value: te('1') }), c.put({ key: te('/retry/w'), value: te('2') })]);
      assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled']);
      // Reads all succeed, whichever endpoint they start on.
      const reads = await Promise.all([0, 1, 2, 3].map(() => c.range({ key: te('/retry/w') })));
      assert.ok(reads.every((r) => r.response.count === 1));
    } finally {
      c.close();
    }
  });

  it('never retries a write a member received and answered Unavailable (it may have been applied)', async () => {
    const server = new grpc.Server();
    let calls = 0;
    const put = ETCD_SERVICES['etcdserverpb.KV']!.find((m) => m.name === 'Put')!;
    const id = (b: Buffer): Buffer => b;
    server.addService({ Put: { path: put.path, requestStream: false, responseStream: false, requestSerialize: id, requestDeserialize: id, responseSerialize: id, responseDeserialize: id } }, {
      Put: (_call: unknown, cb: grpc.sendUnaryData<Buffer>) => {
        calls++;
        cb({ code: grpc.status.UNAVAILABLE, details: 'etcdserver: leader changed' });
      },
    });
    const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
    const c = EtcdClient.connect({ endpoints: [`127.0.0.1:${port}`, etcd.endpoints[0]!], requestTimeoutMs: 2_000 });
    try {
      const err = await c.put({ key: te('/retry/x'), value: te('1') }).then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof EtcdClientError && err.code === 'Unavailable' && err.details === 'etcdserver: leader changed', String(err));
      assert.equal(calls, 1);
      assert.equal((await c.range({ key: te('/retry/x') })).response.count, 0, 'not sent again elsewhere');
    } finally {
      c.close();
      server.forceShutdown();
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
