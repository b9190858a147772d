// StorageObjectInUseProtection: every new PersistentVolume and
// PersistentVolumeClaim carries the protection finalizer from birth, so the
// volume protection controllers can hold deletion while a pod uses the claim
// (or a claim the volume) — adding it later would leave a window.

import type { AdmissionAttributes, AdmissionPlugin } from '@logbook/registry';

export const PV_PROTECTION_FINALIZER = 'kubernetes.io/pv-protection';
export const PVC_PROTECTION_FINALIZER = 'kubernetes.io/pvc-protection';

function finalizerFor(attrs: AdmissionAttributes): string | undefined {
  if (attrs.group !== '') return undefined;
  if (attrs.resource === 'persistentvolumes') return PV_PROTECTION_FINALIZER;
  if (attrs.resource === 'persistentvolumeclaims') return PVC_PROTECTION_FINALIZER;
  return undefined;
}

export function storageObjectInUseProtection(): AdmissionPlugin {
  return {
    name: 'StorageObjectInUseProtection',
    admit(attrs: AdmissionAttributes): void {
      if (attrs.operation !== 'CREATE' || attrs.subresource !== '') return;
      const finalizer = finalizerFor(attrs);
      if (finalizer === undefined) return;
      const metadata = (attrs.object as Record<string, unknown>)['metadata'] as Record<string, unknown>;
      const current = metadata['finalizers'];
      if (current === undefined || current === null) {
        metadata['finalizers'] = [finalizer];
        return;
      }
      // Not a list: validation refuses the object next; adding to it would only blur that error.
      if (!Array.isArray(current)) return;
      if (current.includes(finalizer)) return;
      metadata['finalizers'] = [...(current as unknown[]), finalizer];
    },
  };
}
