// kube's NamespaceLifecycle admission plugin (enabled by default upstream,
// and always here): a namespaced object may only be created in a namespace
// that exists (404 otherwise) and is not being deleted (403 with the
// NamespaceTerminating cause).

import { forbidden, notFound, StatusError } from '@logbook/apimachinery';
import type { KubeObject } from '@logbook/apistorage';
import type { AdmissionPlugin } from './admission.ts';

/** `getNamespace` reads the namespace object (throwing kube's 404 when it is absent). */
export function namespaceLifecycle(getNamespace: (name: string, signal?: AbortSignal) => Promise<KubeObject>): AdmissionPlugin {
  return {
    name: 'NamespaceLifecycle',
    async validate(a, signal) {
      if (a.operation !== 'CREATE' || a.namespace === '' || (a.group === '' && a.resource === 'namespaces')) return;
      let ns: KubeObject;
      try {
        ns = await getNamespace(a.namespace, signal);
      } catch (err) {
        if (err instanceof StatusError && err.status.code === 404) throw notFound({ group: '', resource: 'namespaces' }, a.namespace);
        throw err;
      }
      if (ns.metadata.deletionTimestamp !== undefined || (ns as { status?: { phase?: string } }).status?.phase === 'Terminating') {
        const message = `unable to create new content in namespace ${a.namespace} because it is being terminated`;
        const e = forbidden({ group: '', resource: '' }, '', message);
        throw new StatusError({
          ...e.status,
          message,
          details: { ...e.status.details, causes: [{ reason: 'NamespaceTerminating', message: `namespace ${a.namespace} is being terminated`, field: 'metadata.namespace' }] },
        });
      }
    },
  };
}
