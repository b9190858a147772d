// Every served resource's store, built from the catalogue: one ResourceStore
// per group/version/resource, all over the same storage factory. Namespace
// lifecycle (create only in an existing, active namespace) is checked here
// because it needs the namespaces store.

import { forbidden, notFound, StatusError } from '@logbook/apimachinery';
import type { KubeObject, Storage } from '@logbook/apistorage';
import { storagePrefix, type ResourceInfo } from '@logbook/resources';
import type { Environment } from './object-meta.ts';
import { ResourceStore } from './resource-store.ts';
import { strategyFor } from './strategy.ts';
import type { AdmissionChain } from './admission.ts';

export interface RegistryOptions {
  /** --etcd-prefix, e.g. "/registry". */
  readonly etcdPrefix: string;
  readonly resources: readonly ResourceInfo[];
  /** The storage for one collection key root (the watch cache wraps etcd storage per resource). */
  readonly storageFor: (keyRoot: string, info: ResourceInfo) => Storage;
  readonly env: Environment;
  /** Admission plugins every resource's writes go through (empty: none configured). */
  readonly admission?: AdmissionChain;
}

const id = (group: string, version: string, plural: string): string => `${group}/${version}/${plural}`;

export class Registry {
  readonly #stores = new Map<string, ResourceStore>();
  readonly #namespaces: ResourceStore | undefined;

  constructor(o: RegistryOptions) {
    const prefix = o.etcdPrefix.replace(/\/+$/, '');
    // One storage per key root: several versions of a resource share their keys (and their cache).
    const storages = new Map<string, Storage>();
    for (const info of o.resources) {
      const sp = storagePrefix(info);
      if (sp === undefined) continue; // not stored (reviews, bindings): served elsewhere or not at all
      const keyRoot = `${prefix}/${sp}`;
      let storage = storages.get(keyRoot);
      if (storage === undefined) {
        storage = o.storageFor(keyRoot, info);
        storages.set(keyRoot, storage);
      }
      const store = new ResourceStore({
        strategy: strategyFor(info),
        storage,
        keyRoot,
        env: o.env,
        admitNamespace: (ns, signal) => this.#admitNamespace(ns, signal),
        ...(o.admission !== undefined ? { admission: o.admission } : {}),
      });
      this.#stores.set(id(info.group, info.version, info.plural), store);
    }
    this.#namespaces = this.#stores.get(id('', 'v1', 'namespaces'));
  }

  lookup(group: string, version: string, plural: string): ResourceStore | undefined {
    return this.#stores.get(id(group, version, plural));
  }

  stores(): IterableIterator<ResourceStore> {
    return this.#stores.values();
  }

  /** kube's NamespaceLifecycle: 404 when missing, 403 (cause NamespaceTerminating) when being deleted. */
  async #admitNamespace(namespace: string, signal?: AbortSignal): Promise<void> {
    if (this.#namespaces === undefined) return;
    let ns: KubeObject;
    try {
      ns = await this.#namespaces.get({ namespace: '', ...(signal ? { signal } : {}) }, namespace);
    } catch (err) {
      if (err instanceof StatusError && err.status.code === 404) throw notFound({ group: '', resource: 'namespaces' }, namespace);
      throw err;
    }
    if (ns.metadata.deletionTimestamp !== undefined || (ns as { status?: { phase?: string } }).status?.phase === 'Terminating') {
      const e = forbidden({ group: '', resource: '' }, '', `unable to create new content in namespace ${namespace} because it is being terminated`);
      throw new StatusError({ ...e.status, message: `unable to create new content in namespace ${namespace} because it is being terminated`, details: { ...e.status.details, causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }] } });
    }
  }
}
