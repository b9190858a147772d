import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MVCC_MESSAGES } from '@logbook/mvcc';
import { WatchError, type WatchResponse } from '../src/index.ts';
import { ManualTicker, Rig, b, drain, eventsOf, fmtEvent } from './helpers.ts';

test('create answers with a created response carrying the watch id and current revision', () => {
  const rig = new Rig();
  rig.put('a', '1');
  const w = rig.hub.create({ key: b('a') });
  const w2 = rig.hub.create({ key: b('a'), watchId: 7 });
  assert.deepEqual(drain(w), [{ header: { revision: 2 }, watchId: 0, created: true, canceled: false, compactRevision: 0, cancelReason: '', fragment: false, events: [] }]);
  assert.equal(drain(w2)[0]?.watchId, 7);
  assert.equal(rig.hub.create({ key: b('a') }).id, 1);
  assert.throws(() => rig.hub.create({ key: b('a'), watchId: 7 }), (e: unknown) => e instanceof WatchError && e.kind === 'duplicateWatchId' && e.code === 'AlreadyExists');
  // Ids are per stream.
  assert.equal(rig.hub.create({ key: b('a'), watchId: 7, streamId: 's2' }).id, 7);
  assert.throws(() => rig.hub.create({ key: b('') }), { kind: 'emptyKey' });
});

test('live PUT and DELETE events, one response per revision, prevKv only when asked', () => {
  const rig = new Rig();
  const w = rig.hub.create({ key: b('a') });
  const wp = rig.hub.create({ key: b('a'), prevKv: true });
  drain(w); drain(wp);
  rig.put('a', '1');
  rig.put('b', 'x');
  rig.put('a', '2');
  rig.del('a');
  const rs = drain(w);
  assert.deepEqual(rs.map((r) => [r.header.revision, r.events.map(fmtEvent)]), [
    [2, ['PUT a=1@2']], [4, ['PUT a=2@4']], [5, ['DELETE a@5']],
  ]);
  assert.deepEqual(eventsOf(drain(wp)), ['PUT a=1@2', 'PUT a=2@4 (prev 1)', 'DELETE a@5 (prev 2)']);
});

test('prefix, range and from-key watchers see only their keys', () => {
  const rig = new Rig();
  const prefix = rig.hub.create({ key: b('p/'), rangeEnd: b('p0') });
  const range = rig.hub.create({ key: b('b'), rangeEnd: b('d') });
  const fromKey = rig.hub.create({ key: b('c'), rangeEnd: new Uint8Array([0]) });
  for (const w of [prefix, range, fromKey]) drain(w);
  rig.apply({ type: 'txn', request: { success: ['a', 'b', 'c', 'd', 'p/1', 'p/2', 'q'].map((k) => ({ type: 'put', request: { key: b(k), value: b('v') } })) } });
  assert.deepEqual(eventsOf(drain(prefix)), ['PUT p/1=v@2', 'PUT p/2=v@2']);
  assert.deepEqual(eventsOf(drain(range)), ['PUT b=v@2', 'PUT c=v@2']);
  assert.deepEqual(eventsOf(drain(fromKey)), ['PUT c=v@2', 'PUT d=v@2', 'PUT p/1=v@2', 'PUT p/2=v@2', 'PUT q=v@2']);
});

test('noPut / noDelete filters; a revision filtered to nothing sends nothing', () => {
  const rig = new Rig();
  const noPut = rig.hub.create({ key: b('a'), filters: { noPut: true } });
  const noDel = rig.hub.create({ key: b('a'), filters: { noDelete: true } });
  drain(noPut); drain(noDel);
  rig.put('a', '1');
  rig.del('a');
  rig.put('a', '2');
  assert.deepEqual(drain(noPut).map((r) => r.events.map(fmtEvent)), [['DELETE a@3']]);
  assert.deepEqual(drain(noDel).map((r) => r.events.map(fmtEvent)), [['PUT a=1@2'], ['PUT a=2@4']]);
});

