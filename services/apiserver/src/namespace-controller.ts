// kube-controller-manager's namespace controller, run by the control plane
// and talking to the API like any client (over HTTPS with the loopback
// credential): a namespace marked for deletion (Terminating) has the
// contents of every namespaced resource deleted, then its "kubernetes"
// finalizer removed (PUT .../finalize), then it is deleted.
//
// Rule at the bound: one pass at a time, every PASS_INTERVAL_MS; a namespace
// whose contents are not gone yet (finalizers of other controllers) is
// retried on the next pass.

import type { Logger } from '@logbook/raft';
import type { ResourceInfo } from '@logbook/resources';
import type { LoopbackClient } from './loopback-client.ts';

const PASS_INTERVAL_MS = 500;

interface NamespaceObject {
  readonly metadata: { readonly name: string; readonly deletionTimestamp?: string; readonly resourceVersion?: string };
  readonly spec?: { readonly finalizers?: readonly string[] };
  readonly [k: string]: unknown;
}

export class NamespaceController {
  readonly #api: LoopbackClient;
  readonly #logger: Logger;
  /** Collections to empty: every namespaced resource that can be listed and deleted, one version each. */
  readonly #collections: readonly string[];
  #timer: NodeJS.Timeout | undefined;
  #running = false;

  constructor(api: LoopbackClient, resources: readonly ResourceInfo[], logger: Logger) {
    this.#api = api;
    this.#logger = logger;
    const seen = new Set<string>();
    const paths: string[] = [];
    for (const r of resources) {
      if (!r.namespaced || !r.verbs.includes('deletecollection') || !r.verbs.includes('list')) continue;
      const id = `${r.group}/${r.plural}`;
      if (seen.has(id)) continue;
      seen.add(id);
      paths.push(r.group === '' ? `/api/${r.version}/namespaces/{ns}/${r.plural}` : `/apis/${r.group}/${r.version}/namespaces/{ns}/${r.plural}`);
    }
    this.#collections = paths;
  }

  start(): void {
    this.#timer ??= setInterval(() => void this.#pass(), PASS_INTERVAL_MS);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #pass(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      const list = await this.#api.request('GET', '/api/v1/namespaces?resourceVersion=0');
      if (list.status !== 200) throw new Error(`listing namespaces: HTTP ${list.status}`);
      const items = (list.body as { items?: NamespaceObject[] }).items ?? [];
      for (const ns of items) if (ns.metadata.deletionTimestamp !== undefined) await this.#finish(ns.metadata.name);
    } catch (err) {
      this.#logger.warn('namespace controller pass failed; retrying', { error: err instanceof Error ? err.message : String(err) });
    } finally {
      this.#running = false;
    }
  }

  async #finish(name: string): Promise<void> {
    const ns = encodeURIComponent(name);
    let remaining = 0;
    for (const template of this.#collections) {
      const path = template.replace('{ns}', ns);
      const del = await this.#api.request('DELETE', path, { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' });
      if (del.status !== 200 && del.status !== 404) throw new Error(`DELETE ${path}: HTTP ${del.status}`);
      const left = await this.#api.request('GET', `${path}?limit=1`);
      if (left.status === 200) remaining += ((left.body as { items?: unknown[] }).items ?? []).length;
    }
    if (remaining > 0) return; // something is held by another controller's finalizer: next pass
    const current = await this.#api.request('GET', `/api/v1/namespaces/${ns}`);
    if (current.status === 404) return;
    if (current.status !== 200) throw new Error(`GET namespace ${name}: HTTP ${current.status}`);
    const obj = current.body as NamespaceObject;
    const finalizers = (obj.spec?.finalizers ?? []).filter((f) => f !== 'kubernetes');
    const put = await this.#api.request('PUT', `/api/v1/namespaces/${ns}/finalize`, { ...obj, spec: { ...obj.spec, finalizers } });
    if (put.status === 409 || put.status === 404) return; // changed meanwhile: next pass
    if (put.status !== 200) throw new Error(`PUT namespace ${name}/finalize: HTTP ${put.status}`);
    if (finalizers.length > 0) return;
    const del = await this.#api.request('DELETE', `/api/v1/namespaces/${ns}`);
    if (del.status !== 200 && del.status !== 404) throw new Error(`DELETE namespace ${name}: HTTP ${del.status}`);
    this.#logger.info('namespace deleted', { namespace: name });
  }
}
