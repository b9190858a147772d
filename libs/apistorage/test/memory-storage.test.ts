import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStorage } from '../src/memory-storage.ts';
import { StorageError } from '../src/errors.ts';
import { CacherError } from '../src/cacher/errors.ts';
import { collect, FakeClock, key, names, pod, Reader } from './cacher-helpers.ts';

const P = '/registry/pods/';

function code(c: string): (err: unknown) => boolean {
  return (err) => err instanceof StorageError && err.code === c;
}

describe('MemoryStorage reads and writes', () => {
  it('creates at the next revision, sets resourceVersion on what it returns, refuses one set by the caller', async () => {
    const s = new MemoryStorage();
    assert.equal(await s.currentRevision(), 1);
    await assert.rejects(s.create(key('a'), { ...pod('a'), metadata: { ...pod('a').metadata, resourceVersion: '999' } }), (e: unknown) => code('invalidObject')(e) && (e as Error).message === 'resourceVersion should not be set on objects to be created');
    const a = await s.create(key('a'), pod('a'));
    assert.equal(a.metadata.resourceVersion, '2');
    assert.equal((await s.get(key('a')))?.metadata.resourceVersion, '2');
    await assert.rejects(s.create(key('a'), pod('a')), code('keyExists'));
    assert.equal(await s.currentRevision(), 2, 'a failed create commits nothing');
  });

  it('answers keyNotFound, or undefined with ignoreNotFound, and 504-style tooLarge for a future resourceVersion', async () => {
    const s = new MemoryStorage();
    await assert.rejects(s.get(key('x')), code('keyNotFound'));
    assert.equal(await s.get(key('x'), { ignoreNotFound: true }), undefined);
    await assert.rejects(s.get(key('x'), { resourceVersion: '50' }), (e: unknown) => code('resourceVersionTooLarge')(e) && (e as Error).message === 'Too large resource version: 50, current: 1');
  });

  it('hands out objects no caller can change', async () => {
    const s = new MemoryStorage();
    const input = pod('a', { app: 'web' });
    await s.create(key('a'), input);
    (input.metadata.labels as Record<string, string>)['app'] = 'changed';
    const got = await s.get(key('a'));
    assert.equal(got?.metadata.labels?.['app'], 'web');
    assert.throws(() => ((got?.metadata.labels as Record<string, string>)['app'] = 'x'), TypeError);
  });

  it('guaranteedUpdate: preconditions, no-op writes nothing, a concurrent write makes it retry on the new state', async () => {
    const s = new MemoryStorage();
    await s.create(key('a'), { ...pod('a'), metadata: { ...pod('a').metadata, uid: 'u1' }, spec: { n: 0 } });
    await assert.rejects(s.guaranteedUpdate(key('a'), (c) => c!, { preconditions: { uid: 'other' } }), (e: unknown) => code('preconditionFailed')(e) && /UID in precondition: other, UID in object meta: u1/.test((e as Error).message));
    await assert.rejects(s.guaranteedUpdate(key('a'), (c) => c!, { preconditions: { resourceVersion: '1' } }), code('preconditionFailed'));
    const same = await s.guaranteedUpdate(key('a'), (c) => c!);
    assert.equal(same.metadata.resourceVersion, '2');
    assert.equal(await s.currentRevision(), 2);

    let calls = 0;
    const seen: unknown[] = [];
    const updated = await s.guaranteedUpdate(key('a'), async (cur) => {
      calls += 1;
      seen.push((cur?.['spec'] as { n: number }).n);
      if (calls === 1) await s.guaranteedUpdate(key('a'), (c) => ({ ...c!, spec: { n: 10 } }));
      return { ...cur!, spec: { n: (cur?.['spec'] as { n: number }).n + 1 } };
    });
    assert.deepEqual(seen, [0, 10]);
    assert.deepEqual(updated['spec'], { n: 11 });
    assert.equal(updated.metadata.resourceVersion, '4');
    await assert.rejects(s.guaranteedUpdate(key('b'), (c) => c!), code('keyNotFound'));
    const created = await s.guaranteedUpdate(key('b'), () => pod('b'), { ignoreNotFound: true });
    assert.equal(created.metadata.resourceVersion, '5');
  });

  it('delete: preconditions, validateDeletion can refuse, returns the last state at the deletion revision', async () => {
    const s = new MemoryStorage();
    await s.create(key('a'), pod('a'));
    await assert.rejects(s.delete(key('a'), { preconditions: { resourceVersion: '7' } }), code('preconditionFailed'));
    await assert.rejects(s.delete(key('a'), { validateDeletion: () => { throw new Error('refused'); } }), /refused/);
    const last = await s.delete(key('a'));
    assert.equal(last.metadata.name, 'a');
    assert.equal(last.metadata.resourceVersion, '3');
    await assert.rejects(s.delete(key('a')), code('keyNotFound'));
  });

  it('aborted signals and a closed store are refused', async () => {
    const s = new MemoryStorage();
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(s.get(key('a'), { signal: ac.signal }), code('aborted'));
    await s.close();
    await assert.rejects(s.create(key('a'), pod('a')), code('unreachable'));
  });
});

