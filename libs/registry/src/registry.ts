// Every served resource's store, built from the catalogue: one ResourceStore
// per group/version/resource, all over the same storage factory, all behind
// one admission chain that starts with NamespaceLifecycle (it needs the
// namespaces store, which is why the registry builds it).

import type { Storage } from '@logbook/apistorage';
import type { SchemaSet } from '@logbook/schemas';
import { FieldManager } from '@logbook/fieldmanager';
import { storagePrefix, type ResourceInfo } from '@logbook/resources';
import type { Environment } from './object-meta.ts';
import { ResourceStore } from './resource-store.ts';
import { ServiceAllocation } from './service-allocation.ts';
import { strategyFor } from './strategy.ts';
import { AdmissionChain } from './admission.ts';
import { namespaceLifecycle } from './namespace-lifecycle.ts';
import { StatusError, type Status } from '@logbook/apimachinery';
import { evictPod } from './eviction.ts';
import type { RequestScope } from './resource-store.ts';

export interface RegistryOptions {
  /** --etcd-prefix, e.g. "/registry". */
  readonly etcdPrefix: string;
  readonly resources: readonly ResourceInfo[];
  /** The storage for one collection key root (the watch cache wraps etcd storage per resource). */
  readonly storageFor: (keyRoot: string, info: ResourceInfo) => Storage;
  readonly env: Environment;
  /** Admission plugins every resource's writes go through (empty: none configured). */
  readonly admission?: AdmissionChain;
  /** Run NamespaceLifecycle before them (kube's default; --disable-admission-plugins may turn it off). Default true. */
  readonly namespaceLifecycle?: boolean;
  /** Type schemas for decoding bodies (types, unknown fields); without them bodies are taken as sent. */
  readonly schemas?: SchemaSet;
  /** Where Services get cluster IPs and node ports (kube's --service-cluster-ip-range and --service-node-port-range). */
  readonly serviceRanges?: { readonly storage: Storage; readonly clusterIpRange: string; readonly nodePortRange: string };
}

const id = (group: string, version: string, plural: string): string => `${group}/${version}/${plural}`;

export class Registry {
  readonly #stores = new Map<string, ResourceStore>();
  readonly #namespaces: ResourceStore | undefined;
  readonly #now: () => number;

  constructor(o: RegistryOptions) {
    const prefix = o.etcdPrefix.replace(/\/+$/, '');
    this.#now = o.env.now;
    // NamespaceLifecycle first, as kube-apiserver orders its default plugins, then the configured ones.
    const lifecycle = namespaceLifecycle((name, signal) => {
      const namespaces = this.#namespaces;
      if (namespaces === undefined) return Promise.reject(new Error('no namespaces resource'));
      // kube's plugin reads its informer and looks live only on a miss: a quorum read per create halved create throughput.
      const scope = { namespace: '', ...(signal ? { signal } : {}) };
      return namespaces.get(scope, name, '0').catch((err: unknown) => {
        if (err instanceof StatusError && err.status.code === 404) return namespaces.get(scope, name);
        throw err;
      });
    });
    const admission = new AdmissionChain([...(o.namespaceLifecycle !== false ? [lifecycle] : []), ...(o.admission?.plugins ?? [])]);
    // One field manager for every kind: it is stateless apart from the schemas.
    const fieldManager = o.schemas !== undefined ? new FieldManager({ schemas: o.schemas }) : undefined;
    const services = o.serviceRanges !== undefined
      ? new ServiceAllocation({ ...o.serviceRanges, keyRoot: `${prefix}/ranges`, randomInt: o.env.randomInt })
      : undefined;
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
        admission,
        ...(o.schemas !== undefined ? { schemas: o.schemas } : {}),
        ...(fieldManager !== undefined ? { fieldManager } : {}),
        ...(services !== undefined ? { services } : {}),
      });
      this.#stores.set(id(info.group, info.version, info.plural), store);
    }
    this.#namespaces = this.#stores.get(id('', 'v1', 'namespaces'));
  }

  lookup(group: string, version: string, plural: string): ResourceStore | undefined {
    return this.#stores.get(id(group, version, plural));
  }

  /** POST pods/{name}/eviction: eviction.ts (it needs the pods and the PodDisruptionBudgets). */
  async evict(scope: RequestScope, name: string, body: unknown): Promise<Status> {
    const pods = this.#stores.get(id('', 'v1', 'pods'));
    if (pods === undefined) throw new Error('assertion failed: eviction without a pods store');
    return evictPod({ pods, pdbs: this.#stores.get(id('policy', 'v1', 'poddisruptionbudgets')), now: this.#now }, scope, name, body);
  }

  stores(): IterableIterator<ResourceStore> {
    return this.#stores.values();
  }
}
