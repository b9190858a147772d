// DefaultStorageClass: a new PersistentVolumeClaim that names no class gets
// the cluster's default StorageClass written into spec.storageClassName.
// "Names no class" means the field is absent and the legacy
// volume.beta.kubernetes.io/storage-class annotation is absent too: an
// explicit "" asks for a PV without class and must stay "".

import type { ObjectReader } from '@logbook/admission';
import type { AdmissionAttributes, AdmissionPlugin } from '@logbook/registry';
import { annotationIsTrue, pickDefaultClass } from './default-class.ts';
import { admissionForbidden, readerFailure } from './forbidden.ts';
import { isRecord } from './json-access.ts';

export const IS_DEFAULT_STORAGE_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
export const BETA_IS_DEFAULT_STORAGE_CLASS_ANNOTATION = 'storageclass.beta.kubernetes.io/is-default-class';
export const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

const STORAGE_CLASSES = { group: 'storage.k8s.io', resource: 'storageclasses' } as const;

export interface DefaultStorageClassOptions {
  readonly reader: ObjectReader;
}

export function defaultStorageClass(opts: DefaultStorageClassOptions): AdmissionPlugin {
  const { reader } = opts;
  return {
    name: 'DefaultStorageClass',
    async admit(attrs: AdmissionAttributes, signal?: AbortSignal): Promise<void> {
      if (attrs.operation !== 'CREATE' || attrs.group !== '' || attrs.resource !== 'persistentvolumeclaims' || attrs.subresource !== '') return;
      const pvc = attrs.object as Record<string, unknown>;
      const annotations = (pvc['metadata'] as Record<string, unknown> | undefined)?.['annotations'];
      if (isRecord(annotations) && Object.hasOwn(annotations, BETA_STORAGE_CLASS_ANNOTATION)) return;
      const spec = pvc['spec'];
      // Not an object: type validation refuses it next; there is nothing to default into.
      if (!isRecord(spec)) return;
      if (spec['storageClassName'] !== undefined && spec['storageClassName'] !== null) return;

      let classes;
      try {
        classes = await reader.list(STORAGE_CLASSES, '', signal);
      } catch (err) {
        throw readerFailure(attrs, err, signal);
      }
      const def = pickDefaultClass(classes, (c) =>
        annotationIsTrue(c, IS_DEFAULT_STORAGE_CLASS_ANNOTATION) || annotationIsTrue(c, BETA_IS_DEFAULT_STORAGE_CLASS_ANNOTATION));
      if (def === undefined) return;
      const name = def.metadata.name;
      if (name === undefined || name === '') throw admissionForbidden(attrs, 'default StorageClass has no name');
      spec['storageClassName'] = name;
    },
  };
}
