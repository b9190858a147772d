// Three of kube-controller-manager's loops that the admission chain relies
// on, run by the control plane and talking to the API like any client (over
// HTTPS with the loopback credential, as the namespace controller does):
//   - serviceaccount: a `default` ServiceAccount in every active namespace;
//   - root-ca-cert-publisher: the `kube-root-ca.crt` ConfigMap (the CA that
//     verifies this API server) in every active namespace, kept current;
//   - clusterrole-aggregation: an aggregating ClusterRole's rules written back
//     as the union of the roles its selectors match;
//   - resourcequota: each ResourceQuota's status (hard and used) recomputed
//     from the objects it counts — at once for a quota whose status does not
//     match its spec yet, every resync for the rest (usage given back by
//     deletions shows up then; admission charges creations as they commit).
// Every replica runs them: each write is a create (409 when another replica
// got there first) or an update with the read resourceVersion (409 on a
// race), so concurrent runs converge without a leader.
//
// Rule at the bound: one pass at a time. A fast tick lists the namespaces
// (from the watch cache) and settles new ones at once, so a pod created right
// after its namespace finds its account (the ServiceAccount plugin also
// retries for the default account, as kube's does); everything is
// re-checked on every RESYNC_MS tick, which also retries failed writes.

import type { KubeObject } from '@logbook/apistorage';
import { aggregatedRulesFor, type ClusterRole } from '@logbook/authz';
import { computeQuotaStatus, quotaStatusChanged, resourcesToList } from '@logbook/resource-quota';
import type { ResourceInfo } from '@logbook/resources';
import type { Logger } from '@logbook/raft';
import type { ApiReply, LoopbackClient } from './loopback-client.ts';

const TICK_MS = 200;
const RESYNC_MS = 5_000;
export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
/** kube's description annotation on the published CA bundle. */
const ROOT_CA_DESCRIPTION = 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

interface Meta {
  readonly name: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
  readonly deletionTimestamp?: string;
  readonly annotations?: Readonly<Record<string, string>>;
}
interface Obj {
  readonly metadata: Meta;
  readonly [k: string]: unknown;
}

export interface ControlLoopsOptions {
  /** PEM bundle published as kube-root-ca.crt's ca.crt. */
  readonly rootCaPem: string;
  /** The served resources: where a quota's counted kinds are listed. */
  readonly resources: readonly ResourceInfo[];
  readonly logger: Logger;
  readonly now?: () => number;
}

export class ControlLoops {
  readonly #api: LoopbackClient;
  readonly #o: ControlLoopsOptions;
  /** Namespaces (name/uid) settled since the last resync; a new uid is a new namespace. */
  #settled = new Set<string>();
  #lastResync = 0;
  #timer: NodeJS.Timeout | undefined;
  #running = false;

  constructor(api: LoopbackClient, o: ControlLoopsOptions) {
    this.#api = api;
    this.#o = o;
  }

