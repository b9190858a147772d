// Watches on the shared stream, against a real single-member etcd.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EtcdClient } from '../src/client.ts';
import { FAST_ELECTION_FLAGS, startEtcd } from '../src/testing/etcd-server.ts';
import type { EtcdCluster } from '../src/testing/etcd-server.ts';
import type { WatchResponse } from '../src/watch-codec.ts';
import type { EtcdWatch } from '../src/watch.ts';
import { prefixEnd, td, te } from './helpers.ts';

let etcd: EtcdCluster;
let client: EtcdClient;

before(async () => {
  etcd = await startEtcd({ members: 1, extraFlags: FAST_ELECTION_FLAGS });
  client = EtcdClient.connect({ endpoints: etcd.endpoints });
});

after(async () => {
  client.close();
  await etcd.stop();
});

/** Collects events from `w` until `n` have arrived. */
async function takeEvents(w: EtcdWatch, n: number): Promise<{ type: string; key: string; value: string; rev: number }[]> {
  const out: { type: string; key: string; value: string; rev: number }[] = [];
  for await (const r of w) {
    for (const e of r.events) out.push({ type: e.type, key: td(e.kv.key), value: td(e.kv.value), rev: e.kv.modRevision });
    if (out.length >= n) break;
  }
  return out;
}

