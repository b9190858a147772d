import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Cacher, type CacherOptions } from '../src/cacher/cacher.ts';
import { discardLogger } from '../src/cacher/clock.ts';
import { CacherError } from '../src/cacher/errors.ts';
import { MemoryStorage } from '../src/memory-storage.ts';
import { StorageError } from '../src/errors.ts';
import type { Storage } from '../src/interface.ts';
import { collect, FakeClock, GatedStorage, key, names, pod, Reader, until } from './cacher-helpers.ts';

const P = '/registry/pods/';

async function setup(opts: Partial<CacherOptions> & { progress?: boolean; underlying?: Storage } = {}) {
  const store = new MemoryStorage();
  const gated = new GatedStorage(store, opts.progress ?? true);
  const clock = new FakeClock();
  const cacher = new Cacher({ underlying: opts.underlying ?? gated, prefix: P, clock, logger: discardLogger, bookmarkKind: { apiVersion: 'v1', kind: 'Pod' }, ...opts });
  assert.equal(await cacher.waitUntilReady(), true);
  const synced = (): Promise<void> => until(() => cacher.revision >= store.revision, 'cache to catch up');
  return { store, gated, clock, cacher, synced };
}

const evs = (list: { type: string; object: { metadata: { name?: string; resourceVersion?: string } } }[]) => list.map((e) => `${e.type} ${e.object.metadata.name ?? ''}@${e.object.metadata.resourceVersion ?? ''}`);