  start(): void {
    this.#timer ??= setInterval(() => void this.#tick(), TICK_MS);
    this.#timer.unref();
    void this.#tick();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** One pass now (tests and start-up); resolves when it is done. */
  async runOnce(): Promise<void> {
    this.#lastResync = 0;
    await this.#tick();
  }

  async #tick(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      const now = Date.now();
      const resync = now - this.#lastResync >= RESYNC_MS;
      if (resync) {
        this.#lastResync = now;
        this.#settled = new Set();
      }
      await this.#namespaces();
      await this.#quotas(resync);
      if (resync) await this.#aggregate();
    } catch (err) {
      this.#o.logger.warn('control loops: pass failed; retrying', { error: err instanceof Error ? err.message : String(err) });
    } finally {
      this.#running = false;
    }
  }

  async #namespaces(): Promise<void> {
    const list = await this.#list('/api/v1/namespaces?resourceVersion=0');
    for (const ns of list) {
      const phase = (ns.status as { phase?: string } | undefined)?.phase;
      if (ns.metadata.deletionTimestamp !== undefined || phase === 'Terminating') continue;
      const id = `${ns.metadata.name}/${ns.metadata.uid ?? ''}`;
      if (this.#settled.has(id)) continue;
      const ok = (await this.#serviceAccount(ns.metadata.name)) && (await this.#rootCa(ns.metadata.name));
      // Bounded by the namespaces that exist; cleared on every resync.
      if (ok) this.#settled.add(id);
    }
  }

  /** The `default` ServiceAccount; true when it exists afterwards. */
  async #serviceAccount(ns: string): Promise<boolean> {
    const path = `/api/v1/namespaces/${encodeURIComponent(ns)}/serviceaccounts`;
    const got = await this.#api.request('GET', `${path}/default?resourceVersion=0`);
    if (got.status === 200) return true;
    if (got.status !== 404) return this.#failed('GET', `${path}/default`, got);
    const made = await this.#api.request('POST', path, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } });
    if (made.status === 201 || made.status === 409) return true;
    return this.#failed('POST', path, made);
  }

  /** kube-root-ca.crt with the current CA; true when it is current afterwards. */
  async #rootCa(ns: string): Promise<boolean> {
    const path = `/api/v1/namespaces/${encodeURIComponent(ns)}/configmaps`;
    const want = { 'ca.crt': this.#o.rootCaPem };
    const got = await this.#api.request('GET', `${path}/${ROOT_CA_CONFIGMAP}?resourceVersion=0`);
    if (got.status === 404) {
      const made = await this.#api.request('POST', path, {
        apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: ROOT_CA_CONFIGMAP, annotations: { 'kubernetes.io/description': ROOT_CA_DESCRIPTION } }, data: want,
      });
      if (made.status === 201 || made.status === 409) return true;
      return this.#failed('POST', path, made);
    }
    if (got.status !== 200) return this.#failed('GET', `${path}/${ROOT_CA_CONFIGMAP}`, got);
    const cm = got.body as Obj & { data?: Record<string, string> };
    const annotations = cm.metadata.annotations ?? {};
    if (cm.data?.['ca.crt'] === want['ca.crt'] && Object.keys(cm.data).length === 1 && annotations['kubernetes.io/description'] === ROOT_CA_DESCRIPTION) return true;
    // Someone changed it (or the CA rotated): put back what the publisher owns, keeping the rest of the object.
    const next = { ...cm, metadata: { ...cm.metadata, annotations: { ...annotations, 'kubernetes.io/description': ROOT_CA_DESCRIPTION } }, data: want };
    const put = await this.#api.request('PUT', `${path}/${ROOT_CA_CONFIGMAP}`, next);
    if (put.status === 200 || put.status === 409) return put.status === 200;
    return this.#failed('PUT', `${path}/${ROOT_CA_CONFIGMAP}`, put);
  }

  async #aggregate(): Promise<void> {
    const roles = (await this.#list('/apis/rbac.authorization.k8s.io/v1/clusterroles?resourceVersion=0')) as unknown as ClusterRole[];
    for (const role of roles) {
      if (role.aggregationRule === undefined || role.aggregationRule === null) continue;
      const agg = aggregatedRulesFor(role, roles);
      if (agg.error !== undefined) {
        this.#o.logger.warn('clusterrole aggregation: invalid selector', { clusterRole: role.metadata.name, error: agg.error });
        continue;
      }
      if (JSON.stringify(agg.rules) === JSON.stringify(role.rules ?? [])) continue;
      const path = `/apis/rbac.authorization.k8s.io/v1/clusterroles/${encodeURIComponent(role.metadata.name)}`;
      const put = await this.#api.request('PUT', path, { ...role, rules: agg.rules });
      // 409: the role changed meanwhile; the next resync sees the new one.
      if (put.status !== 200 && put.status !== 409) this.#failed('PUT', path, put);
    }
  }

  async #quotas(all: boolean): Promise<void> {
    const quotas = (await this.#list('/api/v1/resourcequotas?resourceVersion=0')) as unknown as (KubeObject & Obj)[];
    for (const q of quotas) {
      const ns = q.metadata.namespace ?? '';
      const spec = (q.spec as { hard?: Record<string, string> } | undefined)?.hard ?? {};
      const recorded = (q.status as { hard?: Record<string, string> } | undefined)?.hard ?? {};
      const settled = Object.keys(spec).length === Object.keys(recorded).length && Object.entries(spec).every(([k, v]) => recorded[k] === v);
      if (!all && settled) continue;
      const lists = new Map<string, readonly KubeObject[]>();
      for (const gr of resourcesToList(q)) {
        const info = this.#o.resources.find((r) => r.group === gr.group && r.plural === gr.resource && r.verbs.includes('list'));
        if (info === undefined) continue;
        const base = info.group === '' ? `/api/${info.version}` : `/apis/${info.group}/${info.version}`;
        // At least as new as the quota read: a charge the quota already holds must be among the objects counted,
        // or the recount would give it back (the watch cache waits until it has caught up to that revision).
        const rv = encodeURIComponent(q.metadata.resourceVersion ?? '0');
        lists.set(`${gr.group}/${gr.resource}`, (await this.#list(`${base}/namespaces/${encodeURIComponent(ns)}/${info.plural}?resourceVersion=${rv}&resourceVersionMatch=NotOlderThan`)) as unknown as KubeObject[]);
      }
      const status = computeQuotaStatus(q, (gr) => lists.get(`${gr.group}/${gr.resource}`) ?? [], (this.#o.now ?? Date.now)());
      if (!quotaStatusChanged(q, status)) continue;
      const path = `/api/v1/namespaces/${encodeURIComponent(ns)}/resourcequotas/${encodeURIComponent(q.metadata.name ?? '')}/status`;
      // The resourceVersion read is the precondition: a charge committed meanwhile makes this a 409, and the next pass recounts.
      const put = await this.#api.request('PUT', path, { ...q, status });
      if (put.status !== 200 && put.status !== 409) this.#failed('PUT', path, put);
    }
  }

  async #list(path: string): Promise<Obj[]> {
    const r = await this.#api.request('GET', path);
    if (r.status !== 200) throw new Error(`GET ${path}: HTTP ${r.status}`);
    return (r.body as { items?: Obj[] }).items ?? [];
  }

  #failed(method: string, path: string, r: ApiReply): false {
    // 403/404 while a namespace is being deleted are expected; the next pass skips it.
    const m = typeof r.body === 'object' && r.body !== null ? (r.body as { message?: unknown }).message : r.body;
    const message = typeof m === 'string' ? m : '';
    this.#o.logger.debug('control loops: request failed', { method, path, status: r.status, message });
    return false;
  }
}
