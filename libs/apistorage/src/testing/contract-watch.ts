// Contract: watch — from a resourceVersion (ordered, gap-free, no
// duplicates), from now, compaction (410 ERROR), predicate transitions,
// bookmarks, initial events, close and abort.

import assert from 'node:assert/strict';
import { it } from 'node:test';
import { StorageError } from '../errors.ts';
import type { KubeObject } from '../interface.ts';
import type { ContractContext } from './contract-helpers.ts';
import { EventReader, configMap, dataOf, rvOf, summary, withHarness } from './contract-helpers.ts';

const QUIET_MS = 300;

export function watchContract(c: ContractContext): void {
  const T = c.eventTimeoutMs;

  it('watch from a resourceVersion replays every later change, in order, once', async () => {
    await withHarness(c, async ({ storage, prefix }) => {
      const a = await storage.create(`${prefix}ns/a`, configMap('a', { n: '1' }));
      const b = await storage.create(`${prefix}ns/b`, configMap('b'));
      const a2 = await storage.guaranteedUpdate(`${prefix}ns/a`, (cur) => ({ ...cur!, data: { n: '2' } }));
      const bGone = await storage.delete(`${prefix}ns/b`);
      await storage.create(`${prefix}other/z`, configMap('z', {}, {}, 'other'));
      const w = await storage.watch(`${prefix}ns/`, { recursive: true, resourceVersion: String(rvOf(a)) });
      const r = new EventReader(w);
      const c1 = await storage.create(`${prefix}ns/c`, configMap('c'));
      const got = [await r.expectChange(T), await r.expectChange(T), await r.expectChange(T), await r.expectChange(T)];
      assert.deepEqual(got.map(summary), [
        ['ADDED', 'b', b.metadata.resourceVersion],
        ['MODIFIED', 'a', a2.metadata.resourceVersion],
        ['DELETED', 'b', bGone.metadata.resourceVersion],
        ['ADDED', 'c', c1.metadata.resourceVersion],
      ]);
      assert.deepEqual(got[1]!.object, a2);
      assert.deepEqual(got[2]!.object, bGone, 'DELETED carries the last state at the deletion revision');
      await r.expectQuiet(QUIET_MS);
      w.close();
      assert.equal(await r.next(T), 'end');
      assert.equal(await w.closed, undefined);
    });
  });

  it('watch from now sees changes made after it is returned, and only those', async () => {
    await withHarness(c, async ({ storage, prefix }) => {
      const w = await storage.watch(`${prefix}ns/`, { recursive: true });
      const r = new EventReader(w);
      const a = await storage.create(`${prefix}ns/a`, configMap('a'));
      const e = await r.expectChange(T);
      assert.deepEqual(summary(e), ['ADDED', 'a', a.metadata.resourceVersion]);
      assert.deepEqual(e.object, a);
      w.close();
    });
  });

  it('a watch on one key sees only that key', async () => {
    await withHarness(c, async ({ storage, prefix }) => {
      const w = await storage.watch(`${prefix}ns/a`);
      const r = new EventReader(w);
      await storage.create(`${prefix}ns/ab`, configMap('ab'));
      const a = await storage.create(`${prefix}ns/a`, configMap('a'));
      assert.deepEqual(summary(await r.expectChange(T)), ['ADDED', 'a', a.metadata.resourceVersion]);
      await r.expectQuiet(QUIET_MS);
      w.close();
    });
  });

  it(c.eventWindow === undefined ? 'a watch from a compacted resourceVersion yields one 410 Expired ERROR and ends' : 'a watch from before the event window yields one 410 Expired ERROR and ends', async () => {
    await withHarness(c, async ({ storage, prefix, compact }) => {
      const a = await storage.create(`${prefix}ns/a`, configMap('a'));
      const updates = c.eventWindow === undefined ? 2 : c.eventWindow + 2;
      for (let i = 0; i < updates; i++) await storage.guaranteedUpdate(`${prefix}ns/a`, (cur) => ({ ...cur!, data: { n: String(i + 2) } }));
      if (c.eventWindow === undefined) await compact(await storage.currentRevision());
      const w = await storage.watch(`${prefix}ns/`, { recursive: true, resourceVersion: String(rvOf(a)) });
      const r = new EventReader(w);
      const e = await r.expect(T);
      assert.equal(e.type, 'ERROR');
      assert.equal(e.object.kind, 'Status');
      assert.equal(e.object.apiVersion, 'v1');
      assert.equal(e.object['status'], 'Failure');
      assert.equal(e.object['reason'], 'Expired');
      assert.equal(e.object['code'], 410);
      assert.equal(await r.next(T), 'end');
      const closed = await w.closed;
      assert.ok(closed instanceof StorageError && closed.code === 'resourceVersionTooOld', String(closed));
    });
  });

  it('with a predicate, objects that stop matching are DELETED and those that start matching ADDED', async () => {
    await withHarness(c, async ({ storage, prefix }) => {
      const key = `${prefix}ns/x`;
      const web = (o: KubeObject): boolean => o.metadata.labels?.['app'] === 'web';
      const relabel = (app: string) => (cur: KubeObject | undefined): KubeObject => ({ ...cur!, metadata: { ...cur!.metadata, labels: { app } } });
      const w = await storage.watch(`${prefix}ns/`, { recursive: true, predicate: web });
      const r = new EventReader(w);
      const x1 = await storage.create(key, configMap('x', {}, { app: 'web' }));
      const x2 = await storage.guaranteedUpdate(key, relabel('db'));
      await storage.guaranteedUpdate(key, (cur) => ({ ...cur!, data: { n: 'ignored while not matching' } }));
      const x4 = await storage.guaranteedUpdate(key, relabel('web'));
      const x5 = await storage.guaranteedUpdate(key, (cur) => ({ ...cur!, data: { n: 'matching' } }));
      await storage.create(`${prefix}ns/y`, configMap('y', {}, { app: 'db' }));
      const x6 = await storage.delete(key);

      const added = await r.expectChange(T);
      assert.deepEqual(summary(added), ['ADDED', 'x', x1.metadata.resourceVersion]);
      const left = await r.expectChange(T);
      assert.deepEqual(summary(left), ['DELETED', 'x', x2.metadata.resourceVersion]);
      assert.equal(left.object.metadata.labels?.['app'], 'web', 'the object as it last matched');
      assert.deepEqual(summary(await r.expectChange(T)), ['ADDED', 'x', x4.metadata.resourceVersion]);
      const modified = await r.expectChange(T);
      assert.deepEqual(summary(modified), ['MODIFIED', 'x', x5.metadata.resourceVersion]);
      assert.deepEqual(dataOf(modified.object), { n: 'matching' });
      assert.deepEqual(summary(await r.expectChange(T)), ['DELETED', 'x', x6.metadata.resourceVersion]);
      await r.expectQuiet(QUIET_MS);
      w.close();
    });
  });

  it('bookmarks: an idle watch with bookmarks gets a BOOKMARK carrying a current resourceVersion', async () => {
    await withHarness(c, async ({ storage, prefix }) => {
      const a = await storage.create(`${prefix}ns/a`, configMap('a'));
      const w = await storage.watch(`${prefix}ns/`, { recursive: true, bookmarks: true, resourceVersion: String(rvOf(a)) });
      const r = new EventReader(w);
      const e = await r.next(c.bookmarkTimeoutMs);
      assert.ok(e !== 'timeout' && e !== 'end', `no BOOKMARK within ${c.bookmarkTimeoutMs} ms`);
      assert.equal(e.type, 'BOOKMARK');
      assert.ok(rvOf(e.object) >= rvOf(a));
      w.close();
    });
  });

  it('sendInitialEvents: ADDED for the current state, a BOOKMARK marking its end, then changes', async () => {
    await withHarness(c, async ({ storage, prefix }) => {
      const a = await storage.create(`${prefix}ns/a`, configMap('a', {}, { app: 'web' }));
      await storage.create(`${prefix}ns/b`, configMap('b', {}, { app: 'db' }));
      const d = await storage.create(`${prefix}ns/d`, configMap('d', {}, { app: 'web' }));
      const web = (o: KubeObject): boolean => o.metadata.labels?.['app'] === 'web';
      const w = await storage.watch(`${prefix}ns/`, { recursive: true, sendInitialEvents: true, bookmarks: true, predicate: web });
      const r = new EventReader(w);
      assert.deepEqual(await r.expect(T), { type: 'ADDED', object: a });
      assert.deepEqual(await r.expect(T), { type: 'ADDED', object: d });
      const end = await r.expect(T);
      assert.equal(end.type, 'BOOKMARK');
      assert.equal(end.object.metadata.annotations?.['k8s.io/initial-events-end'], 'true');
      assert.ok(rvOf(end.object) >= rvOf(d));
      const e = await storage.create(`${prefix}ns/e`, configMap('e', {}, { app: 'web' }));
      assert.deepEqual(summary(await r.expectChange(T)), ['ADDED', 'e', e.metadata.resourceVersion]);
      w.close();
    });
  });

  it('close, abort and break end a watch cleanly', async () => {
    await withHarness(c, async ({ storage, prefix }) => {
      const closing = await storage.watch(`${prefix}ns/`, { recursive: true });
      const r = new EventReader(closing);
      const pending = r.next(T); // a consumer already waiting
      closing.close();
      assert.equal(await pending, 'end');
      assert.equal(await closing.closed, undefined);

      const ac = new AbortController();
      const aborted = await storage.watch(`${prefix}ns/`, { recursive: true, signal: ac.signal });
      const ra = new EventReader(aborted);
      ac.abort();
      assert.equal(await ra.next(T), 'end');
      assert.equal(await aborted.closed, undefined);

      const broken = await storage.watch(`${prefix}ns/`, { recursive: true });
      await storage.create(`${prefix}ns/a`, configMap('a'));
      for await (const e of broken) {
        assert.equal(e.type, 'ADDED');
        break;
      }
      assert.equal(await broken.closed, undefined);
    });
  });
}