describe('MemoryStorage lists', () => {
  async function seeded(): Promise<MemoryStorage> {
    const s = new MemoryStorage();
    for (const n of ['c', 'a', 'e', 'b', 'd']) await s.create(key(n), pod(n, { odd: String('ace'.includes(n)) }));
    await s.create('/registry/services/default/a', pod('svc'));
    return s; // revision 7
  }

  it('lists one prefix in key order at the current revision', async () => {
    const s = await seeded();
    const r = await s.getList(P);
    assert.deepEqual(names(await collect(r)), ['a', 'b', 'c', 'd', 'e']);
    assert.deepEqual(r.meta(), { resourceVersion: '7', continue: '' });
  });

  it('pages: every page at the first page revision, remainingItemCount without a predicate', async () => {
    const s = await seeded();
    const p1 = await s.getList(P, { limit: 2 });
    assert.deepEqual(names(await collect(p1)), ['a', 'b']);
    assert.equal(p1.meta().remainingItemCount, 3);
    await s.delete(key('c'));
    await s.create(key('bb'), pod('bb'));
    const p2 = await s.getList(P, { limit: 2, continue: p1.meta().continue });
    assert.deepEqual(names(await collect(p2)), ['c', 'd'], 'the page reads the old revision: no bb, c still there');
    assert.equal(p2.meta().resourceVersion, '7');
    const p3 = await s.getList(P, { limit: 2, continue: p2.meta().continue });
    assert.deepEqual(names(await collect(p3)), ['e']);
    assert.equal(p3.meta().continue, '');
  });

  it('a predicate filters a page and hides remainingItemCount', async () => {
    const s = await seeded();
    const r = await s.getList(P, { limit: 2, predicate: (o) => o.metadata.labels?.['odd'] === 'true' });
    assert.deepEqual(names(await collect(r)), ['a', 'c'], 'the page fills with matching objects');
    assert.notEqual(r.meta().continue, '');
    assert.equal(r.meta().remainingItemCount, undefined);
  });

  it('resourceVersion rules: Exact reads history, too old after compaction, too large in the future', async () => {
    const s = await seeded();
    await s.delete(key('a'));
    assert.deepEqual(names(await collect(await s.getList(P, { resourceVersion: '3', resourceVersionMatch: 'Exact' }))), ['a', 'c']);
    assert.deepEqual(names(await collect(await s.getList(P, { resourceVersion: '3' }))), ['b', 'c', 'd', 'e'], 'not-older-than reads the latest');
    s.compact(5);
    await assert.rejects(s.getList(P, { resourceVersion: '4', resourceVersionMatch: 'Exact' }), (e: unknown) => code('resourceVersionTooOld')(e) && (e as Error).message === 'The resourceVersion for the provided list is too old.');
    assert.deepEqual(names(await collect(await s.getList(P, { resourceVersion: '5', resourceVersionMatch: 'Exact' }))), ['a', 'b', 'c', 'e']);
    await assert.rejects(s.getList(P, { resourceVersion: '99' }), code('resourceVersionTooLarge'));
  });

  const badTokens: [string, string][] = [
    ['not base64 JSON', '%%%'],
    ['wrong version', Buffer.from(JSON.stringify({ v: 'x', rv: 3, start: 'a' })).toString('base64url')],
    ['no revision', Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', start: 'a' })).toString('base64url')],
    ['empty start', Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 3, start: '' })).toString('base64url')],
    ['path escape', Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 3, start: '../secrets/x' })).toString('base64url')],
  ];
  for (const [why, token] of badTokens) {
    it(`rejects a continue token: ${why}`, async () => {
      const s = await seeded();
      await assert.rejects(s.getList(P, { limit: 1, continue: token }), code('invalidContinue'));
    });
  }

  it('an expired continue token is continueExpired', async () => {
    const s = await seeded();
    const p1 = await s.getList(P, { limit: 1 });
    await s.create(key('z'), pod('z'));
    s.compact(8);
    await assert.rejects(s.getList(P, { limit: 1, continue: p1.meta().continue }), code('continueExpired'));
  });
});