test('start at an old revision replays history in chunks, then continues live without gaps or duplicates', () => {
  const rig = new Rig({ catchUpChunkEvents: 2 });
  for (let i = 1; i <= 9; i++) rig.put(`k${i % 3}`, `${i}`); // revisions 2..10
  const w = rig.hub.create({ key: b('k'), rangeEnd: b('l'), startRevision: 4 });
  const seen: WatchResponse[] = [];
  // Interleave: read one response, then publish more, while still catching up.
  let i = 10;
  for (let step = 0; step < 12; step++) {
    const r = w.poll();
    if (r !== undefined) seen.push(r);
    if (step % 2 === 0) rig.put(`k${i % 3}`, `${i++}`);
  }
  seen.push(...drain(w));
  assert.equal(w.state, 'synced');
  const revs = seen.flatMap((r) => r.events.map((e) => e.kv.modRevision));
  const expected = rig.log.filter((e) => e.kv.modRevision >= 4).map((e) => e.kv.modRevision);
  assert.deepEqual(revs, expected);
  // Catch-up responses hold whole revisions and at most a chunk's worth.
  assert.ok(seen.filter((r) => r.events.length > 0).every((r) => r.events.length <= 2));
  // Header revision never goes below the events it carries.
  for (const r of seen) for (const e of r.events) assert.ok(r.header.revision >= e.kv.modRevision);
});

test('catch-up skips revisions the store applied before the hub published them', () => {
  const rig = new Rig();
  rig.put('a', '1');
  rig.autoPublish = false;
  rig.put('a', '2'); // revision 3, applied but not yet published
  const w = rig.hub.create({ key: b('a'), startRevision: 2 });
  assert.deepEqual(eventsOf(drain(w)), ['PUT a=1@2', 'PUT a=2@3']);
  rig.publishPending();
  rig.autoPublish = true;
  rig.put('a', '3');
  assert.deepEqual(eventsOf(drain(w)), ['PUT a=3@4']);
});

test('a start below the compacted revision gets compactRevision and is canceled', () => {
  const rig = new Rig();
  for (let i = 0; i < 5; i++) rig.put('a', `${i}`);
  rig.compact(4);
  const w = rig.hub.create({ key: b('a'), startRevision: 2 });
  const rs = drain(w);
  assert.equal(rs.length, 2);
  assert.equal(rs[0]?.created, true);
  assert.deepEqual({ ...rs[1], header: undefined }, { header: undefined, watchId: 0, created: false, canceled: true, compactRevision: 4, cancelReason: MVCC_MESSAGES.compacted, fragment: false, events: [] });
  assert.ok(w.done);
  assert.equal(rig.hub.watcherCount, 0);
  // At exactly the compacted revision history is still whole.
  assert.deepEqual(eventsOf(drain(rig.hub.create({ key: b('a'), startRevision: 4 }))), ['PUT a=2@4', 'PUT a=3@5', 'PUT a=4@6']);
});

test('a consumer that never reads falls back to history and recovers in order', () => {
  const rig = new Rig({ maxQueuedResponses: 3 });
  const slow = rig.hub.create({ key: b('a') });
  for (let i = 0; i < 20; i++) rig.put('a', `${i}`);
  assert.equal(slow.state, 'unsynced'); // the created response + 2 events filled the queue
  assert.deepEqual(eventsOf(drain(slow)), rig.log.map((e) => fmtEvent({ type: e.type, kv: e.kv })));
  assert.equal(slow.state, 'synced');
  rig.put('a', 'live');
  assert.deepEqual(eventsOf(drain(slow)), ['PUT a=live@22']);
});

test('a fallen-behind watcher whose history was compacted meanwhile gets compactRevision', () => {
  const rig = new Rig({ maxQueuedResponses: 2 });
  const slow = rig.hub.create({ key: b('a') });
  for (let i = 0; i < 5; i++) rig.put('a', `${i}`); // revisions 2..6; queue full after revision 2
  rig.compact(5);
  const rs = drain(slow);
  assert.deepEqual(eventsOf(rs), ['PUT a=0@2']);
  assert.equal(rs.at(-1)?.compactRevision, 5);
  assert.equal(rs.at(-1)?.canceled, true);
  assert.ok(slow.done);
});

test('the byte bound also makes a watcher a victim', () => {
  const rig = new Rig({ maxQueuedBytes: 600 });
  const w = rig.hub.create({ key: b('a') });
  for (let i = 0; i < 10; i++) rig.put('a', 'x'.repeat(100));
  assert.equal(w.state, 'unsynced');
  assert.equal(eventsOf(drain(w)).length, 10);
});

