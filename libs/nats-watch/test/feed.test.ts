// A watch cache fed from a real nats-server: it follows NATS once it has
// caught up, releases changes at cursor announcements, and reads the store
// whenever NATS may have lost something — a skipped cursor, a chain gap, a
// message too large for NATS, a NATS restart, announcements that stopped.
// Every case checks what a watcher of the cache sees: every change exactly
// once, in revision order.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Cacher, discardLogger, realClock, type KubeObject, type Watch, type WatchEvent } from '@logbook/apistorage';
import { startNatsServer, type NatsServerHandle } from '@logbook/nats-publisher';
import { NatsFeed, NatsWatchHub } from '../src/index.ts';
import { FakeStore } from './fake-store.ts';

let nats: NatsServerHandle;
before(async () => {
  nats = await startNatsServer();
});
after(async () => {
  await nats.stop();
});

const PREFIX = '/registry/configmaps/';
const cm = (ns: string, name: string, v: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data: { v } });
const key = (ns: string, name: string): string => `${PREFIX}${ns}/${name}`;

interface Rig extends AsyncDisposable {
  readonly store: FakeStore;
  readonly cacher: Cacher;
  readonly phases: string[];
  readonly hub: NatsWatchHub;
}

async function rig(opts: { staleAfterMs?: number } = {}): Promise<Rig> {
  const store = await FakeStore.start(nats.url);
  const phases: string[] = [];
  const hub = NatsWatchHub.start({
    servers: [nats.url], logger: discardLogger,
    ...(opts.staleAfterMs !== undefined ? { storeRevision: (s: AbortSignal) => store.storage.currentRevision(s), staleAfterMs: opts.staleAfterMs } : {}),
  });
  const feed = new NatsFeed({
    hub, logger: discardLogger, limits: { progressIntervalMs: 20 },
    store: { storage: store.storage, requestWatchProgress: (s) => store.storage.requestWatchProgress(s) },
    onPhase: (_p, phase, why) => phases.push(`${phase}: ${why}`),
  });
  const cacher = new Cacher({ underlying: store.storage, prefix: PREFIX, clock: realClock, logger: discardLogger, feed, retryIntervalMs: 20 });
  assert.equal(await cacher.waitUntilReady(), true);
  return {
    store, cacher, phases, hub,
    async [Symbol.asyncDispose]() {
      await cacher.close();
      await hub.close();
      await store.close();
    },
  };
}

async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Reads events from a watch into an array as they come. */
function collect(w: Watch): WatchEvent[] {
  const out: WatchEvent[] = [];
  void (async () => {
    for await (const ev of w) if (ev.type !== 'BOOKMARK') out.push(ev);
  })();
  return out;
}

const summary = (evs: readonly WatchEvent[]): string[] => evs.map((e) => `${e.type} ${e.object.metadata.name ?? ''} ${e.object.metadata.resourceVersion ?? ''}`);

/** Once the feed follows NATS (a cursor chain of two announcements). */
async function onNats(r: Rig): Promise<void> {
  await r.store.cursor();
  await r.store.cursor();
  await until('the feed to follow NATS', async () => {
    await r.store.cursor();
    return r.phases.at(-1)?.startsWith('nats') === true;
  });
}

test('after catching up it follows NATS: changes reach watchers only when a cursor releases them, in order, once', async () => {
  await using r = await rig();
  await r.store.put(key('a', 'x'), cm('a', 'x', '0'));
  await onNats(r);
  const w = await r.cacher.watch(PREFIX, { resourceVersion: String(r.cacher.revision), recursive: true });
  const got = collect(w);
  const p1 = await r.store.put(key('a', 'x'), cm('a', 'x', '1'));
  const p2 = await r.store.put(key('b', 'y'), cm('b', 'y', '1'));
  await new Promise((res) => setTimeout(res, 100));
  assert.equal(got.length, 0, 'published but not yet announced: held back');
  const c = await r.store.cursor();
  await until('two events', () => got.length === 2);
  assert.deepEqual(summary(got), [`MODIFIED x ${p1.revision}`, `ADDED y ${p2.revision}`]);
  await until('the cache at the cursor', () => r.cacher.revision === c);
  const d = await r.store.delete(key('a', 'x'));
  await r.store.cursor();
  await until('the deletion', () => got.length === 3);
  assert.equal(summary(got)[2], `DELETED x ${d.revision}`);
  assert.deepEqual((got[2]!.object as { data?: unknown }).data, { v: '1' }, 'a deletion carries the last state (from the cache)');
  assert.ok(!r.phases.slice(r.phases.findIndex((p) => p.startsWith('nats'))).some((p) => p.startsWith('direct')), r.phases.join('\n'));
  w.close();
});

