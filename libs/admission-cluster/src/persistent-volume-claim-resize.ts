// PersistentVolumeClaimResize: a claim may only grow when it is bound and
// its StorageClass says allowVolumeExpansion: true. Shrinking or keeping the
// size is left to validation (which refuses shrinking on its own terms).

import type { ObjectReader } from '@logbook/admission';
import type { AdmissionAttributes, AdmissionPlugin } from '@logbook/registry';
import { compareQuantities, parseQuantity, type Quantity } from '@logbook/validation';
import { BETA_STORAGE_CLASS_ANNOTATION } from './default-storage-class.ts';
import { admissionForbidden, readerFailure } from './forbidden.ts';
import { stringAt, valueAt } from './json-access.ts';

const STORAGE_CLASSES = { group: 'storage.k8s.io', resource: 'storageclasses' } as const;
const ZERO: Quantity = mustParse('0');

function mustParse(text: string): Quantity {
  const q = parseQuantity(text);
  if (q === undefined) throw new Error(`assertion failed: ${text} is a quantity`);
  return q;
}

export interface PersistentVolumeClaimResizeOptions {
  readonly reader: ObjectReader;
}

// An absent or unreadable size is Go's zero Quantity (validation has already refused a malformed one).
function requestedStorage(pvc: unknown): Quantity {
  const text = valueAt(pvc, 'spec', 'resources', 'requests', 'storage');
  return typeof text === 'string' ? parseQuantity(text) ?? ZERO : ZERO;
}

/** helper.GetPersistentVolumeClaimClass: the beta annotation wins over spec.storageClassName. */
export function claimClass(pvc: unknown): string {
  const annotations = valueAt(pvc, 'metadata', 'annotations');
  const beta = stringAt(annotations, BETA_STORAGE_CLASS_ANNOTATION);
  if (beta !== undefined) return beta;
  return stringAt(pvc, 'spec', 'storageClassName') ?? '';
}

export function persistentVolumeClaimResize(opts: PersistentVolumeClaimResizeOptions): AdmissionPlugin {
  const { reader } = opts;

  async function allowResize(attrs: AdmissionAttributes, signal: AbortSignal | undefined): Promise<boolean> {
    const cls = claimClass(attrs.object);
    const oldCls = claimClass(attrs.oldObject);
    if (cls === '' || oldCls === '' || cls !== oldCls) return false;
    let sc;
    try {
      sc = await reader.get(STORAGE_CLASSES, '', cls, signal);
    } catch (err) {
      // kube treats any lister failure as "not allowed"; an abort still ends the request.
      if (signal?.aborted === true) throw readerFailure(attrs, err, signal);
      return false;
    }
    return sc !== undefined && sc['allowVolumeExpansion'] === true;
  }

  return {
    name: 'PersistentVolumeClaimResize',
    async validate(attrs: AdmissionAttributes, signal?: AbortSignal): Promise<void> {
      if (attrs.operation !== 'UPDATE' || attrs.group !== '' || attrs.resource !== 'persistentvolumeclaims' || attrs.subresource !== '') return;
      if (attrs.oldObject === undefined) return;
      const newSize = requestedStorage(attrs.object);
      const oldSize = requestedStorage(attrs.oldObject);
      if (compareQuantities(newSize, oldSize) <= 0) return;
      if (stringAt(attrs.oldObject, 'status', 'phase') !== 'Bound') {
        throw admissionForbidden(attrs, 'Only bound persistent volume claims can be expanded');
      }
      if (!(await allowResize(attrs, signal))) {
        throw admissionForbidden(attrs, 'only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize');
      }
    },
  };
}