test('fragment splits a large revision into fragments; without it the response is whole', () => {
  const rig = new Rig({ maxResponseBytes: 400 });
  const frag = rig.hub.create({ key: b('k'), rangeEnd: b('l'), fragment: true });
  const whole = rig.hub.create({ key: b('k'), rangeEnd: b('l') });
  drain(frag); drain(whole);
  rig.apply({ type: 'txn', request: { success: Array.from({ length: 6 }, (_, i) => ({ type: 'put' as const, request: { key: b(`k${i}`), value: b('v'.repeat(100)) } })) } });
  const fr = drain(frag);
  assert.ok(fr.length > 1);
  assert.deepEqual(fr.map((r) => r.fragment), [...fr.slice(1).map(() => true), false]);
  assert.equal(eventsOf(fr).length, 6);
  const wr = drain(whole);
  assert.equal(wr.length, 1);
  assert.equal(wr[0]?.events.length, 6);
  assert.deepEqual(eventsOf(fr), eventsOf(wr));
});

test('progress: on request when synced, periodically for progressNotify watchers without events', () => {
  const ticker = new ManualTicker();
  const rig = new Rig({ ticker, progressIntervalMs: 1000, maxQueuedResponses: 2 });
  const pn = rig.hub.create({ key: b('a'), progressNotify: true, streamId: 's' });
  const plain = rig.hub.create({ key: b('b'), streamId: 's' });
  drain(pn); drain(plain);
  rig.put('z', '1');
  ticker.advance(999);
  assert.deepEqual(drain(pn), []);
  ticker.advance(1);
  assert.deepEqual(drain(pn).map((r) => [r.header.revision, r.events.length]), [[2, 0]]);
  assert.deepEqual(drain(plain), []);
  // Events during the period suppress the next notification.
  rig.put('a', '1');
  assert.equal(drain(pn).length, 1);
  ticker.advance(1000);
  assert.deepEqual(drain(pn), []);
  ticker.advance(1000);
  assert.equal(drain(pn).length, 1);
  // A stream-wide request reaches every watcher; an unsynced one answers only after catching up.
  for (let i = 0; i < 5; i++) rig.put('b', `${i}`);
  assert.equal(plain.state, 'unsynced');
  rig.hub.requestProgress('s');
  const rs = drain(plain);
  assert.equal(eventsOf(rs).length, 5);
  assert.deepEqual(rs.at(-1)?.events, []);
  assert.equal(rs.at(-1)?.header.revision, rig.store.currentRevision);
  assert.equal(drain(pn).at(-1)?.header.revision, rig.store.currentRevision);
  rig.hub.close();
  ticker.advance(5000);
  assert.deepEqual(drain(pn).map((r) => [r.canceled, r.cancelReason]), [[true, 'etcdserver: watch hub closed']]);
});

test('cancel drops queued responses, sends canceled, ends iteration and frees the id', async () => {
  const rig = new Rig();
  const w = rig.hub.create({ key: b('a') });
  rig.put('a', '1');
  w.cancel();
  w.cancel();
  assert.deepEqual(drain(w).map((r) => [r.canceled, r.events.length]), [[true, 0]]);
  assert.ok(w.done);
  await w.closed;
  assert.equal(rig.hub.watcherCount, 0);
  rig.put('a', '2');
  assert.deepEqual(drain(w), []);
  assert.equal(rig.hub.create({ key: b('a'), watchId: 0 }).id, 0);
});

test('async iteration waits for live events; break cancels the watch', async () => {
  const rig = new Rig();
  const w = rig.hub.create({ key: b('a'), startRevision: 1 });
  const got: string[] = [];
  const reader = (async () => {
    for await (const r of w) {
      got.push(...r.events.map(fmtEvent));
      if (got.length === 3) break;
    }
  })();
  rig.put('a', '1');
  await new Promise((r) => setImmediate(r));
  rig.put('a', '2');
  rig.put('a', '3');
  await reader;
  assert.deepEqual(got, ['PUT a=1@2', 'PUT a=2@3', 'PUT a=3@4']);
  assert.equal(w.state, 'closed');
  assert.equal(rig.hub.watcherCount, 0);
});
