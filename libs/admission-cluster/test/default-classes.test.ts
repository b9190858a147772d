import { MemoryObjectReader } from '@logbook/admission';
import type { KubeObject } from '@logbook/apistorage';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultIngressClass, defaultStorageClass } from '../src/index.ts';
import { attrs, rejectsWith, run } from './attrs.ts';

const SC = { group: 'storage.k8s.io', resource: 'storageclasses' };
const IC = { group: 'networking.k8s.io', resource: 'ingressclasses' };

function cls(name: string, created: string, annotations: Record<string, string> = {}): KubeObject {
  return { metadata: { name, creationTimestamp: created, annotations } };
}

const DEF = { 'storageclass.kubernetes.io/is-default-class': 'true' };
const BETA_DEF = { 'storageclass.beta.kubernetes.io/is-default-class': 'true' };

function pvc(spec: Record<string, unknown>, annotations?: Record<string, string>): Record<string, unknown> {
  return { metadata: { name: 'data', namespace: 'ns', ...(annotations ? { annotations } : {}) }, spec };
}

describe('DefaultStorageClass', () => {
  const cases: { name: string; classes: KubeObject[]; object: Record<string, unknown>; want: unknown }[] = [
    { name: 'no class set: gets the default', classes: [cls('slow', '2024-01-01T00:00:00Z'), cls('fast', '2024-01-01T00:00:00Z', DEF)], object: pvc({}), want: 'fast' },
    { name: 'beta default annotation counts', classes: [cls('beta', '2024-01-01T00:00:00Z', BETA_DEF)], object: pvc({}), want: 'beta' },
    { name: 'annotation value other than "true" is not default', classes: [cls('x', '2024-01-01T00:00:00Z', { 'storageclass.kubernetes.io/is-default-class': 'True' })], object: pvc({}), want: undefined },
    { name: 'several defaults: newest wins', classes: [cls('old', '2024-01-01T00:00:00Z', DEF), cls('new', '2024-06-01T00:00:00Z', DEF), cls('mid', '2024-03-01T00:00:00Z', BETA_DEF)], object: pvc({}), want: 'new' },
    { name: 'several defaults, same time: smaller name wins', classes: [cls('b', '2024-01-01T00:00:00Z', DEF), cls('a', '2024-01-01T00:00:00Z', DEF), cls('c', '2024-01-01T00:00:00Z', DEF)], object: pvc({}), want: 'a' },
    { name: 'missing timestamp sorts oldest', classes: [{ metadata: { name: 'a', annotations: DEF } }, cls('z', '2020-01-01T00:00:00Z', DEF)], object: pvc({}), want: 'z' },
    { name: 'no default: left unset', classes: [cls('slow', '2024-01-01T00:00:00Z')], object: pvc({}), want: undefined },
    { name: 'explicit "" is kept', classes: [cls('fast', '2024-01-01T00:00:00Z', DEF)], object: pvc({ storageClassName: '' }), want: '' },
    { name: 'explicit name is kept', classes: [cls('fast', '2024-01-01T00:00:00Z', DEF)], object: pvc({ storageClassName: 'slow' }), want: 'slow' },
    { name: 'null counts as absent', classes: [cls('fast', '2024-01-01T00:00:00Z', DEF)], object: pvc({ storageClassName: null }), want: 'fast' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const plugin = defaultStorageClass({ reader: new MemoryObjectReader(c.classes.map((o) => [SC, o] as const)) });
      const a = attrs({ resource: 'persistentvolumeclaims', namespace: 'ns', object: c.object });
      await run(() => plugin.admit?.(a));
      assert.equal((a.object['spec'] as Record<string, unknown>)['storageClassName'], c.want);
    });
  }

  it('beta storage-class annotation on the claim blocks defaulting', async () => {
    const plugin = defaultStorageClass({ reader: new MemoryObjectReader([[SC, cls('fast', '2024-01-01T00:00:00Z', DEF)]]) });
    const a = attrs({ resource: 'persistentvolumeclaims', object: pvc({}, { 'volume.beta.kubernetes.io/storage-class': '' }) });
    await run(() => plugin.admit?.(a));
    assert.equal((a.object['spec'] as Record<string, unknown>)['storageClassName'], undefined);
  });

  const skipped: { name: string; over: Parameters<typeof attrs>[0] }[] = [
    { name: 'update', over: { operation: 'UPDATE', resource: 'persistentvolumeclaims' } },
    { name: 'status subresource', over: { resource: 'persistentvolumeclaims', subresource: 'status' } },
    { name: 'another resource', over: { resource: 'persistentvolumes' } },
    { name: 'same resource name in another group', over: { group: 'example.com', resource: 'persistentvolumeclaims' } },
  ];
  for (const s of skipped) {
    it(`leaves ${s.name} alone`, async () => {
      const plugin = defaultStorageClass({ reader: new MemoryObjectReader([[SC, cls('fast', '2024-01-01T00:00:00Z', DEF)]]) });
      const a = attrs({ ...s.over, object: pvc({}) });
      await run(() => plugin.admit?.(a));
      assert.deepEqual(a.object['spec'], {});
    });
  }

  it('a failing reader refuses the claim as Forbidden', async () => {
    const reader = { get: () => Promise.reject(new Error('cache not synced')), list: () => Promise.reject(new Error('cache not synced')) };
    const plugin = defaultStorageClass({ reader });
    const a = attrs({ resource: 'persistentvolumeclaims', object: pvc({}) });
    await rejectsWith(run(() => plugin.admit?.(a)), 403, 'Forbidden', 'persistentvolumeclaims "data" is forbidden: cache not synced');
  });
});

