// Every replica advertises itself, and every replica keeps the `kubernetes`
// Service, Endpoints and EndpointSlices in default listing the live ones
// (kube's lease endpoint reconciler, --endpoint-reconciler-type=lease):
//
//   - each pass renews this replica's Lease in kube-system, then writes the
//     endpoints from the unexpired leases; writes happen only when something
//     changed, so N replicas cost N lease renewals per period, not N² writes;
//   - a conflicting write (another replica got there first) is retried from a
//     fresh read, a few times; the next pass repairs anything left;
//   - a graceful leave deletes the lease and rewrites the endpoints without
//     this replica before the server stops serving;
//   - a crashed replica's lease runs out, and the next pass of any survivor
//     drops it (and deletes the lease, as kube's identity-lease GC does).
//
// Timing: leases last 15 s (kube's master-lease TTL) and are renewed every
// 5 s rather than kube's 10 s, so one late renewal (a store election, a GC
// pause) does not drop a healthy replica; a crashed one is gone within 15 s
// plus one pass. Expiry compares the writer's renewTime with the reader's
// clock, so replicas' clocks must agree to well under 10 s (NTP does).
//
// Bound: one pass at a time; a pass that overruns the period delays the next
// rather than overlapping it.

import { randomUUID } from 'node:crypto';
import { FieldSelector, parseLabelSelector, StatusError, type LabelSelector } from '@logbook/apimachinery';
import type { KubeObject } from '@logbook/apistorage';
import type { Timers } from '@logbook/endpoints';
import type { Logger } from '@logbook/raft';
import type { Registry, RequestScope, ResourceStore } from '@logbook/registry';
import {
  endpointSlices, endpointsObject, IDENTITY_LABEL, IDENTITY_VALUE, LEASE_NAMESPACE, leaseObject, parseLease, SERVICE_NAME, SERVICE_NAME_LABEL,
  SERVICE_NAMESPACE, serviceObject, type Replica,
} from './kubernetes-service-objects.ts';

export const DEFAULT_LEASE_DURATION_SECONDS = 15;
export const DEFAULT_RENEW_INTERVAL_MS = 5_000;
/** Attempts per object when other replicas write it concurrently. */
const CONFLICT_RETRIES = 3;

export interface ReplicaClock extends Timers {
  now(): number;
}

export interface ReplicaEndpointsOptions {
  readonly registry: Registry;
  readonly self: Replica;
  /** The first IP of --service-cluster-ip-range. */
  readonly clusterIp: string;
  readonly clock: ReplicaClock;
  readonly logger: Logger;
  readonly leaseDurationSeconds?: number;
  readonly renewIntervalMs?: number;
}

const isReason = (err: unknown, reason: string): boolean => err instanceof StatusError && err.status.reason === reason;

/** Every key of `want` has the same value in `have` (extra, defaulted fields in `have` are ignored). */
function covers(want: unknown, have: unknown): boolean {
  if (Array.isArray(want)) return Array.isArray(have) && want.length === have.length && want.every((w, i) => covers(w, have[i]));
  if (typeof want === 'object' && want !== null) {
    if (typeof have !== 'object' || have === null) return false;
    return Object.entries(want).every(([k, w]) => covers(w, (have as Record<string, unknown>)[k]));
  }
  return want === have;
}

export class ReplicaEndpoints {
  readonly #o: ReplicaEndpointsOptions;
  readonly #leaseSeconds: number;
  readonly #periodMs: number;
  readonly #leases: ResourceStore;
  readonly #endpoints: ResourceStore;
  readonly #slices: ResourceStore;
  readonly #services: ResourceStore;
  #timer: unknown;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(o: ReplicaEndpointsOptions) {
    this.#o = o;
    this.#leaseSeconds = o.leaseDurationSeconds ?? DEFAULT_LEASE_DURATION_SECONDS;
    this.#periodMs = o.renewIntervalMs ?? DEFAULT_RENEW_INTERVAL_MS;
    if (!Number.isInteger(this.#leaseSeconds) || this.#leaseSeconds <= 0) throw new RangeError(`ReplicaEndpoints: leaseDurationSeconds must be a positive integer, got ${this.#leaseSeconds}`);
    if (!(this.#periodMs > 0 && this.#periodMs < this.#leaseSeconds * 1000)) {
      throw new RangeError(`ReplicaEndpoints: renewIntervalMs must be positive and shorter than the lease (${this.#leaseSeconds} s), got ${this.#periodMs}`);
    }
    const store = (group: string, version: string, plural: string): ResourceStore => {
      const s = o.registry.lookup(group, version, plural);
      if (s === undefined) throw new Error(`ReplicaEndpoints: the registry serves no ${plural}.${group || 'core'}/${version}`);
      return s;
    };
    this.#leases = store('coordination.k8s.io', 'v1', 'leases');
    this.#endpoints = store('', 'v1', 'endpoints');
    this.#slices = store('discovery.k8s.io', 'v1', 'endpointslices');
    this.#services = store('', 'v1', 'services');
  }

  /** Runs a pass now and every renew interval until leave() or stop(). */
  start(): void {
    this.#schedule(0);
  }

  /** One pass: renew this replica's lease, then write the endpoints of every live replica. */
  sync(): Promise<void> {
    return this.#exclusive(async () => {
      await this.#renew();
      await this.#reconcile(false);
    });
  }

