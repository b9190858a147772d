// PersistentVolumeClaim and PersistentVolume: kube's defaults (volumeMode
// Filesystem, reclaim policy Retain, phase Pending) and validation. A claim's
// spec is frozen after creation except for storage growth on bound claims.

import { field, FieldPath, isDNS1123Subdomain, type FieldError } from '@logbook/apimachinery';
import type { JsonObject, KindRules } from '../types.ts';
import { compareQuantities, formatQuantity, parseQuantity } from '../workloads/quantity.ts';
import { ensureObject, isObject, jsonEqual, obj, s, setDefault, str, strings } from './json.ts';
import { validateImmutable, validateObjectMeta, validateObjectMetaUpdate } from './object-meta.ts';

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'] as const;
const VOLUME_MODES = ['Block', 'Filesystem'] as const;
const RECLAIM_POLICIES = ['Delete', 'Recycle', 'Retain'] as const;
/** PV sources in the order kube checks them; the second one set is the one reported. */
const PV_SOURCES = [
  'hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'glusterfs', 'flocker', 'nfs', 'rbd', 'quobyte', 'cinder', 'cephfs',
  'iscsi', 'fc', 'azureFile', 'vsphereVolume', 'photonPersistentDisk', 'portworxVolume', 'azureDisk', 'scaleIO', 'local', 'storageos', 'csi',
] as const;
const IS_NOT_POSITIVE = 'must be greater than zero';