describe('DefaultIngressClass', () => {
  const DEF_I = { 'ingressclass.kubernetes.io/is-default-class': 'true' };
  function ing(spec: Record<string, unknown> | undefined, annotations?: Record<string, string>): Record<string, unknown> {
    return { metadata: { name: 'web', ...(annotations ? { annotations } : {}) }, ...(spec ? { spec } : {}) };
  }
  const cases: { name: string; classes: KubeObject[]; object: Record<string, unknown>; want: unknown }[] = [
    { name: 'gets the default', classes: [cls('nginx', '2024-01-01T00:00:00Z', DEF_I), cls('other', '2024-01-01T00:00:00Z')], object: ing({}), want: 'nginx' },
    { name: 'several defaults: newest', classes: [cls('a', '2024-01-01T00:00:00Z', DEF_I), cls('b', '2025-01-01T00:00:00Z', DEF_I)], object: ing({}), want: 'b' },
    { name: 'several defaults, same time: smaller name', classes: [cls('b', '2024-01-01T00:00:00Z', DEF_I), cls('a', '2024-01-01T00:00:00Z', DEF_I)], object: ing({}), want: 'a' },
    { name: 'storage default annotation does not count', classes: [cls('a', '2024-01-01T00:00:00Z', DEF)], object: ing({}), want: undefined },
    { name: 'explicit class kept', classes: [cls('a', '2024-01-01T00:00:00Z', DEF_I)], object: ing({ ingressClassName: 'mine' }), want: 'mine' },
    { name: 'legacy annotation (even empty) blocks defaulting', classes: [cls('a', '2024-01-01T00:00:00Z', DEF_I)], object: ing({}, { 'kubernetes.io/ingress.class': '' }), want: undefined },
    { name: 'missing spec gets one', classes: [cls('a', '2024-01-01T00:00:00Z', DEF_I)], object: ing(undefined), want: 'a' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const plugin = defaultIngressClass({ reader: new MemoryObjectReader(c.classes.map((o) => [IC, o] as const)) });
      const a = attrs({ group: 'networking.k8s.io', resource: 'ingresses', namespace: 'ns', object: c.object });
      await run(() => plugin.admit?.(a));
      assert.equal((a.object['spec'] as Record<string, unknown> | undefined)?.['ingressClassName'], c.want);
    });
  }

  it('ignores updates and core-group "ingresses"', async () => {
    const plugin = defaultIngressClass({ reader: new MemoryObjectReader([[IC, cls('a', '2024-01-01T00:00:00Z', DEF_I)]]) });
    for (const over of [{ operation: 'UPDATE' as const, group: 'networking.k8s.io' }, { group: '' }, { group: 'networking.k8s.io', subresource: 'status' }]) {
      const a = attrs({ resource: 'ingresses', ...over, object: ing({}) });
      await run(() => plugin.admit?.(a));
      assert.deepEqual(a.object['spec'], {});
    }
  });
});