describe('Cacher watch', { timeout: 10_000 }, () => {
  it('resumes from a resourceVersion inside the window, then follows live changes', async () => {
    const { store, cacher, synced } = await setup();
    for (const n of ['a', 'b', 'c']) await store.create(key(n), pod(n)); // revisions 2..4
    await synced();
    const r = new Reader(await cacher.watch(P, { resourceVersion: '2', recursive: true }));
    assert.deepEqual(evs(await r.take(2)), ['ADDED b@3', 'ADDED c@4']);
    await store.delete(key('a'));
    assert.deepEqual(evs(await r.take(1)), ['DELETED a@5']);
    assert.equal(await r.quiet(), true);
    await cacher.close();
  });

  it('a resourceVersion older than the ring gets one 410 ERROR event, and closed says resourceVersionTooOld', async () => {
    const { store, cacher, synced } = await setup({ eventCapacity: 2 });
    for (const n of ['a', 'b', 'c', 'd']) await store.create(key(n), pod(n)); // 2..5; ring keeps 4,5
    await synced();
    const w = await cacher.watch(P, { resourceVersion: '2', recursive: true });
    const r = new Reader(w);
    assert.deepEqual(await r.next(), {
      type: 'ERROR',
      object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'too old resource version: 2 (3)', reason: 'Expired', code: 410 },
    });
    assert.equal(await r.ended(), true);
    const err = await w.closed;
    assert.ok(err instanceof StorageError && err.code === 'resourceVersionTooOld' && err.revision === 3);
    // The oldest position still covered works.
    assert.deepEqual(evs(await new Reader(await cacher.watch(P, { resourceVersion: '3', recursive: true })).take(2)), ['ADDED c@4', 'ADDED d@5']);
    await cacher.close();
  });

  it('"0" sends the current state as ADDED (key order) then live; "" sends only live changes', async () => {
    const { store, cacher, synced } = await setup();
    for (const n of ['b', 'a']) await store.create(key(n), pod(n));
    await synced();
    const zero = new Reader(await cacher.watch(P, { resourceVersion: '0', recursive: true }));
    const now = new Reader(await cacher.watch(P, { recursive: true }));
    assert.deepEqual(evs(await zero.take(2)), ['ADDED a@3', 'ADDED b@2']);
    await store.create(key('c'), pod('c'));
    assert.deepEqual(evs(await zero.take(1)), ['ADDED c@4']);
    assert.deepEqual(evs(await now.take(1)), ['ADDED c@4']);
    await cacher.close();
  });

  it('a resourceVersion newer than the cache waits; if it does not arrive in time, a 504 ERROR event', async () => {
    const { store, gated, clock, cacher, synced } = await setup({ freshnessTimeoutMs: 3000 });
    await store.create(key('a'), pod('a'));
    await synced();
    gated.gate.hold();
    await store.create(key('b'), pod('b')); // revision 3, held back from the cache
    const pending = cacher.watch(P, { resourceVersion: '3', recursive: true });
    await new Promise((r) => setImmediate(r));
    gated.gate.release();
    const r = new Reader(await pending);
    await store.create(key('c'), pod('c'));
    assert.deepEqual(evs(await r.take(1)), ['ADDED c@4'], 'starts after revision 3 once the cache reached it');

    const late = cacher.watch(P, { resourceVersion: '50', recursive: true });
    let settled = false;
    void late.then(() => (settled = true));
    await new Promise((r) => setImmediate(r));
    clock.advance(2999);
    await new Promise((r) => setImmediate(r));
    assert.equal(settled, false, 'waits the full 3 s default');
    clock.advance(1);
    const w = await late;
    const ev = await new Reader(w).next();
    assert.equal(ev.type, 'ERROR');
    // kube's Status for storage.NewTooLargeResourceVersionError, as an ERROR event (newErrWatcher).
    assert.deepEqual(ev.object, {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Timeout: Too large resource version: 50, current: 4', reason: 'Timeout', code: 504,
      details: { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 },
    });
    assert.ok((await w.closed) instanceof StorageError);
    await cacher.close();
  });

  it('closes a watcher that falls behind its buffer while other watchers continue', async () => {
    const { store, cacher } = await setup({ watcherBufferEvents: 2 });
    const slow = await cacher.watch(P, { recursive: true });
    const fast = new Reader(await cacher.watch(P, { recursive: true }));
    for (const n of ['a', 'b', 'c', 'd']) await store.create(key(n), pod(n));
    assert.deepEqual(evs(await fast.take(4)), ['ADDED a@2', 'ADDED b@3', 'ADDED c@4', 'ADDED d@5']);
    const err = await slow.closed;
    assert.ok(err instanceof CacherError && err.code === 'watcherTooSlow');
    assert.equal(cacher.watcherCount, 1);
    await cacher.close();
  });

  it('predicate transitions: starts matching -> ADDED, stops -> DELETED at the change, invisible changes dropped', async () => {
    const { store, cacher } = await setup();
    const web = (o: { metadata: { labels?: Readonly<Record<string, string>> } }): boolean => o.metadata.labels?.['app'] === 'web';
    const r = new Reader(await cacher.watch(P, { recursive: true, predicate: web }));
    const relabel = (app: string, extra = {}) => store.guaranteedUpdate(key('a'), (c) => ({ ...c!, metadata: { ...c!.metadata, labels: { app } }, ...extra }));
    await store.create(key('a'), pod('a', { app: 'db' })); // 2: invisible
    await relabel('web'); // 3: ADDED
    await relabel('web', { spec: { x: 1 } }); // 4: MODIFIED
    await relabel('db'); // 5: DELETED (last matching state, at revision 5)
    await store.delete(key('a')); // 6: invisible
    const got = await r.take(3);
    assert.deepEqual(evs(got), ['ADDED a@3', 'MODIFIED a@4', 'DELETED a@5']);
    assert.equal(got[2]?.object.metadata.labels?.['app'], 'web');
    assert.equal(await r.quiet(), true);
    await cacher.close();
  });

  it('sends bookmarks on the injected clock, only to watchers that asked', async () => {
    const { store, clock, cacher, synced } = await setup({ bookmarkIntervalMs: 1000 });
    await store.create(key('a'), pod('a'));
    await synced();
    const withB = new Reader(await cacher.watch(P, { recursive: true, bookmarks: true }));
    const without = new Reader(await cacher.watch(P, { recursive: true }));
    clock.advance(999);
    assert.equal(await withB.quiet(), true);
    clock.advance(1);
    assert.deepEqual(await withB.next(), { type: 'BOOKMARK', object: { apiVersion: 'v1', kind: 'Pod', metadata: { resourceVersion: '2' } } });
    assert.equal(await without.quiet(), true);
    await cacher.close();
  });

  it('sendInitialEvents: the state as of the store revision, then the initial-events-end bookmark, then live', async () => {
    const { store, gated, cacher, synced } = await setup();
    await store.create(key('a'), pod('a'));
    await synced();
    gated.gate.hold();
    await store.create(key('b'), pod('b')); // committed, not yet in the cache
    const pending = cacher.watch(P, { recursive: true, sendInitialEvents: true, bookmarks: true });
    await new Promise((r) => setImmediate(r));
    gated.gate.release();
    const r = new Reader(await pending);
    assert.deepEqual(evs(await r.take(2)), ['ADDED a@2', 'ADDED b@3']);
    assert.deepEqual(await r.next(), {
      type: 'BOOKMARK',
      object: { apiVersion: 'v1', kind: 'Pod', metadata: { resourceVersion: '3', annotations: { 'k8s.io/initial-events-end': 'true' } } },
    });
    await store.create(key('c'), pod('c'));
    assert.deepEqual(evs(await r.take(1)), ['ADDED c@4']);
    await cacher.close();
  });

  it('abort closes a watch and unregisters it', async () => {
    const { cacher } = await setup();
    const ac = new AbortController();
    const w = await cacher.watch(P, { recursive: true, signal: ac.signal });
    ac.abort();
    assert.equal(await w.closed, undefined);
    assert.equal(cacher.watcherCount, 0);
    await cacher.close();
  });
});

