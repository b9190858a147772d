// The Status objects a watch stream carries in ERROR events. kube-apiserver's
// etcd3 watcher sends these two; everything else about Status belongs to the
// registry.

import type { KubeObject } from './interface.ts';

/** A watch from a compacted revision: 410 Expired, kube's etcd3 wording. */
export function expiredWatchStatus(): KubeObject {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'The resourceVersion for the provided watch is too old.',
    reason: 'Expired',
    code: 410,
  };
}

/** A stored value the watch could not decode: 500 InternalError, as kube's transformErrorToEvent. */
export function internalErrorStatus(detail: string): KubeObject {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `Internal error occurred: ${detail}`,
    reason: 'InternalError',
    details: { causes: [{ message: detail }] },
    code: 500,
  };
}
