import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forbidden, type StatusError } from '@logbook/apimachinery';
import { MemoryStorage } from '@logbook/apistorage';
import { catalogue } from '@logbook/resources';
import { AdmissionChain, Registry, type AdmissionAttributes } from '../src/index.ts';

test('writes pass mutating admission, then validation, then validating admission; a refusal stores nothing', async () => {
  const seen: string[] = [];
  const chain = new AdmissionChain([
    {
      name: 'LabelEverything',
      admit(a: AdmissionAttributes) {
        seen.push(`admit ${a.operation} ${a.resource} ${a.name} uid=${typeof a.object.metadata.uid === 'string' ? a.object.metadata.uid : '-'} old=${a.oldObject?.metadata.name ?? '-'}`);
        if (a.operation !== 'DELETE') (a.object.metadata as Record<string, unknown>).labels = { ...(a.object.metadata.labels as object | undefined), admitted: 'yes' };
      },
    },
    {
      name: 'DenyForbidden',
      validate(a: AdmissionAttributes) {
        seen.push(`validate ${a.operation} ${a.resource} ${a.name} uid=${a.object.metadata.uid === undefined ? '-' : 'set'} dryRun=${a.dryRun}`);
        if (a.name.startsWith('forbidden')) throw forbidden({ group: '', resource: a.resource }, a.name, 'denied by DenyForbidden');
      },
    },
  ]);
  const storage = new MemoryStorage();
  const registry = new Registry({ etcdPrefix: '/registry', resources: catalogue(), storageFor: () => storage, admission: chain, env: { now: () => 0, uuid: () => 'u1', randomInt: () => 0 } });
  const ns = registry.lookup('', 'v1', 'namespaces')!;
  await ns.create({ namespace: '' }, { metadata: { name: 'default' } });
  const cms = registry.lookup('', 'v1', 'configmaps')!;
  seen.length = 0;

  const created = await cms.create({ namespace: 'default' }, { metadata: { name: 'a' } });
  assert.deepEqual(created.metadata.labels, { admitted: 'yes' });
  await cms.patch({ namespace: 'default' }, 'a', 'application/merge-patch+json', { data: { k: 'v' } });
  await assert.rejects(cms.create({ namespace: 'default' }, { metadata: { name: 'forbidden-b' } }), (e: StatusError) => e.status.code === 403 && /denied by DenyForbidden/.test(e.message));
  await assert.rejects(cms.get({ namespace: 'default' }, 'forbidden-b'), (e: StatusError) => e.status.code === 404);
  await cms.delete({ namespace: 'default', dryRun: true }, 'a', {});
  assert.deepEqual(seen, [
    'admit CREATE configmaps a uid=- old=-',
    'validate CREATE configmaps a uid=set dryRun=false',
    'admit UPDATE configmaps a uid=u1 old=a',
    'validate UPDATE configmaps a uid=set dryRun=false',
    'admit CREATE configmaps forbidden-b uid=- old=-',
    'validate CREATE configmaps forbidden-b uid=set dryRun=false',
    'validate DELETE configmaps a uid=set dryRun=true',
  ]);
  assert.equal((await cms.get({ namespace: 'default' }, 'a')).metadata.name, 'a', 'a dry-run delete deletes nothing');
});