describe('Cacher reads', { timeout: 10_000 }, () => {
  it('a consistent read waits for a write committed underneath', async () => {
    const { store, gated, cacher, synced } = await setup();
    await store.create(key('a'), pod('a'));
    await synced();
    gated.gate.hold();
    await store.create(key('b'), pod('b'));
    const stale = await cacher.getList(P, { resourceVersion: '0' });
    assert.deepEqual(names(await collect(stale)), ['a'], 'resourceVersion=0 is served from the cache as it is');
    const readsBefore = gated.reads;
    const pending = cacher.getList(P);
    await new Promise((r) => setImmediate(r));
    gated.gate.release();
    const fresh = await pending;
    assert.deepEqual(names(await collect(fresh)), ['a', 'b']);
    assert.equal(fresh.meta().resourceVersion, '3');
    assert.equal(gated.reads, readsBefore, 'served from the cache, not the store');
    assert.equal((await cacher.get(key('b')))?.metadata.resourceVersion, '3');
    await cacher.close();
  });

  it('a consistent read falls back to the store when the cache does not catch up in time', async () => {
    const { store, gated, clock, cacher, synced } = await setup({ freshnessTimeoutMs: 100 });
    await synced();
    gated.gate.hold();
    await store.create(key('a'), pod('a'));
    const readsBefore = gated.reads;
    const pending = cacher.getList(P);
    await new Promise((r) => setImmediate(r));
    clock.advance(100);
    assert.deepEqual(names(await collect(await pending)), ['a']);
    assert.equal(gated.reads, readsBefore + 1);
    gated.gate.release();
    await cacher.close();
  });

  it('without watch progress support, consistent reads go to the store', async () => {
    const { store, gated, cacher, synced } = await setup({ progress: false });
    await store.create(key('a'), pod('a'));
    await synced();
    const before = gated.reads;
    assert.deepEqual(names(await collect(await cacher.getList(P))), ['a']);
    assert.equal(gated.reads, before + 1);
    await cacher.close();
  });

  it('get from the cache: keyNotFound, ignoreNotFound, and a too-large resourceVersion after the wait', async () => {
    const { store, clock, cacher, synced } = await setup({ freshnessTimeoutMs: 100 });
    await store.create(key('a'), pod('a', { app: 'web' }));
    await synced();
    assert.equal((await cacher.get(key('a'), { resourceVersion: '0' }))?.metadata.labels?.['app'], 'web');
    await assert.rejects(cacher.get(key('x'), { resourceVersion: '0' }), (e: unknown) => e instanceof StorageError && e.code === 'keyNotFound');
    assert.equal(await cacher.get(key('x'), { resourceVersion: '0', ignoreNotFound: true }), undefined);
    const late = cacher.get(key('a'), { resourceVersion: '9' });
    await new Promise((r) => setImmediate(r));
    clock.advance(100);
    await assert.rejects(late, (e: unknown) => e instanceof StorageError && e.code === 'resourceVersionTooLarge' && e.message === 'Too large resource version: 9, current: 2');
    await cacher.close();
  });

  it('a list at a resourceVersion the cache has not reached waits 3 s, then too large; one it reaches in time is served', async () => {
    const { store, gated, clock, cacher, synced } = await setup();
    await store.create(key('a'), pod('a'));
    await synced();
    const late = cacher.getList(P, { resourceVersion: '9' });
    let settled = false;
    late.then(() => (settled = true), () => (settled = true));
    await new Promise((r) => setImmediate(r));
    clock.advance(2999);
    await new Promise((r) => setImmediate(r));
    assert.equal(settled, false);
    clock.advance(1);
    await assert.rejects(late, (e: unknown) => e instanceof StorageError && e.code === 'resourceVersionTooLarge' && e.message === 'Too large resource version: 9, current: 2' && e.revision === 2);

    // Another replica wrote revision 3: a client that saw it from there is served here once this cache has it.
    const readsBefore = gated.reads;
    const caughtUp = cacher.getList(P, { resourceVersion: '3' });
    await store.create(key('b'), pod('b'));
    assert.deepEqual(names(await collect(await caughtUp)), ['a', 'b']);
    assert.equal(gated.reads, readsBefore, 'served from the cache, not the store');
    await cacher.close();
  });

  it('lists: predicate from the cache; limit with RV 0 served whole; pages, Exact and continue go to the store', async () => {
    const { store, gated, cacher, synced } = await setup();
    for (const n of ['c', 'a', 'b']) await store.create(key(n), pod(n, { app: n === 'b' ? 'db' : 'web' }));
    await synced();
    const web = await cacher.getList(P, { resourceVersion: '0', predicate: (o) => o.metadata.labels?.['app'] === 'web' });
    assert.deepEqual(names(await collect(web)), ['a', 'c']);
    const before = gated.reads;
    const whole = await cacher.getList(P, { resourceVersion: '0', limit: 1 });
    assert.deepEqual(names(await collect(whole)), ['a', 'b', 'c']);
    assert.equal(whole.meta().continue, '');
    assert.equal(gated.reads, before);
    const page = await cacher.getList(P, { limit: 1 });
    assert.deepEqual(names(await collect(page)), ['a']);
    const next = await cacher.getList(P, { limit: 1, continue: page.meta().continue });
    assert.deepEqual(names(await collect(next)), ['b']);
    await cacher.getList(P, { resourceVersion: '2', resourceVersionMatch: 'Exact' });
    assert.equal(gated.reads, before + 3);
    await cacher.close();
  });

  it('writes go to the underlying storage', async () => {
    const { store, cacher } = await setup();
    await cacher.create(key('a'), pod('a'));
    await cacher.guaranteedUpdate(key('a'), (c) => ({ ...c!, spec: { x: 1 } }));
    await cacher.delete(key('a'));
    assert.equal(store.revision, 4);
    await cacher.close();
  });
});