function validateAccessModes(modes: readonly string[], path: FieldPath, requiredDetail: string): FieldError[] {
  const errs: FieldError[] = [];
  if (modes.length === 0) errs.push(field.required(path, requiredDetail));
  for (const m of modes) if (!(ACCESS_MODES as readonly string[]).includes(m)) errs.push(field.notSupported(path, m, ACCESS_MODES));
  if (modes.includes('ReadWriteOncePod') && modes.length > 1) errs.push(field.forbidden(path, 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

function validatePositiveQuantity(text: unknown, path: FieldPath): FieldError[] {
  if (typeof text !== 'string' && typeof text !== 'number') return [];
  const q = parseQuantity(String(text));
  // Unparsable quantities are rejected when the body is decoded, before any rule runs.
  if (q === undefined) return [];
  return q.negative || q.digits === 0n ? [field.invalid(path, formatQuantity(q), IS_NOT_POSITIVE)] : [];
}

function validateClassAndMode(spec: JsonObject, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const cls = s(spec['storageClassName']);
  if (cls.length > 0) for (const m of isDNS1123Subdomain(cls)) errs.push(field.invalid(path.child('storageClassName'), cls, m));
  const mode = str(spec['volumeMode']);
  if (mode !== undefined && !(VOLUME_MODES as readonly string[]).includes(mode)) errs.push(field.notSupported(path.child('volumeMode'), mode, VOLUME_MODES));
  return errs;
}

export function defaultPersistentVolumeClaim(pvc: JsonObject): void {
  setDefault(ensureObject(pvc, 'spec'), 'volumeMode', 'Filesystem');
  setDefault(ensureObject(pvc, 'status'), 'phase', 'Pending');
}

export function validatePersistentVolumeClaim(pvc: JsonObject): FieldError[] {
  const errs = validateObjectMeta(pvc['metadata'], { namespaced: true, nameRule: 'subdomain' });
  const spec = obj(pvc['spec']) ?? {};
  const path = FieldPath.root('spec');
  errs.push(...validateAccessModes(strings(spec['accessModes']), path.child('accessModes'), 'at least 1 access mode is required'));
  const requests = obj(obj(spec['resources'])?.['requests']) ?? {};
  // kube reports the storage request at `spec.resources[storage]`.
  const storagePath = path.child('resources').key('storage');
  if (requests['storage'] === undefined) errs.push(field.required(storagePath));
  else errs.push(...validatePositiveQuantity(requests['storage'], storagePath));
  errs.push(...validateClassAndMode(spec, path));
  return errs;
}

function storageRequest(o: JsonObject): string {
  const v = obj(obj(obj(o['spec'])?.['resources'])?.['requests'])?.['storage'];
  return typeof v === 'string' || typeof v === 'number' ? String(v) : '';
}

export function validatePersistentVolumeClaimUpdate(pvc: JsonObject, old: JsonObject): FieldError[] {
  const errs = [...validateObjectMetaUpdate(pvc['metadata'], old['metadata']), ...validatePersistentVolumeClaim(pvc)];
  const newSpec = structuredClone(obj(pvc['spec']) ?? {});
  const oldSpec = structuredClone(obj(old['spec']) ?? {});
  // The binder sets volumeName once; storage may change only on a bound claim.
  if (s(oldSpec['volumeName']).length === 0) oldSpec['volumeName'] = newSpec['volumeName'];
  const bound = s(obj(pvc['status'])?.['phase']) === 'Bound';
  if (bound && isObject(newSpec['resources']) && isObject(newSpec['resources']['requests'])) {
    const oldStorage = obj(obj(oldSpec['resources'])?.['requests'])?.['storage'];
    if (oldStorage === undefined) delete newSpec['resources']['requests']['storage'];
    else newSpec['resources']['requests']['storage'] = oldStorage;
  }
  if (!jsonEqual(newSpec, oldSpec)) {
    errs.push(field.forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'));
  }
  const newSize = parseQuantity(storageRequest(pvc));
  const oldSize = parseQuantity(storageRequest(old));
  if (newSize !== undefined && oldSize !== undefined && compareQuantities(newSize, oldSize) < 0) {
    // With RecoverVolumeExpansionFailure (on in 1.33) a claim may shrink back, but not to or below its current capacity.
    const capacity = obj(obj(old['status'])?.['capacity'])?.['storage'];
    const statusSize = parseQuantity(typeof capacity === 'string' ? capacity : '0') ?? parseQuantity('0');
    if (statusSize !== undefined && compareQuantities(newSize, statusSize) <= 0) {
      errs.push(field.forbidden(FieldPath.root('spec', 'resources', 'requests', 'storage'), 'field can not be less than status.capacity'));
    }
  }
  errs.push(...validateImmutable(obj(pvc['spec'])?.['volumeMode'], obj(old['spec'])?.['volumeMode'], FieldPath.root('volumeMode')));
  return errs;
}

export function defaultPersistentVolume(pv: JsonObject): void {
  const spec = ensureObject(pv, 'spec');
  setDefault(spec, 'persistentVolumeReclaimPolicy', 'Retain');
  setDefault(spec, 'volumeMode', 'Filesystem');
  // An unset hostPath type is the empty HostPathType, which kube writes out.
  const hostPath = obj(spec['hostPath']);
  if (hostPath !== undefined) setDefault(hostPath, 'type', '');
  setDefault(ensureObject(pv, 'status'), 'phase', 'Pending');
}

export function validatePersistentVolume(pv: JsonObject): FieldError[] {
  const errs = validateObjectMeta(pv['metadata'], { namespaced: false, nameRule: 'subdomain' });
  const spec = obj(pv['spec']) ?? {};
  const path = FieldPath.root('spec');
  errs.push(...validateAccessModes(strings(spec['accessModes']), path.child('accessModes'), ''));
  const capacity = obj(spec['capacity']) ?? {};
  const keys = Object.keys(capacity);
  if (keys.length === 0) errs.push(field.required(path.child('capacity')));
  if (!keys.includes('storage') || keys.length > 1) errs.push(field.notSupported(path.child('capacity'), capacity, ['storage']));
  for (const k of keys.sort()) errs.push(...validatePositiveQuantity(capacity[k], path.child('capacity').key(k)));
  const policy = s(spec['persistentVolumeReclaimPolicy']);
  if (policy.length > 0 && !(RECLAIM_POLICIES as readonly string[]).includes(policy)) {
    errs.push(field.notSupported(path.child('persistentVolumeReclaimPolicy'), policy, RECLAIM_POLICIES));
  }
  let sources = 0;
  for (const src of PV_SOURCES) {
    if (!isObject(spec[src])) continue;
    if (sources > 0) {
      errs.push(field.forbidden(path.child(src), 'may not specify more than 1 volume type'));
      continue;
    }
    sources++;
    if ((src === 'hostPath' || src === 'local') && s(spec[src]['path']).length === 0) errs.push(field.required(path.child(src, 'path')));
  }
  if (sources === 0) errs.push(field.required(path, 'must specify a volume type'));
  const hostPath = s(obj(spec['hostPath'])?.['path']);
  if (hostPath.length > 0 && hostPath.replace(/\/+$/, '') === '' && policy === 'Recycle') {
    errs.push(field.forbidden(path.child('persistentVolumeReclaimPolicy'), "may not be 'recycle' for a hostPath mount of '/'"));
  }
  errs.push(...validateClassAndMode(spec, path));
  return errs;
}

export function validatePersistentVolumeUpdate(pv: JsonObject, old: JsonObject): FieldError[] {
  const errs = [...validateObjectMetaUpdate(pv['metadata'], old['metadata']), ...validatePersistentVolume(pv)];
  const spec = obj(pv['spec']) ?? {};
  const oldSpec = obj(old['spec']) ?? {};
  const source = (sp: JsonObject): unknown[] => PV_SOURCES.map((k) => sp[k] ?? null);
  if (!jsonEqual(source(spec), source(oldSpec))) {
    errs.push(field.forbidden(FieldPath.root('spec', 'persistentvolumesource'), 'spec.persistentvolumesource is immutable after creation'));
  }
  errs.push(...validateImmutable(spec['volumeMode'], oldSpec['volumeMode'], FieldPath.root('volumeMode')));
  return errs;
}

export const PVC_RULES: KindRules = {
  default: defaultPersistentVolumeClaim,
  validateCreate: validatePersistentVolumeClaim,
  validateUpdate: validatePersistentVolumeClaimUpdate,
  validateStatusUpdate: (pvc, old) => validateObjectMetaUpdate(pvc['metadata'], old['metadata']),
};

export const PV_RULES: KindRules = {
  default: defaultPersistentVolume,
  validateCreate: validatePersistentVolume,
  validateUpdate: validatePersistentVolumeUpdate,
  validateStatusUpdate: (pv, old) => validateObjectMetaUpdate(pv['metadata'], old['metadata']),
};
