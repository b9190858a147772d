import { MemoryObjectReader } from '@logbook/admission';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { persistentVolumeClaimResize, storageObjectInUseProtection } from '../src/index.ts';
import { attrs, rejectsWith, run } from './attrs.ts';

describe('StorageObjectInUseProtection', () => {
  const plugin = storageObjectInUseProtection();
  const cases: { name: string; resource: string; finalizers: unknown; want: unknown }[] = [
    { name: 'new PV gets pv-protection', resource: 'persistentvolumes', finalizers: undefined, want: ['kubernetes.io/pv-protection'] },
    { name: 'new PVC gets pvc-protection', resource: 'persistentvolumeclaims', finalizers: undefined, want: ['kubernetes.io/pvc-protection'] },
    { name: 'appended after existing finalizers', resource: 'persistentvolumeclaims', finalizers: ['a/b'], want: ['a/b', 'kubernetes.io/pvc-protection'] },
    { name: 'not duplicated', resource: 'persistentvolumes', finalizers: ['kubernetes.io/pv-protection'], want: ['kubernetes.io/pv-protection'] },
    { name: 'a PV does not get the PVC finalizer', resource: 'persistentvolumes', finalizers: ['kubernetes.io/pvc-protection'], want: ['kubernetes.io/pvc-protection', 'kubernetes.io/pv-protection'] },
    { name: 'null finalizers', resource: 'persistentvolumes', finalizers: null, want: ['kubernetes.io/pv-protection'] },
    { name: 'malformed finalizers left for validation', resource: 'persistentvolumes', finalizers: 'oops', want: 'oops' },
    { name: 'other resources untouched', resource: 'pods', finalizers: undefined, want: undefined },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const metadata: Record<string, unknown> = { name: 'x' };
      if (c.finalizers !== undefined) metadata['finalizers'] = c.finalizers;
      const a = attrs({ resource: c.resource, object: { metadata } });
      await run(() => plugin.admit?.(a));
      assert.deepEqual(a.object.metadata['finalizers'], c.want);
    });
  }
  it('only on create, only the main resource', async () => {
    for (const over of [{ operation: 'UPDATE' as const }, { subresource: 'status' }, { group: 'example.com' }]) {
      const a = attrs({ resource: 'persistentvolumeclaims', ...over, object: { metadata: { name: 'x' } } });
      await run(() => plugin.admit?.(a));
      assert.equal(a.object.metadata['finalizers'], undefined);
    }
  });
});

describe('PersistentVolumeClaimResize', () => {
  const SC = { group: 'storage.k8s.io', resource: 'storageclasses' };
  const reader = new MemoryObjectReader([
    [SC, { metadata: { name: 'grow' }, allowVolumeExpansion: true }],
    [SC, { metadata: { name: 'fixed' }, allowVolumeExpansion: false }],
    [SC, { metadata: { name: 'unset' } }],
  ]);
  const plugin = persistentVolumeClaimResize({ reader });
  function claim(size: string | undefined, cls: string | undefined, phase = 'Bound', annotations?: Record<string, string>): Record<string, unknown> {
    return {
      metadata: { name: 'data', namespace: 'ns', ...(annotations ? { annotations } : {}) },
      spec: { ...(cls !== undefined ? { storageClassName: cls } : {}), resources: size === undefined ? {} : { requests: { storage: size } } },
      status: { phase },
    };
  }
  const NOT_BOUND = 'persistentvolumeclaims "data" is forbidden: Only bound persistent volume claims can be expanded';
  const NO_RESIZE = 'persistentvolumeclaims "data" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize';
  const cases: { name: string; old: Record<string, unknown>; new: Record<string, unknown>; error?: string }[] = [
    { name: 'grow with expandable class', old: claim('1Gi', 'grow'), new: claim('2Gi', 'grow') },
    { name: 'grow across units (1Gi -> 1100Mi)', old: claim('1Gi', 'grow'), new: claim('1100Mi', 'grow') },
    { name: 'same size in other units is not growth', old: claim('1Gi', 'fixed'), new: claim('1024Mi', 'fixed') },
    { name: 'shrinking is not this plugin\'s business', old: claim('2Gi', 'fixed'), new: claim('1Gi', 'fixed') },
    { name: 'grow from nothing counts as growth', old: claim(undefined, 'fixed'), new: claim('1Gi', 'fixed'), error: NO_RESIZE },
    { name: 'class forbids expansion', old: claim('1Gi', 'fixed'), new: claim('2Gi', 'fixed'), error: NO_RESIZE },
    { name: 'class does not say', old: claim('1Gi', 'unset'), new: claim('2Gi', 'unset'), error: NO_RESIZE },
    { name: 'class does not exist', old: claim('1Gi', 'gone'), new: claim('2Gi', 'gone'), error: NO_RESIZE },
    { name: 'no class', old: claim('1Gi', undefined), new: claim('2Gi', undefined), error: NO_RESIZE },
    { name: 'class changed in the same update', old: claim('1Gi', 'grow'), new: claim('2Gi', 'fixed'), error: NO_RESIZE },
    { name: 'beta annotation names the class', old: claim('1Gi', undefined, 'Bound', { 'volume.beta.kubernetes.io/storage-class': 'grow' }), new: claim('2Gi', undefined, 'Bound', { 'volume.beta.kubernetes.io/storage-class': 'grow' }) },
    { name: 'beta annotation wins over the field', old: claim('1Gi', 'grow', 'Bound', { 'volume.beta.kubernetes.io/storage-class': 'fixed' }), new: claim('2Gi', 'grow', 'Bound', { 'volume.beta.kubernetes.io/storage-class': 'fixed' }), error: NO_RESIZE },
    { name: 'pending claim', old: claim('1Gi', 'grow', 'Pending'), new: claim('2Gi', 'grow', 'Pending'), error: NOT_BOUND },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const a = attrs({ operation: 'UPDATE', resource: 'persistentvolumeclaims', namespace: 'ns', name: 'data', object: c.new, oldObject: c.old });
      const p = run(() => plugin.validate?.(a));
      if (c.error === undefined) await p;
      else await rejectsWith(p, 403, 'Forbidden', c.error);
    });
  }
  it('ignores status writes and creates', async () => {
    await run(() => plugin.validate?.(attrs({ operation: 'UPDATE', resource: 'persistentvolumeclaims', subresource: 'status', name: 'data', object: claim('2Gi', 'fixed'), oldObject: claim('1Gi', 'fixed') })));
    await run(() => plugin.validate?.(attrs({ resource: 'persistentvolumeclaims', object: claim('2Gi', 'fixed') })));
  });
});