describe('Cacher and the underlying watch', { timeout: 10_000 }, () => {
  it('a broken underlying watch is resumed from the cache revision; watchers stay open', async () => {
    const { store, clock, cacher, synced } = await setup({ retryIntervalMs: 500 });
    const r = new Reader(await cacher.watch(P, { recursive: true }));
    store.failWatches();
    await store.create(key('a'), pod('a'));
    await until(() => clock.pendingTimers === 2, 'the cacher to pause before retrying (bookmark timer + retry timer)');
    clock.advance(500);
    await synced();
    assert.deepEqual(evs(await r.take(1)), ['ADDED a@2']);
    await cacher.close();
  });

  it('after compaction past the cache it re-lists, closes watchers cleanly, and old positions get 410', async () => {
    const { store, clock, cacher, synced } = await setup({ retryIntervalMs: 500 });
    await store.create(key('a'), pod('a'));
    await synced();
    const w = await cacher.watch(P, { recursive: true });
    store.failWatches();
    await store.delete(key('a'));
    await store.create(key('b'), pod('b'));
    store.compact(store.revision);
    await until(() => clock.pendingTimers === 2, 'the cacher to pause before retrying (bookmark timer + retry timer)');
    clock.advance(500);
    assert.equal(await w.closed, undefined, 'a clean end: the client resumes from its last resourceVersion');
    await synced();
    assert.deepEqual(names(await collect(await cacher.getList(P, { resourceVersion: '0' }))), ['b']);
    const old = new Reader(await cacher.watch(P, { resourceVersion: '2', recursive: true }));
    assert.equal((await old.next()).object['code'], 410);
    await cacher.close();
  });

  it('close ends every watcher cleanly, stops the underlying watch and refuses further use', async () => {
    const { store, cacher } = await setup();
    const a = await cacher.watch(P, { recursive: true });
    const b = await cacher.watch(key('x'));
    await cacher.close();
    assert.equal(await a.closed, undefined);
    assert.equal(await b.closed, undefined);
    await until(() => store.watcherCount === 0, 'upstream watch to close');
    await assert.rejects(cacher.get(key('a'), { resourceVersion: '0' }), (e: unknown) => e instanceof StorageError && e.code === 'unreachable');
  });
});
