import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rulesFor } from '../src/index.ts';
import type { JsonObject, KindRules } from '../src/index.ts';

const msgs = (errs: readonly { message(): string }[]): string[] => errs.map((e) => e.message());
const rules = (kind: string): KindRules => {
  const r = rulesFor('', kind);
  assert.ok(r !== undefined, kind);
  return r;
};
const meta = { name: 'data', namespace: 'default' };

describe('PersistentVolumeClaim', () => {
  const pvc = rules('PersistentVolumeClaim');
  it('defaults volumeMode and phase', () => {
    const c: JsonObject = { metadata: meta, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };
    pvc.default?.(c);
    assert.equal((c['spec'] as JsonObject)['volumeMode'], 'Filesystem');
    assert.deepEqual(c['status'], { phase: 'Pending' });
    assert.deepEqual(msgs(pvc.validateCreate?.(c) ?? []), []);
  });
  const cases: { name: string; spec: JsonObject; want: string[] }[] = [
    { name: 'nothing given', spec: {}, want: ['spec.accessModes: Required value: at least 1 access mode is required', 'spec.resources[storage]: Required value'] },
    { name: 'bad modes', spec: { accessModes: ['ReadWriteOncePod', 'Sometimes'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Tape' }, want: [
      'spec.accessModes: Unsupported value: "Sometimes": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"',
      'spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes',
      'spec.volumeMode: Unsupported value: "Tape": supported values: "Block", "Filesystem"',
    ] },
    { name: 'zero storage', spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '0' } } }, want: ['spec.resources[storage]: Invalid value: "0": must be greater than zero'] },
    { name: 'bad storage class', spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'Fast_SSD' }, want: [
      'spec.storageClassName: Invalid value: "Fast_SSD": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')',
    ] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(msgs(pvc.validateCreate?.({ metadata: meta, spec: c.spec }) ?? []), c.want));

  const bound = (storage: string, extra: JsonObject = {}): JsonObject => ({
    metadata: { ...meta, resourceVersion: '4' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } }, volumeName: 'pv-1', volumeMode: 'Filesystem', ...extra },
    status: { phase: 'Bound', capacity: { storage: '10Gi' } },
  });
  it('a bound claim may grow', () => assert.deepEqual(msgs(pvc.validateUpdate?.(bound('20Gi'), bound('10Gi')) ?? []), []));
  it('a bound claim may not shrink to its capacity', () => {
    assert.deepEqual(msgs(pvc.validateUpdate?.(bound('10Gi'), bound('20Gi')) ?? []), ['spec.resources.requests.storage: Forbidden: field can not be less than status.capacity']);
  });
  it('the rest of the spec is immutable, volumeName may be set once', () => {
    const old = bound('10Gi', { volumeName: '' });
    assert.deepEqual(msgs(pvc.validateUpdate?.(bound('10Gi'), old) ?? []), []);
    assert.deepEqual(msgs(pvc.validateUpdate?.(bound('10Gi', { accessModes: ['ReadWriteMany'] }), bound('10Gi')) ?? []), [
      'spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
    ]);
  });
  it('an unbound claim may not change its request', () => {
    const pending = (storage: string): JsonObject => ({ ...bound(storage), status: { phase: 'Pending' } });
    assert.deepEqual(msgs(pvc.validateUpdate?.(pending('2Gi'), pending('1Gi')) ?? []), [
      'spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
    ]);
  });
});

describe('PersistentVolume', () => {
  const pv = rules('PersistentVolume');
  it('defaults Retain, Filesystem and Pending', () => {
    const v: JsonObject = { metadata: { name: 'pv-1' }, spec: { capacity: { storage: '5Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data' } } };
    pv.default?.(v);
    assert.equal((v['spec'] as JsonObject)['persistentVolumeReclaimPolicy'], 'Retain');
    assert.equal((v['spec'] as JsonObject)['volumeMode'], 'Filesystem');
    assert.deepEqual(msgs(pv.validateCreate?.(v) ?? []), []);
  });
  it('reports missing capacity, modes and source', () => {
    assert.deepEqual(msgs(pv.validateCreate?.({ metadata: { name: 'pv-1' }, spec: { persistentVolumeReclaimPolicy: 'Keep' } }) ?? []), [
      'spec.accessModes: Required value',
      'spec.capacity: Required value',
      'spec.capacity: Unsupported value: {}: supported values: "storage"',
      'spec.persistentVolumeReclaimPolicy: Unsupported value: "Keep": supported values: "Delete", "Recycle", "Retain"',
      'spec: Required value: must specify a volume type',
    ]);
  });
  it('allows one source only and protects / from Recycle', () => {
    const spec = { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/' }, nfs: { server: 's', path: '/x' }, persistentVolumeReclaimPolicy: 'Recycle' };
    assert.deepEqual(msgs(pv.validateCreate?.({ metadata: { name: 'pv-1' }, spec }) ?? []), [
      'spec.nfs: Forbidden: may not specify more than 1 volume type',
      "spec.persistentVolumeReclaimPolicy: Forbidden: may not be 'recycle' for a hostPath mount of '/'",
    ]);
  });
  it('the source is immutable', () => {
    const old = { metadata: { name: 'pv-1', resourceVersion: '2' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/a' }, volumeMode: 'Filesystem' } };
    const next = { ...old, spec: { ...old.spec, hostPath: { path: '/b' } } };
    assert.deepEqual(msgs(pv.validateUpdate?.(next, old) ?? []), ['spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation']);
  });
});
