// The store publishes committed changes to a real nats-server (--nats-url):
// a subscriber of <prefix>.> sees every acknowledged revision on its
// resource's subject, in order, with no gap its prev_revision chain can
// detect, across a SIGKILL of the leader (duplicates allowed, dropped by
// revision).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '@nats-io/transport-node';
import { CONTROL_TOKENS, classify, decodePublishedChange, startNatsServer } from '@logbook/nats-publisher';
import { PutClient } from '../src/put-client.ts';
import { withStoreCluster } from '../src/store-cluster.ts';
import { sleep, until } from '../src/until.ts';

const PREFIX = 'logbook.events';
const WRITES = 300;

test('logbook store publishes every acknowledged write to NATS, gap-free across a leader SIGKILL', async (t) => {
  const nats = await startNatsServer();
  t.after(() => nats.stop());
  await withStoreCluster(t, { impl: 'logbook', members: 3, extraFlags: ['--nats-url', nats.url] }, async (c) => {
    const nc = await connect({ servers: nats.url });
    t.after(() => nc.close());
    const lastSeen = new Map<string, number>();
    const delivered = new Map<string, number[]>();
    let gaps = 0;
    let duplicates = 0;
    const sub = nc.subscribe(`${PREFIX}.>`);
    void (async () => {
      for await (const m of sub) {
        const token = m.subject.slice(PREFIX.length + 1);
        if (token === CONTROL_TOKENS.cursor || token === CONTROL_TOKENS.reset) continue;
        const change = decodePublishedChange(m.data);
        const verdict = classify(lastSeen.get(m.subject) ?? 0, change);
        if (verdict === 'duplicate') {
          duplicates++;
          continue;
        }
        if (verdict === 'gap') gaps++;
        lastSeen.set(m.subject, change.revision);
        delivered.set(m.subject, [...(delivered.get(m.subject) ?? []), change.revision]);
      }
    })();
    await nc.flush();

    const clients = c.members.map((m) => new PutClient(m.clientUrl));
    t.after(() => clients.forEach((x) => x.close()));
    const acked = new Map<string, number[]>();
    let killed = false;
    for (let i = 0; i < WRITES; i++) {
      if (i === WRITES / 2 && !killed) {
        const leader = await c.waitForLeader(10_000);
        await leader.kill('SIGKILL');
        killed = true;
      }
      const ns = `ns${i % 3}`;
      for (;;) {
        const running = c.members.map((m, k) => [m, clients[k]!] as const).filter(([m]) => m.running);
        const [, client] = running[i % running.length]!;
        const r = await client.put(`/registry/pods/${ns}/p${i}`, `v${i}`, 2000);
        if (r.ok) {
          const subject = `${PREFIX}.pods.${ns}`;
          acked.set(subject, [...(acked.get(subject) ?? []), r.revision]);
          break;
        }
        await sleep(20);
      }
    }
    await until('every acknowledged revision to arrive over NATS', { timeoutMs: 20_000, intervalMs: 100 }, () => {
      return Promise.resolve(allArrived());
    });
    function allArrived(): true | undefined {
      for (const [subject, revisions] of acked) {
        const got = new Set(delivered.get(subject) ?? []);
        if (!revisions.every((r) => got.has(r))) return undefined;
      }
      return true;
    }
    for (const [subject, revisions] of delivered) {
      assert.deepEqual(revisions, [...revisions].sort((a, b) => a - b), `${subject}: delivered out of order`);
    }
    assert.equal(gaps, 0, 'a subscriber detected a gap');
    t.diagnostic(`NATS: ${WRITES} writes, ${duplicates} duplicate deliveries dropped by revision after the leader change`);
  });
});
