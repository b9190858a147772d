// Contract: create, get, delete, guaranteedUpdate.

import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { KubeObject, RequestContext } from '../interface.ts';
import type { ContractContext } from './contract-helpers.ts';
import { configMap, dataOf, rejectsWithCode, rvOf, withHarness } from './contract-helpers.ts';

const ctx: RequestContext = { user: 'alice', groups: ['devs'], verb: 'update', resource: 'configmaps', namespace: 'ns', name: 'a', auditId: 'audit-1' };

export function crudContract(c: ContractContext): void {
  it('create stores the object and returns it with its resourceVersion; get reads it back', async () => {
    await withHarness(c, async ({ storage, prefix }) => {
      const before = await storage.currentRevision();
      const created = await storage.create(`${prefix}ns/a`, configMap('a', { k: 'v' }), ctx);
      assert.ok(rvOf(created) > before);
      assert.equal(await storage.currentRevision(), rvOf(created));
      assert.deepEqual(dataOf(created), { k: 'v' });
      assert.deepEqual(await storage.get(`${prefix}ns/a`), created);
      assert.deepEqual(await storage.get(`${prefix}ns/a`, { resourceVersion: '0' }), created);
    });
  });

  it('create of an existing key fails with keyExists and changes nothing', async () => {
    await withHarness(c, async ({ storage, prefix }) => {
      const first = await storage.create(`${prefix}ns/a`, configMap('a', { k: '1' }));
      await rejectsWithCode(storage.create(`${prefix}ns/a`, configMap('a', { k: '2' })), 'keyExists');
      assert.deepEqual(await storage.get(`${prefix}ns/a`), first);
      assert.equal(await storage.currentRevision(), rvOf(first));
    });
  });

  it('create refuses an object that already carries a resourceVersion', async () => {
    await withHarness(c, async ({ storage, prefix }) => {
      const obj = configMap('a');
      await rejectsWithCode(storage.create(`${prefix}ns/a`, { ...obj, metadata: { ...obj.metadata, resourceVersion: '5' } }), 'invalidObject');
      assert.equal(await storage.get(`${prefix}ns/a`, { ignoreNotFound: true }), undefined);
    });
  });

  it('get of an absent key: keyNotFound, or undefined with ignoreNotFound', async () => {
    await withHarness(c, async ({ storage, prefix }) => {
      await rejectsWithCode(storage.get(`${prefix}ns/missing`), 'keyNotFound');
      assert.equal(await storage.get(`${prefix}ns/missing`, { ignoreNotFound: true }), undefined);
    });
  });

  it('get honours resourceVersion: not older than N, too large beyond the store, invalid refused', async () => {
    await withHarness(c, async ({ storage, prefix }) => {
      const a = await storage.create(`${prefix}ns/a`, configMap('a'));
      assert.deepEqual(await storage.get(`${prefix}ns/a`, { resourceVersion: String(rvOf(a)) }), a);
      assert.deepEqual(await storage.get(`${prefix}ns/a`, { resourceVersion: '1' }), a);
      const e = await rejectsWithCode(storage.get(`${prefix}ns/a`, { resourceVersion: String(rvOf(a) + 1000) }), 'resourceVersionTooLarge');
      assert.equal(e.revision, rvOf(a));
      for (const bad of ['abc', '-1', '1.5', ' 1', '99999999999999999999']) {
        await rejectsWithCode(storage.get(`${prefix}ns/a`, { resourceVersion: bad }), 'invalidResourceVersion');
      }
    });
  });

  it('delete returns the last state at the deletion revision; the key is gone', async () => {
    await withHarness(c, async ({ storage, prefix }) => {
      const a = await storage.create(`${prefix}ns/a`, configMap('a', { k: 'v' }));
      const deleted = await storage.delete(`${prefix}ns/a`, { ctx });
      assert.deepEqual(dataOf(deleted), { k: 'v' });
      assert.equal(rvOf(deleted), await storage.currentRevision());
      assert.ok(rvOf(deleted) > rvOf(a));
      await rejectsWithCode(storage.get(`${prefix}ns/a`), 'keyNotFound');
      await rejectsWithCode(storage.delete(`${prefix}ns/a`), 'keyNotFound');
    });
  });

  it('delete checks uid and resourceVersion preconditions and validateDeletion against the current object', async () => {
    await withHarness(c, async ({ storage, prefix }) => {
      const obj = configMap('a');
      const a = await storage.create(`${prefix}ns/a`, { ...obj, metadata: { ...obj.metadata, uid: 'uid-1' } });
      await rejectsWithCode(storage.delete(`${prefix}ns/a`, { preconditions: { uid: 'uid-2' } }), 'preconditionFailed');
      await rejectsWithCode(storage.delete(`${prefix}ns/a`, { preconditions: { resourceVersion: String(rvOf(a) - 1) } }), 'preconditionFailed');
      const refused = new Error('refused by validateDeletion');
      let seen: KubeObject | undefined;
      await assert.rejects(
        storage.delete(`${prefix}ns/a`, {
          validateDeletion: (cur) => {
            seen = cur;
            throw refused;
          },
        }),
        (e) => e === refused,
      );
      assert.deepEqual(seen, a);
      assert.deepEqual(await storage.get(`${prefix}ns/a`), a, 'a refused delete changes nothing');
      const deleted = await storage.delete(`${prefix}ns/a`, { preconditions: { uid: 'uid-1', resourceVersion: String(rvOf(a)) } });
      assert.equal(deleted.metadata.uid, 'uid-1');
    });
  });

  it('guaranteedUpdate writes what tryUpdate returns, with a new resourceVersion', async () => {
    await withHarness(c, async ({ storage, prefix }) => {
      const a = await storage.create(`${prefix}ns/a`, configMap('a', { n: '1' }));
      const seen: (KubeObject | undefined)[] = [];
      const updated = await storage.guaranteedUpdate(
        `${prefix}ns/a`,
        (cur) => {
          seen.push(cur);
          return { ...cur!, data: { n: '2' } };
        },
        { ctx },
      );
      assert.deepEqual(seen, [a]);
      assert.ok(rvOf(updated) > rvOf(a));
      assert.deepEqual(dataOf(updated), { n: '2' });
      assert.deepEqual(await storage.get(`${prefix}ns/a`), updated);
    });
  });

  it('guaranteedUpdate that changes nothing writes nothing and returns the current object', async () => {
    await withHarness(c, async ({ storage, prefix }) => {
      const a = await storage.create(`${prefix}ns/a`, configMap('a', { n: '1' }));
      const same = await storage.guaranteedUpdate(`${prefix}ns/a`, (cur) => cur!);
      assert.deepEqual(same, a);
      assert.equal(await storage.currentRevision(), rvOf(a), 'no revision was spent');
    });
  });

  it('guaranteedUpdate: keyNotFound when absent, creates with ignoreNotFound, preconditions, tryUpdate errors abort', async () => {
    await withHarness(c, async ({ storage, prefix }) => {
      await rejectsWithCode(storage.guaranteedUpdate(`${prefix}ns/a`, () => configMap('a')), 'keyNotFound');
      const created = await storage.guaranteedUpdate(
        `${prefix}ns/a`,
        (cur) => {
          assert.equal(cur, undefined);
          return configMap('a', { n: '1' });
        },
        { ignoreNotFound: true },
      );
      assert.deepEqual(await storage.get(`${prefix}ns/a`), created);
      await rejectsWithCode(storage.guaranteedUpdate(`${prefix}ns/a`, (cur) => cur!, { preconditions: { uid: 'other' } }), 'preconditionFailed');
      await rejectsWithCode(
        storage.guaranteedUpdate(`${prefix}ns/a`, (cur) => ({ ...cur!, data: { n: '9' } }), { preconditions: { resourceVersion: String(rvOf(created) + 1) } }),
        'preconditionFailed',
      );
      const boom = new Error('tryUpdate refused');
      await assert.rejects(storage.guaranteedUpdate(`${prefix}ns/a`, () => Promise.reject(boom)), (e) => e === boom);
      assert.deepEqual(await storage.get(`${prefix}ns/a`), created);
    });
  });

  it('guaranteedUpdate with concurrent updaters loses no update', async () => {
    await withHarness(c, async ({ storage, prefix }) => {
      const key = `${prefix}ns/counter`;
      await storage.create(key, configMap('counter', { n: '0' }));
      const workers = 6;
      const rounds = 5;
      let calls = 0;
      await Promise.all(
        Array.from({ length: workers }, async () => {
          for (let i = 0; i < rounds; i++) {
            await storage.guaranteedUpdate(key, (cur) => {
              calls++;
              return { ...cur!, data: { n: String(Number(dataOf(cur!)['n']) + 1) } };
            });
          }
        }),
      );
      const final = await storage.get(key);
      assert.equal(dataOf(final!)['n'], String(workers * rounds));
      assert.ok(calls >= workers * rounds);
    });
  });
}
