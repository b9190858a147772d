// PersistentVolumeClaims: counted, storage requested (whole bytes, the
// larger of the request and what was allocated on expansion), both also
// per storage class. Charged on update (a claim can grow) and on status
// updates (allocation changes); kube checks no bound on status updates.

import { field, str, type JsonObject } from '../json.ts';
import { compareQuantities } from '@logbook/validation';
import { ceilToWhole, countQuantity } from '../quantity-arith.ts';
import { decodeList, type Usage } from '../resource-list.ts';
import { matchesNoScope, objectCountName, type Evaluator } from './evaluator.ts';

const GR = { group: '', resource: 'persistentvolumeclaims' } as const;
const COUNT = objectCountName(GR);
const STORAGE_CLASS_SUFFIX = '.storageclass.storage.k8s.io/';
const PVC_RESOURCES = ['persistentvolumeclaims', 'requests.storage'] as const;
const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

/** The claim's class: the beta annotation wins when present (even empty), as kube's GetPersistentVolumeClaimClass. */
function storageClassOf(pvc: JsonObject): string {
  const annotations = field(field(pvc, 'metadata'), 'annotations');
  const beta = annotations?.[BETA_STORAGE_CLASS_ANNOTATION];
  if (typeof beta === 'string') return beta;
  return str(field(pvc, 'spec'), 'storageClassName') ?? '';
}

function matchingResources(input: readonly string[]): string[] {
  return input.filter((name) => name === COUNT || (PVC_RESOURCES as readonly string[]).includes(name) || PVC_RESOURCES.some((r) => name.endsWith(STORAGE_CLASS_SUFFIX + r)));
}

function usage(pvc: JsonObject): Usage {
  const out: Usage = new Map([
    ['persistentvolumeclaims', countQuantity(1)],
    [COUNT, countQuantity(1)],
  ]);
  const sc = storageClassOf(pvc);
  if (sc !== '') out.set(`${sc}${STORAGE_CLASS_SUFFIX}persistentvolumeclaims`, countQuantity(1));
  const requested = decodeList(field(field(field(pvc, 'spec'), 'resources'), 'requests')).get('storage');
  if (requested === undefined) return out;
  let storage = ceilToWhole(requested);
  const allocated = decodeList(field(field(pvc, 'status'), 'allocatedResources')).get('storage');
  if (allocated !== undefined && compareQuantities(allocated, storage) > 0) storage = ceilToWhole(allocated);
  out.set('requests.storage', storage);
  if (sc !== '') out.set(`${sc}${STORAGE_CLASS_SUFFIX}requests.storage`, storage);
  return out;
}

export const persistentVolumeClaimEvaluator: Evaluator = {
  groupResource: GR,
  // kube's status check compares two fresh pointers, so every status update is charged (by its delta).
  handles: (operation) => operation === 'CREATE' || operation === 'UPDATE',
  matchingResources,
  matchesScope: matchesNoScope,
  constraints: () => undefined,
  usage: (obj) => usage(obj),
};