describe('EtcdClient.watch against etcd', () => {
  it('delivers puts and deletes on a prefix in revision order', async () => {
    const w = client.watch({ key: te('/w1/'), rangeEnd: prefixEnd('/w1/') });
    const created = await w.created;
    assert.ok(created.watchId >= 0 && created.revision > 0);
    const p1 = await client.put({ key: te('/w1/a'), value: te('1') });
    await client.put({ key: te('/other'), value: te('x') });
    await client.put({ key: te('/w1/b'), value: te('2') });
    await client.deleteRange({ key: te('/w1/a') });
    const events = await takeEvents(w, 3);
    assert.deepEqual(
      events.map((e) => [e.type, e.key, e.value]),
      [['PUT', '/w1/a', '1'], ['PUT', '/w1/b', '2'], ['DELETE', '/w1/a', '']],
    );
    assert.equal(events[0]!.rev, p1.response.header.revision);
    assert.ok(events[0]!.rev < events[1]!.rev && events[1]!.rev < events[2]!.rev);
    assert.equal(w.done, true, 'breaking out of the loop cancels the watch');
  });

  it('runs many watches on one stream, each seeing only its own keys', async () => {
    const n = 50;
    const watches = Array.from({ length: n }, (_, i) => client.watch({ key: te(`/many-w/${i}`) }));
    const ids = (await Promise.all(watches.map((w) => w.created))).map((c) => c.watchId);
    assert.equal(new Set(ids).size, n, 'distinct watch ids');
    await Promise.all(Array.from({ length: n }, (_, i) => client.put({ key: te(`/many-w/${i}`), value: te(String(i)) })));
    const got = await Promise.all(watches.map((w) => takeEvents(w, 1)));
    got.forEach((events, i) => assert.deepEqual(events.map((e) => e.value), [String(i)]));
  });

  it('replays history from startRevision and passes prevKv and filters through', async () => {
    const k = te('/replay/k');
    const r1 = await client.put({ key: k, value: te('a') });
    await client.put({ key: k, value: te('b') });
    await client.deleteRange({ key: k });
    const w = client.watch({ key: k, startRevision: r1.response.header.revision, prevKv: true, filters: { noDelete: true } });
    const responses: WatchResponse[] = [];
    for await (const r of w) {
      responses.push(r);
      if (responses.flatMap((x) => x.events).length >= 2) break;
    }
    const events = responses.flatMap((r) => r.events);
    assert.deepEqual(events.map((e) => [e.type, td(e.kv.value)]), [['PUT', 'a'], ['PUT', 'b']]);
    assert.equal(td(events[1]!.prevKv!.value), 'a');
  });

  it('yields the server\'s cancel for a compacted start revision, then ends', async () => {
    const k = te('/compacted/k');
    const r1 = await client.put({ key: k, value: te('a') });
    const r2 = await client.put({ key: k, value: te('b') });
    await client.compact({ revision: r2.response.header.revision });
    const w = client.watch({ key: k, startRevision: r1.response.header.revision });
    const all: WatchResponse[] = [];
    for await (const r of w) all.push(r);
    assert.equal(all.length, 1);
    assert.equal(all[0]!.canceled, true);
    assert.equal(all[0]!.compactRevision, r2.response.header.revision);
    assert.equal(w.done, true);
  });

  it('cancel() ends the iteration, also while the watch is still being created', async () => {
    const w = client.watch({ key: te('/cancel/k') });
    const iterated = (async () => {
      const seen: WatchResponse[] = [];
      for await (const r of w) seen.push(r);
      return seen;
    })();
    await w.created;
    await w.cancel();
    assert.deepEqual(await iterated, []);

    const early = client.watch({ key: te('/cancel/k') });
    await early.cancel();
    await assert.rejects(early.created, /canceled before it was created/);
    // The stream stays usable for later watches.
    const later = client.watch({ key: te('/cancel/later') });
    await later.created;
    await client.put({ key: te('/cancel/later'), value: te('v') });
    assert.deepEqual((await takeEvents(later, 1)).map((e) => e.value), ['v']);
  });

  it('cancels on an AbortSignal', async () => {
    const ac = new AbortController();
    const w = client.watch({ key: te('/abort/k') }, { signal: ac.signal });
    await w.created;
    ac.abort();
    await w.closed;
    assert.equal(w.done, true);
    const pre = client.watch({ key: te('/abort/k') }, { signal: AbortSignal.abort() });
    assert.equal(pre.done, true);
  });

  it('closes a watch whose consumer falls behind, after yielding what was buffered', async () => {
    const slow = EtcdClient.connect({ endpoints: etcd.endpoints, maxBufferedWatchResponses: 3 });
    try {
      const w = slow.watch({ key: te('/slow/k') });
      await w.created;
      for (let i = 0; i < 6; i++) await client.put({ key: te('/slow/k'), value: te(String(i)) });
      await w.closed;
      const seen: string[] = [];
      await assert.rejects(
        (async () => {
          for await (const r of w) for (const e of r.events) seen.push(td(e.kv.value));
        })(),
        (e: unknown) => e instanceof Error && 'reason' in e && e.reason === 'watchOverflow',
      );
      // etcd may batch revisions into one response, so the count of events can exceed the bound.
      assert.ok(seen.length >= 3 && seen.length < 6, `saw ${seen.join(',')}`);
      assert.deepEqual(seen, ['0', '1', '2', '3', '4', '5'].slice(0, seen.length));
    } finally {
      slow.close();
    }
  });

  it('ends every watch with clientClosed when the client closes', async () => {
    const c = EtcdClient.connect({ endpoints: etcd.endpoints });
    const w = c.watch({ key: te('/closing/k') });
    await w.created;
    c.close();
    await assert.rejects(
      (async () => {
        for await (const _ of w) assert.fail('no responses expected');
      })(),
      (e: unknown) => e instanceof Error && 'reason' in e && e.reason === 'clientClosed',
    );
    const after = c.watch({ key: te('/closing/k') });
    await assert.rejects(after.created, /client is closed/);
  });

  it('limits the number of open watches', async () => {
    const c = EtcdClient.connect({ endpoints: etcd.endpoints, maxWatches: 1 });
    try {
      const a = c.watch({ key: te('/limit/a') });
      const b = c.watch({ key: te('/limit/b') });
      await assert.rejects(b.created, /already has 1 watches/);
      await a.created;
      await a.cancel();
      await c.watch({ key: te('/limit/c') }).created;
    } finally {
      c.close();
    }
  });
});
