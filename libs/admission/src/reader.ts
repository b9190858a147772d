// What admission plugins may read: the server's current objects, served from
// the watch caches (kube's plugins read informers' listers the same way, so
// a read may trail the newest write by a watch delivery). Plugins never
// write through this; anything they must persist goes through the object
// being admitted or through a control loop.

import type { KubeObject } from '@logbook/apistorage';

export interface GroupResource {
  /** "" for the core group. */
  readonly group: string;
  readonly resource: string;
}

export interface ObjectReader {
  /** The object, or undefined when it does not exist. `namespace` is "" for cluster-scoped resources. */
  get(gr: GroupResource, namespace: string, name: string, signal?: AbortSignal): Promise<KubeObject | undefined>;
  /** Every object of the resource in `namespace` ("" = all namespaces, or the cluster scope). */
  list(gr: GroupResource, namespace: string, signal?: AbortSignal): Promise<readonly KubeObject[]>;
}