  /** Graceful leave: no more passes, the lease deleted, the endpoints rewritten without this replica. */
  async leave(): Promise<void> {
    this.stop();
    await this.#running;
    await this.#exclusive(async () => {
      try {
        await this.#leases.delete(this.#scope(LEASE_NAMESPACE, 'delete', 'leases', this.#o.self.identity), this.#o.self.identity, {});
      } catch (err) {
        if (!isReason(err, 'NotFound')) throw err;
      }
      await this.#reconcile(true);
    });
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#o.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = this.#o.clock.setTimeout(() => {
      this.#timer = undefined;
      this.sync().then(
        () => this.#schedule(this.#periodMs),
        (err: unknown) => {
          this.#o.logger.error('apiserver endpoint reconciliation failed', { error: err instanceof Error ? err.message : String(err) });
          this.#schedule(this.#periodMs);
        },
      );
    }, ms);
  }

  async #exclusive(pass: () => Promise<void>): Promise<void> {
    while (this.#running !== undefined) await this.#running.catch(() => undefined);
    const p = pass();
    this.#running = p;
    try {
      await p;
    } finally {
      this.#running = undefined;
    }
  }

  #scope(namespace: string, verb: string, resource: string, name = ''): RequestScope {
    return { namespace, ctx: { user: 'system:apiserver', groups: ['system:masters'], verb, resource, namespace, name, auditId: randomUUID() } };
  }

  async #renew(): Promise<void> {
    const self = this.#o.self;
    await this.#retry(async () => {
      const scope = this.#scope(LEASE_NAMESPACE, 'update', 'leases', self.identity);
      let current: KubeObject | undefined;
      try {
        current = await this.#leases.get(scope, self.identity);
      } catch (err) {
        if (!isReason(err, 'NotFound')) throw err;
      }
      const now = this.#o.clock.now();
      if (current === undefined) {
        await this.#leases.create(this.#scope(LEASE_NAMESPACE, 'create', 'leases', self.identity), leaseObject(self, now, this.#leaseSeconds));
        return;
      }
      const acquire = (current['spec'] as { acquireTime?: unknown } | undefined)?.acquireTime;
      const next = leaseObject(self, now, this.#leaseSeconds, typeof acquire === 'string' ? acquire : undefined);
      const meta = { ...(next['metadata'] as object), resourceVersion: current.metadata?.resourceVersion };
      await this.#leases.update(scope, self.identity, { ...next, metadata: meta });
    });
  }

  /** The replicas whose leases have not run out (this one excluded when leaving); expired leases are deleted. */
  async #liveReplicas(leaving: boolean): Promise<Replica[]> {
    const now = this.#o.clock.now();
    const selector: LabelSelector = parseLabelSelector(`${IDENTITY_LABEL}=${IDENTITY_VALUE}`);
    const list = await this.#leases.list(this.#scope(LEASE_NAMESPACE, 'list', 'leases'), {
      labelSelector: selector, fieldSelector: FieldSelector.everything(), resourceVersion: '', resourceVersionMatch: '', limit: 0, continue: '',
    });
    const live = new Map<string, Replica>();
    for await (const item of list.items) {
      const lease = parseLease(item);
      if (lease === undefined) continue;
      if (lease.expiresAtMs > now) {
        live.set(lease.identity, { identity: lease.identity, address: lease.address, port: lease.port });
        continue;
      }
      try {
        // Only the expired state: a replica that renews meanwhile keeps its lease.
        await this.#leases.delete(this.#scope(LEASE_NAMESPACE, 'delete', 'leases', lease.identity), lease.identity, { preconditions: { resourceVersion: lease.resourceVersion } });
        this.#o.logger.info('removed an expired apiserver lease', { name: lease.identity });
      } catch (err) {
        if (!isReason(err, 'NotFound') && !isReason(err, 'Conflict')) throw err;
      }
    }
    if (leaving) live.delete(this.#o.self.identity);
    else live.set(this.#o.self.identity, this.#o.self);
    return [...live.values()];
  }

  async #reconcile(leaving: boolean): Promise<void> {
    const replicas = await this.#liveReplicas(leaving);
    // As kube: never erase every endpoint (the last replica leaving keeps its entry; clients fail over to nothing either way).
    if (replicas.length === 0) return;
    await this.#ensureService();
    await this.#write(this.#endpoints, endpointsObject(replicas), 'endpoints');
    const slices = endpointSlices(replicas);
    for (const slice of slices) await this.#write(this.#slices, slice, 'endpointslices');
    await this.#removeStaleSlices(new Set(slices.map((s) => (s['metadata'] as { name: string }).name)));
  }

  async #ensureService(): Promise<void> {
    // Created once, never updated: replicas on one machine differ in port and would fight over targetPort.
    // Clients and kube-proxy resolve the "https" port by name through the Endpoints, which carry each replica's port.
    try {
      await this.#services.get(this.#scope(SERVICE_NAMESPACE, 'get', 'services', SERVICE_NAME), SERVICE_NAME);
      return;
    } catch (err) {
      if (!isReason(err, 'NotFound')) throw err;
    }
    try {
      await this.#services.create(this.#scope(SERVICE_NAMESPACE, 'create', 'services', SERVICE_NAME), serviceObject(this.#o.clusterIp, this.#o.self.port));
      this.#o.logger.info('created the kubernetes service', { namespace: SERVICE_NAMESPACE, name: SERVICE_NAME });
    } catch (err) {
      if (!isReason(err, 'AlreadyExists')) throw err;
    }
  }

  /** Create or update `desired` unless the stored object already says the same. */
  async #write(store: ResourceStore, desired: Record<string, unknown>, resource: string): Promise<void> {
    const meta = desired['metadata'] as { name: string; namespace: string };
    await this.#retry(async () => {
      let current: KubeObject | undefined;
      try {
        current = await store.get(this.#scope(meta.namespace, 'get', resource, meta.name), meta.name);
      } catch (err) {
        if (!isReason(err, 'NotFound')) throw err;
      }
      if (current === undefined) {
        await store.create(this.#scope(meta.namespace, 'create', resource, meta.name), desired);
        return;
      }
      if (covers(desired, current)) return;
      const body = { ...current, ...desired, metadata: { ...current.metadata, ...meta, labels: { ...current.metadata?.labels, ...(desired['metadata'] as { labels?: object }).labels } } };
      await store.update(this.#scope(meta.namespace, 'update', resource, meta.name), meta.name, body);
    });
  }

  async #removeStaleSlices(keep: ReadonlySet<string>): Promise<void> {
    const list = await this.#slices.list(this.#scope(SERVICE_NAMESPACE, 'list', 'endpointslices'), {
      labelSelector: parseLabelSelector(`${SERVICE_NAME_LABEL}=${SERVICE_NAME}`), fieldSelector: FieldSelector.everything(),
      resourceVersion: '', resourceVersionMatch: '', limit: 0, continue: '',
    });
    const stale: string[] = [];
    for await (const item of list.items) {
      const name = item.metadata?.name;
      if (typeof name === 'string' && !keep.has(name)) stale.push(name);
    }
    for (const name of stale) {
      try {
        await this.#slices.delete(this.#scope(SERVICE_NAMESPACE, 'delete', 'endpointslices', name), name, {});
      } catch (err) {
        if (!isReason(err, 'NotFound')) throw err;
      }
    }
  }

  /** Runs `attempt` again from a fresh read when another writer got in between (409), a bounded number of times. */
  async #retry(attempt: () => Promise<void>): Promise<void> {
    for (let i = 1; ; i++) {
      try {
        await attempt();
        return;
      } catch (err) {
        if (i >= CONFLICT_RETRIES || !(isReason(err, 'Conflict') || isReason(err, 'AlreadyExists'))) throw err;
      }
    }
  }
}
