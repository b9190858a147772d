// Cluster IPs and node ports for Services, as kube's service REST storage
// hands them out: allocated before validation on create (a requested value
// must be free and in range), kept across updates that omit them, released
// when the service is deleted or stops needing them, and given back when the
// write that took them fails. The allocated sets live in the store under
// <prefix>/ranges/serviceips and <prefix>/ranges/servicenodeports (kube's
// RangeAllocation keys), written with a resourceVersion precondition so
// concurrent apiservers never hand out one value twice.

import { internalError, invalid, type FieldError, type RandomInt } from '@logbook/apimachinery';
import { StorageError, type KubeObject, type Storage } from '@logbook/apistorage';
import {
  AllocationError, ClusterIpAllocator, clusterIPAllocationFieldError, dynamicAllocationMessage, NodePortAllocator, nodePortAllocationFieldError,
  setServiceIPFamilies, type AllocationSnapshot, type AllocationStore,
} from '@logbook/validation';

type Json = Record<string, unknown>;

/** One range's allocated set, kept as a RangeAllocation-like object at `key`. */
class StoredAllocation<T extends string | number> implements AllocationStore<T> {
  readonly #storage: Storage;
  readonly #key: string;
  readonly #range: string;
  readonly #parse: (s: string) => T;

  constructor(storage: Storage, key: string, range: string, parse: (s: string) => T) {
    this.#storage = storage;
    this.#key = key;
    this.#range = range;
    this.#parse = parse;
  }