describe('MemoryStorage watches', () => {
  it('replays history after a resourceVersion, then follows live changes', async () => {
    const s = new MemoryStorage();
    await s.create(key('a'), pod('a'));
    await s.create(key('b'), pod('b'));
    await s.create('/registry/services/default/x', pod('x'));
    const r = new Reader(await s.watch(P, { resourceVersion: '2', recursive: true }));
    const first = await r.next();
    assert.deepEqual([first.type, first.object.metadata.name, first.object.metadata.resourceVersion], ['ADDED', 'b', '3']);
    await s.delete(key('a'));
    const del = await r.next();
    assert.deepEqual([del.type, del.object.metadata.name, del.object.metadata.resourceVersion], ['DELETED', 'a', '5']);
    assert.equal(await r.quiet(), true);
  });

  it('"" starts from now; a single-key watch sees only its key', async () => {
    const s = new MemoryStorage();
    await s.create(key('a'), pod('a'));
    const r = new Reader(await s.watch(key('a')));
    await s.create(key('ab'), pod('ab'));
    await s.guaranteedUpdate(key('a'), (c) => ({ ...c!, spec: { x: 1 } }));
    const ev = await r.next();
    assert.deepEqual([ev.type, ev.object.metadata.name], ['MODIFIED', 'a']);
    assert.equal(await r.quiet(), true);
  });

  it('a compacted resourceVersion gets one 410 ERROR event and the watch ends', async () => {
    const s = new MemoryStorage();
    await s.create(key('a'), pod('a'));
    await s.create(key('b'), pod('b'));
    s.compact(3);
    const w = await s.watch(P, { resourceVersion: '2', recursive: true });
    const r = new Reader(w);
    assert.deepEqual(await r.next(), {
      type: 'ERROR',
      object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'too old resource version: 2 (3)', reason: 'Expired', code: 410 },
    });
    assert.equal(await r.ended(), true);
    const err = await w.closed;
    assert.ok(err instanceof StorageError && err.code === 'resourceVersionTooOld');
  });

  it('a watcher that falls behind its buffer is ended with watcherTooSlow; others are unaffected', async () => {
    const s = new MemoryStorage({ watchBufferEvents: 2 });
    const slow = await s.watch(P, { recursive: true });
    const fast = new Reader(await s.watch(P, { recursive: true }));
    for (const n of ['a', 'b', 'c']) {
      await s.create(key(n), pod(n));
      await fast.next();
    }
    const err = await slow.closed;
    assert.ok(err instanceof CacherError && err.code === 'watcherTooSlow');
    assert.equal(s.watcherCount, 1);
  });

  it('history beyond maxHistoryEvents is compacted away', async () => {
    const s = new MemoryStorage({ maxHistoryEvents: 2 });
    for (const n of ['a', 'b', 'c']) await s.create(key(n), pod(n));
    assert.equal(s.compactRevision, 2);
    const r = new Reader(await s.watch(P, { resourceVersion: '1', recursive: true }));
    assert.equal((await r.next()).type, 'ERROR');
  });

  it('"0" watches from now, like ""; a resourceVersion that is not a revision is refused', async () => {
    const s = new MemoryStorage();
    await s.create(key('a'), pod('a'));
    const r = new Reader(await s.watch(P, { resourceVersion: '0', recursive: true }));
    assert.equal(await r.quiet(), true, 'no replay of history before now');
    await s.create(key('b'), pod('b'));
    assert.equal((await r.next()).object.metadata.name, 'b');
    for (const bad of ['x', '-1', '1e3']) await assert.rejects(s.watch(P, { resourceVersion: bad, recursive: true }), code('invalidResourceVersion'));
  });

  it('sendInitialEvents reads the current state: a compacted resourceVersion is fine, a future one is too large', async () => {
    const s = new MemoryStorage();
    await s.create(key('a'), pod('a'));
    await s.create(key('b'), pod('b'));
    s.compact(3);
    const r = new Reader(await s.watch(P, { resourceVersion: '2', recursive: true, sendInitialEvents: true, bookmarks: true }));
    assert.deepEqual((await r.take(3)).map((e) => [e.type, e.object.metadata.resourceVersion]), [['ADDED', '2'], ['ADDED', '3'], ['BOOKMARK', '3']]);
    await assert.rejects(s.watch(P, { resourceVersion: '9', recursive: true, sendInitialEvents: true }), code('resourceVersionTooLarge'));
  });

  it('a watch from a future resourceVersion sees only changes after it', async () => {
    const s = new MemoryStorage();
    const r = new Reader(await s.watch(P, { resourceVersion: '3', recursive: true }));
    await s.create(key('a'), pod('a')); // revision 2
    await s.create(key('b'), pod('b')); // revision 3
    await s.create(key('c'), pod('c')); // revision 4
    const ev = await r.next();
    assert.deepEqual([ev.object.metadata.name, ev.object.metadata.resourceVersion], ['c', '4']);
    assert.equal(await r.quiet(), true);
  });

  it('progress notify: each tick, idle watches with bookmarks get a BOOKMARK at the current revision', async () => {
    const clock = new FakeClock();
    const s = new MemoryStorage({ clock, progressNotifyIntervalMs: 100 });
    const plain = new Reader(await s.watch(P, { recursive: true }));
    assert.equal(clock.pendingTimers, 0, 'no timer without a watch that wants bookmarks');
    const idle = new Reader(await s.watch('/registry/services/', { recursive: true, bookmarks: true }));
    const busy = new Reader(await s.watch(P, { recursive: true, bookmarks: true }));
    assert.equal(clock.pendingTimers, 1, 'one timer for the whole store');
    await s.create(key('a'), pod('a')); // revision 2: busy sees it, idle does not
    clock.advance(99);
    assert.equal(await idle.quiet(), true);
    clock.advance(1);
    assert.deepEqual(await idle.next(), { type: 'BOOKMARK', object: { metadata: { resourceVersion: '2' } } });
    assert.equal((await busy.next()).type, 'ADDED');
    assert.equal(await busy.quiet(), true, 'a watch sent an event since the last tick gets no bookmark');
    assert.equal((await plain.next()).type, 'ADDED');
    clock.advance(100);
    assert.deepEqual(await busy.next(), { type: 'BOOKMARK', object: { metadata: { resourceVersion: '2' } } });
    assert.equal((await idle.next()).type, 'BOOKMARK');
    assert.equal(await plain.quiet(), true, 'a watch without bookmarks never gets one');
    await s.close();
    assert.equal(clock.pendingTimers, 0, 'close stops the timer');
  });

  it('progress notify stops when the last watch with bookmarks ends, and 0 turns it off', async () => {
    const clock = new FakeClock();
    const s = new MemoryStorage({ clock, progressNotifyIntervalMs: 100 });
    const w = await s.watch(P, { recursive: true, bookmarks: true });
    assert.equal(clock.pendingTimers, 1);
    w.close();
    assert.equal(clock.pendingTimers, 0);
    const off = new MemoryStorage({ clock, progressNotifyIntervalMs: 0 });
    const r = new Reader(await off.watch(P, { recursive: true, bookmarks: true }));
    assert.equal(clock.pendingTimers, 0);
    await off.requestWatchProgress();
    assert.equal((await r.next()).type, 'BOOKMARK', 'an explicit progress request still answers');
    assert.throws(() => new MemoryStorage({ progressNotifyIntervalMs: -1 }), RangeError);
  });

  it('abort closes a watch cleanly and unregisters it', async () => {
    const s = new MemoryStorage();
    const ac = new AbortController();
    const w = await s.watch(P, { recursive: true, signal: ac.signal });
    ac.abort();
    assert.equal(await w.closed, undefined);
    assert.equal(s.watcherCount, 0);
  });
});
