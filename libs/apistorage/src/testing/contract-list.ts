// Contract: getList — one revision across pages, continue tokens,
// remainingItemCount, predicates with limit, resourceVersion rules.

import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { KubeObject, Storage } from '../interface.ts';
import type { ContractContext } from './contract-helpers.ts';
import { configMap, dataOf, readList, rejectsWithCode, rvOf, withHarness } from './contract-helpers.ts';

const names = (items: readonly KubeObject[]): (string | undefined)[] => items.map((o) => o.metadata.name);

async function seed(s: Storage, prefix: string, n: number, labels?: (i: number) => Record<string, string>): Promise<KubeObject[]> {
  const out: KubeObject[] = [];
  for (let i = 0; i < n; i++) out.push(await s.create(`${prefix}ns/o${String(i).padStart(2, '0')}`, configMap(`o${String(i).padStart(2, '0')}`, { i: String(i) }, labels?.(i) ?? {})));
  return out;
}

export function listContract(c: ContractContext): void {
  it('lists everything under the prefix in key order at the current revision', async () => {
    await withHarness(c, async ({ storage, prefix }) => {
      const objs = await seed(storage, prefix, 7);
      // A sibling whose name extends the prefix's last segment must not show up.
      await storage.create(`${prefix}ns-other/x`, configMap('x', {}, {}, 'ns-other'));
      const { items, meta } = await readList(storage, `${prefix}ns/`);
      assert.deepEqual(items, objs);
      assert.equal(meta.resourceVersion, String(await storage.currentRevision()));
      assert.equal(meta.continue, '');
      assert.equal(meta.remainingItemCount, undefined);
      const noSlash = await readList(storage, `${prefix}ns`);
      assert.deepEqual(names(noSlash.items), names(objs), 'a prefix without its trailing "/" lists the same keys');
      assert.deepEqual((await readList(storage, `${prefix}none/`)).items, []);
    });
  });

  it('pages with limit and continue all read the first page\'s revision', async () => {
    await withHarness(c, async ({ storage, prefix }) => {
      const objs = await seed(storage, prefix, 7);
      const p1 = await readList(storage, prefix, { limit: 3 });
      assert.deepEqual(p1.items, objs.slice(0, 3));
      assert.notEqual(p1.meta.continue, '');
      assert.equal(p1.meta.remainingItemCount, 4);
      // Changes after the first page must not show in later pages.
      await storage.guaranteedUpdate(`${prefix}ns/o04`, (cur) => ({ ...cur!, data: { i: 'changed' } }));
      await storage.delete(`${prefix}ns/o05`);
      await storage.create(`${prefix}ns/o03a`, configMap('o03a'));
      const p2 = await readList(storage, prefix, { limit: 3, continue: p1.meta.continue });
      assert.deepEqual(p2.items, objs.slice(3, 6));
      assert.equal(p2.meta.resourceVersion, p1.meta.resourceVersion);
      assert.equal(p2.meta.remainingItemCount, 1);
      const p3 = await readList(storage, prefix, { limit: 3, continue: p2.meta.continue });
      assert.deepEqual(p3.items, objs.slice(6));
      assert.equal(p3.meta.continue, '');
      assert.equal(p3.meta.remainingItemCount, undefined);
    });
  });

  it('a page that ends exactly at the last key has no continue token', async () => {
    await withHarness(c, async ({ storage, prefix }) => {
      await seed(storage, prefix, 4);
      const p = await readList(storage, prefix, { limit: 4 });
      assert.equal(p.items.length, 4);
      assert.equal(p.meta.continue, '');
    });
  });

  it('continue tokens are kube-apiserver\'s: base64url JSON {v, rv, start relative to the prefix}', async () => {
    await withHarness(c, async ({ storage, prefix }) => {
      await seed(storage, prefix, 3);
      const p = await readList(storage, prefix, { limit: 1 });
      const token = JSON.parse(Buffer.from(p.meta.continue, 'base64url').toString('utf8')) as Record<string, unknown>;
      assert.deepEqual(Object.keys(token), ['v', 'rv', 'start']);
      assert.equal(token['v'], 'meta.k8s.io/v1');
      assert.equal(token['rv'], Number(p.meta.resourceVersion));
      assert.equal(token['start'], 'ns/o00\u0000');
      assert.doesNotMatch(p.meta.continue, /[=+/]/);
    });
  });

  it('malformed continue tokens and continue with a resourceVersion fail with invalidContinue', async () => {
    await withHarness(c, async ({ storage, prefix }) => {
      await seed(storage, prefix, 2);
      const rev = await storage.currentRevision();
      const enc = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
      const bad = [
        'not base64!',
        Buffer.from('not json').toString('base64url'),
        enc([1, 2]),
        enc({ v: 'meta.k8s.io/v2', rv: rev, start: 'ns/o00' }),
        enc({ v: 'meta.k8s.io/v1', rv: 0, start: 'ns/o00' }),
        enc({ v: 'meta.k8s.io/v1', rv: 'x', start: 'ns/o00' }),
        enc({ v: 'meta.k8s.io/v1', rv: rev, start: '' }),
        enc({ v: 'meta.k8s.io/v1', rv: rev }),
        enc({ v: 'meta.k8s.io/v1', rv: rev, start: '../../secrets/x' }),
        enc({ v: 'meta.k8s.io/v1', rv: rev, start: 'ns//o00' }),
      ];
      for (const token of bad) await rejectsWithCode(storage.getList(prefix, { limit: 1, continue: token }), 'invalidContinue');
      const p = await readList(storage, prefix, { limit: 1 });
      await rejectsWithCode(storage.getList(prefix, { limit: 1, continue: p.meta.continue, resourceVersion: String(rev) }), 'invalidContinue');
      // "0" with a token is allowed (kube treats it as unset).
      assert.equal((await readList(storage, prefix, { limit: 1, continue: p.meta.continue, resourceVersion: '0' })).items.length, 1);
    });
  });

  it('a continue token whose revision was compacted fails with continueExpired', async () => {
    await withHarness(c, async ({ storage, prefix, compact }) => {
      await seed(storage, prefix, 3);
      const p1 = await readList(storage, prefix, { limit: 1 });
      await storage.guaranteedUpdate(`${prefix}ns/o01`, (cur) => ({ ...cur!, data: { i: 'x' } }));
      await compact(await storage.currentRevision());
      await rejectsWithCode(storage.getList(prefix, { limit: 1, continue: p1.meta.continue }), 'continueExpired');
    });
  });

  it('a predicate filters items; pages hold at most limit matches; no remainingItemCount', async () => {
    await withHarness(c, async ({ storage, prefix }) => {
      const objs = await seed(storage, prefix, 11, (i) => ({ parity: i % 2 === 0 ? 'even' : 'odd' }));
      const predicate = (o: KubeObject): boolean => o.metadata.labels?.['parity'] === 'even';
      const got: KubeObject[] = [];
      let cont = '';
      let pages = 0;
      do {
        const p = await readList(storage, prefix, { limit: 2, predicate, ...(cont === '' ? {} : { continue: cont }) });
        assert.ok(p.items.length <= 2);
        assert.ok(p.items.every(predicate));
        assert.equal(p.meta.remainingItemCount, undefined);
        got.push(...p.items);
        cont = p.meta.continue;
        pages++;
        assert.ok(pages <= 11, 'paging must terminate');
      } while (cont !== '');
      assert.deepEqual(got, objs.filter(predicate));
      assert.deepEqual((await readList(storage, prefix, { predicate })).items, objs.filter(predicate));
    });
  });

  it('resourceVersion rules: Exact reads history, NotOlderThan reads the latest, too old and too large fail', async () => {
    await withHarness(c, async ({ storage, prefix, compact }) => {
      const objs = await seed(storage, prefix, 3);
      const r1 = rvOf(objs[2]!);
      await storage.guaranteedUpdate(`${prefix}ns/o00`, (cur) => ({ ...cur!, data: { i: 'new' } }));
      await storage.delete(`${prefix}ns/o01`);
      const now = await storage.currentRevision();

      const exact = await readList(storage, prefix, { resourceVersion: String(r1), resourceVersionMatch: 'Exact' });
      assert.deepEqual(exact.items, objs);
      assert.equal(exact.meta.resourceVersion, String(r1));
      const legacy = await readList(storage, prefix, { resourceVersion: String(r1), limit: 10 });
      assert.deepEqual(legacy.items, objs, 'a resourceVersion without match, with a limit, reads at that revision, as kube');
      const unpaged = await readList(storage, prefix, { resourceVersion: String(r1) });
      assert.deepEqual(names(unpaged.items), ['o00', 'o02'], 'without a limit it means not older than: the latest');
      assert.ok(Number(unpaged.meta.resourceVersion) >= now);

      const notOlder = await readList(storage, prefix, { resourceVersion: String(r1), resourceVersionMatch: 'NotOlderThan' });
      assert.ok(Number(notOlder.meta.resourceVersion) >= now);
      assert.deepEqual(names(notOlder.items), ['o00', 'o02']);
      assert.deepEqual(dataOf(notOlder.items[0]!), { i: 'new' });
      const any = await readList(storage, prefix, { resourceVersion: '0' });
      assert.deepEqual(names(any.items), ['o00', 'o02']);

      await rejectsWithCode(storage.getList(prefix, { resourceVersion: String(now + 1000), resourceVersionMatch: 'NotOlderThan' }), 'resourceVersionTooLarge');
      await rejectsWithCode(storage.getList(prefix, { resourceVersion: String(now + 1000), resourceVersionMatch: 'Exact' }), 'resourceVersionTooLarge');
      await rejectsWithCode(storage.getList(prefix, { resourceVersion: 'x1' }), 'invalidResourceVersion');
      await compact(now);
      await rejectsWithCode(storage.getList(prefix, { resourceVersion: String(r1), resourceVersionMatch: 'Exact' }), 'resourceVersionTooOld');
    });
  });
}