  async read(): Promise<AllocationSnapshot<T>> {
    let obj: (KubeObject & { allocated?: string[] }) | undefined;
    try {
      obj = (await this.#storage.get(this.#key, { resourceVersion: '' }));
    } catch (err) {
      if (!(err instanceof StorageError && err.code === 'keyNotFound')) throw err;
    }
    if (obj === undefined) return { allocated: new Set<T>(), version: '' };
    return { allocated: new Set((obj.allocated ?? []).map(this.#parse)), version: obj.metadata.resourceVersion ?? '' };
  }

  async compareAndSet(allocated: ReadonlySet<T>, expectedVersion: string): Promise<boolean> {
    const body = { kind: 'RangeAllocation', apiVersion: 'v1', metadata: { name: this.#key.slice(this.#key.lastIndexOf('/') + 1) }, range: this.#range, allocated: [...allocated].map(String).sort() };
    try {
      if (expectedVersion === '') {
        await this.#storage.create(this.#key, body);
        return true;
      }
      await this.#storage.guaranteedUpdate(this.#key, (current) => {
        if (current?.metadata.resourceVersion !== expectedVersion) throw new StaleVersion();
        return Promise.resolve(body as unknown as KubeObject);
      }, {});
      return true;
    } catch (err) {
      // Another apiserver wrote first (or created the key first): the caller re-reads and tries again.
      if (err instanceof StaleVersion) return false;
      if (err instanceof StorageError && (err.code === 'keyExists' || err.code === 'resourceVersionConflict' || err.code === 'preconditionFailed' || err.code === 'keyNotFound')) return false;
      throw err;
    }
  }
}

class StaleVersion extends Error {}

export interface ServiceAllocationOptions {
  readonly storage: Storage;
  /** `<etcd prefix>/ranges`. */
  readonly keyRoot: string;
  /** --service-cluster-ip-range (the primary family's CIDR). */
  readonly clusterIpRange: string;
  /** --service-node-port-range, e.g. `30000-32767`. */
  readonly nodePortRange: string;
  readonly randomInt: RandomInt;
}

/** What a create or update took, to give back if the write fails. */
export interface Taken {
  readonly ips: string[];
  readonly ports: number[];
}

const SERVICE_GK = { group: '', kind: 'Service' };

function specOf(svc: Json): Json {
  const spec = svc.spec;
  if (spec !== null && typeof spec === 'object' && !Array.isArray(spec)) return spec as Json;
  const fresh: Json = {};
  svc.spec = fresh;
  return fresh;
}

/** The spec to read (never creates one: the objects read here are answers and stored state). */
function readSpec(svc: object): Json {
  const spec = (svc as Json).spec;
  return spec !== null && typeof spec === 'object' && !Array.isArray(spec) ? (spec as Json) : {};
}

const needsClusterIP = (spec: Json): boolean => spec.type !== 'ExternalName' && spec.clusterIP !== 'None';
const needsNodePorts = (spec: Json): boolean => spec.type === 'NodePort' || spec.type === 'LoadBalancer';
const portsOf = (spec: Json): Json[] => (Array.isArray(spec.ports) ? (spec.ports as unknown[]).filter((p): p is Json => p !== null && typeof p === 'object') : []);

export class ServiceAllocation {
  readonly #ips: ClusterIpAllocator;
  readonly #ports: NodePortAllocator;

  constructor(o: ServiceAllocationOptions) {
    this.#ips = new ClusterIpAllocator({ cidr: o.clusterIpRange, randomInt: o.randomInt, store: new StoredAllocation(o.storage, `${o.keyRoot}/serviceips`, o.clusterIpRange, (s) => s) });
    this.#ports = new NodePortAllocator({ range: o.nodePortRange, randomInt: o.randomInt, store: new StoredAllocation(o.storage, `${o.keyRoot}/servicenodeports`, o.nodePortRange, Number) });
  }

  /** Fills in clusterIP(s), ip families and node ports of a new service; 422 with kube's field errors when a requested value is taken or out of range. */
  async allocateForCreate(svc: Json, name: string): Promise<Taken> {
    const taken: Taken = { ips: [], ports: [] };
    try {
      await this.#allocate(svc, undefined, name, taken);
    } catch (err) {
      await this.release(taken);
      throw err;
    }
    return taken;
  }

  /** On update: values the client omitted were restored by the defaults; new ones are allocated, ones no longer needed are returned by `releaseAfterUpdate`. */
  async allocateForUpdate(svc: Json, old: KubeObject, name: string): Promise<Taken> {
    const taken: Taken = { ips: [], ports: [] };
    try {
      await this.#allocate(svc, old, name, taken);
    } catch (err) {
      await this.release(taken);
      throw err;
    }
    return taken;
  }

  async #allocate(svc: Json, old: Json | undefined, name: string, taken: Taken): Promise<void> {
    const spec = specOf(svc);
    const oldSpec = old !== undefined ? readSpec(old) : {};
    const errs: FieldError[] = [];
    if (needsClusterIP(spec)) {
      const requested = typeof spec.clusterIP === 'string' ? spec.clusterIP : '';
      const had = typeof oldSpec.clusterIP === 'string' && oldSpec.clusterIP !== 'None' ? oldSpec.clusterIP : '';
      if (requested === '' || requested !== had) {
        try {
          const ip = requested === '' ? await this.#ips.allocateNext() : await this.#ips.allocate(requested);
          taken.ips.push(ip);
          spec.clusterIP = ip;
          spec.clusterIPs = [ip];
        } catch (err) {
          if (!(err instanceof AllocationError)) throw err;
          if (requested === '') throw internalError(new Error(dynamicAllocationMessage('serviceIP', err)));
          errs.push(clusterIPAllocationFieldError(err, requested, [requested]));
        }
      }
      setServiceIPFamilies(svc, this.#ips.family);
    } else if (spec.clusterIP === 'None') {
      spec.clusterIPs = ['None'];
      setServiceIPFamilies(svc, this.#ips.family);
    }
    if (needsNodePorts(spec)) {
      const oldPorts = new Set(portsOf(oldSpec).map((p) => p.nodePort).filter((p): p is number => typeof p === 'number'));
      for (const [i, p] of portsOf(spec).entries()) {
        const requested = typeof p.nodePort === 'number' ? p.nodePort : 0;
        if (requested !== 0 && oldPorts.has(requested)) continue;
        try {
          const port = requested === 0 ? await this.#ports.allocateNext() : await this.#ports.allocate(requested);
          taken.ports.push(port);
          p.nodePort = port;
        } catch (err) {
          if (!(err instanceof AllocationError)) throw err;
          if (requested === 0) throw internalError(new Error(dynamicAllocationMessage('nodePort', err)));
          errs.push(nodePortAllocationFieldError(err, i, requested));
        }
      }
    }
    if (errs.length > 0) throw invalid(SERVICE_GK, name, errs);
  }

  /** What an update gave up: the old values the new object no longer holds. */
  static dropped(updated: KubeObject, old: KubeObject): Taken {
    const spec = readSpec(updated);
    const oldSpec = readSpec(old);
    const keepIps = new Set(needsClusterIP(spec) && Array.isArray(spec.clusterIPs) ? (spec.clusterIPs as string[]) : []);
    const keepPorts = new Set(needsNodePorts(spec) ? portsOf(spec).map((p) => p.nodePort) : []);
    return {
      ips: (Array.isArray(oldSpec.clusterIPs) ? (oldSpec.clusterIPs as string[]) : []).filter((ip) => ip !== 'None' && !keepIps.has(ip)),
      ports: portsOf(oldSpec).map((p) => p.nodePort).filter((p): p is number => typeof p === 'number' && !keepPorts.has(p)),
    };
  }

  /** Everything a deleted service held. */
  static held(svc: KubeObject): Taken {
    const spec = readSpec(svc);
    return {
      ips: (Array.isArray(spec.clusterIPs) ? (spec.clusterIPs as string[]) : []).filter((ip) => ip !== 'None'),
      ports: portsOf(spec).map((p) => p.nodePort).filter((p): p is number => typeof p === 'number'),
    };
  }

  /** Gives values back; a value already free is not an error (a retried release). */
  async release(t: Taken): Promise<void> {
    for (const ip of t.ips) await this.#ips.release(ip).catch(ignoreAllocationError);
    for (const port of t.ports) await this.#ports.release(port).catch(ignoreAllocationError);
  }
}

function ignoreAllocationError(err: unknown): void {
  if (!(err instanceof AllocationError)) throw err;
}