test('a missed cursor, a gap on a subject and a message too large for NATS are read from the store', async () => {
  await using r = await rig();
  await onNats(r);
  const w = await r.cacher.watch(PREFIX, { resourceVersion: String(r.cacher.revision), recursive: true });
  const got = collect(w);
  // A change whose message is lost, and the cursor after it too: the chain shows the missed announcement.
  const lost = await r.store.put(key('a', 'lost'), cm('a', 'lost', '1'), { publish: false });
  await r.store.cursor({ send: false });
  const seen = await r.store.put(key('b', 'seen'), cm('b', 'seen', '1'));
  await r.store.cursor();
  await until('both changes', () => got.length === 2);
  assert.deepEqual(summary(got), [`ADDED lost ${lost.revision}`, `ADDED seen ${seen.revision}`]);
  assert.ok(r.phases.some((p) => p.startsWith('direct: NATS may have lost')), r.phases.join('\n'));

  await onNats(r);
  // The next message on a subject whose previous one was lost (announcements intact): a gap, ahead of the cache.
  const gone = await r.store.put(key('c', 'one'), cm('c', 'one', '1'), { publish: false });
  const next = await r.store.put(key('c', 'two'), cm('c', 'two', '1'));
  await r.store.cursor();
  await until('the gap repaired', () => got.length === 4);
  assert.deepEqual(summary(got).slice(2), [`ADDED one ${gone.revision}`, `ADDED two ${next.revision}`]);

  await onNats(r);
  const big = await r.store.put(key('d', 'big'), cm('d', 'big', 'x'.repeat(1000)), { reference: true });
  await r.store.cursor();
  await until('the referenced change', () => got.length === 5);
  assert.equal(summary(got)[4], `ADDED big ${big.revision}`);
  assert.equal((got[4]!.object as unknown as { data: { v: string } }).data.v.length, 1000);
  assert.ok(r.phases.some((p) => p.includes('too large for NATS')), r.phases.join('\n'));
  const revisions = got.map((e) => Number(e.object.metadata.resourceVersion));
  assert.deepEqual(revisions, [...revisions].sort((a, b) => a - b), 'revision order');
  w.close();
});

test('a NATS restart loses nothing: the feed reads the store, then follows NATS again', async () => {
  await using r = await rig();
  await onNats(r);
  const w = await r.cacher.watch(PREFIX, { resourceVersion: String(r.cacher.revision), recursive: true });
  const got = collect(w);
  await nats.kill();
  const during: number[] = [];
  for (let i = 0; i < 5; i++) during.push((await r.store.put(key('a', `k${i}`), cm('a', `k${i}`, '1'), { publish: false })).revision);
  await nats.restart();
  await until('all five', () => got.length === 5, 10_000);
  assert.deepEqual(got.map((e) => Number(e.object.metadata.resourceVersion)), during);
  await onNats(r);
  const after = await r.store.put(key('a', 'k9'), cm('a', 'k9', '1'));
  await r.store.cursor();
  await until('the one after', () => got.length === 6);
  assert.equal(Number(got[5]!.object.metadata.resourceVersion), after.revision);
  w.close();
});

test('when announcements stop while the store moves on, the feed reads the store', async () => {
  await using r = await rig({ staleAfterMs: 200 });
  await onNats(r);
  const w = await r.cacher.watch(PREFIX, { resourceVersion: String(r.cacher.revision), recursive: true });
  const got = collect(w);
  // The publisher is "down": changes commit, nothing reaches NATS.
  const quiet = await r.store.put(key('a', 'quiet'), cm('a', 'quiet', '1'), { publish: false });
  await until('the unpublished change', () => got.length === 1, 5_000);
  assert.equal(Number(got[0]!.object.metadata.resourceVersion), quiet.revision);
  assert.ok(r.phases.some((p) => p.startsWith('direct')), r.phases.join('\n'));
  w.close();
});

test('a change buffer over its bound is dropped and the store fills in', async () => {
  const store = await FakeStore.start(nats.url);
  const hub = NatsWatchHub.start({ servers: [nats.url], logger: discardLogger });
  const phases: string[] = [];
  const feed = new NatsFeed({
    hub, logger: discardLogger, limits: { progressIntervalMs: 20, maxBufferedMessages: 3 },
    store: { storage: store.storage, requestWatchProgress: (s) => store.storage.requestWatchProgress(s) },
    onPhase: (_p, phase, why) => phases.push(`${phase}: ${why}`),
  });
  const cacher = new Cacher({ underlying: store.storage, prefix: PREFIX, clock: realClock, logger: discardLogger, feed, retryIntervalMs: 20 });
  try {
    await cacher.waitUntilReady();
    await onNats({ store, cacher, phases, hub, [Symbol.asyncDispose]: () => Promise.resolve() });
    const w = await cacher.watch(PREFIX, { resourceVersion: String(cacher.revision), recursive: true });
    const got = collect(w);
    const writes: number[] = [];
    for (let i = 0; i < 6; i++) writes.push((await store.put(key('a', `o${i}`), cm('a', `o${i}`, '1'))).revision);
    await store.cursor();
    await until('six changes', () => got.length === 6);
    assert.deepEqual(got.map((e) => Number(e.object.metadata.resourceVersion)), writes);
    assert.ok(phases.some((p) => p.includes('buffer full')), phases.join('\n'));
    w.close();
  } finally {
    await cacher.close();
    await hub.close();
    await store.close();
  }
});

test('when the store compacted past what the cache holds, the cache relists and its watchers are closed cleanly', async () => {
  await using r = await rig({ staleAfterMs: 200 });
  await onNats(r);
  const w = await r.cacher.watch(PREFIX, { resourceVersion: String(r.cacher.revision), recursive: true });
  const got = collect(w);
  // Changes that never reach NATS, then history compacted past them: the store can no longer replay them.
  await r.store.put(key('a', 'p1'), cm('a', 'p1', '1'), { publish: false });
  const last = await r.store.put(key('a', 'p2'), cm('a', 'p2', '1'), { publish: false });
  r.store.storage.compact(last.revision);
  const end = await w.closed;
  assert.equal(end, undefined, 'a clean close the client resumes from (or gets 410 and relists)');
  await until('the cache relisted', () => r.cacher.revision >= last.revision);
  const list = await r.cacher.getList(PREFIX, { resourceVersion: '0' });
  const names: string[] = [];
  for await (const o of list.items) names.push(o.metadata.name ?? '');
  assert.ok(names.includes('p1') && names.includes('p2'), names.join(','));
  assert.equal(got.length, 0, 'the lost changes were never sent as events: the watcher was closed instead');
});
