// kube-controller-manager's namespace controller, run by the control plane:
// a namespace marked for deletion (Terminating) has its contents deleted,
// then its "kubernetes" finalizer removed (PUT /finalize), then it is deleted.
// It drives the registry in-process (the same code path the REST handlers
// use); a later issue moves the controllers behind the API's HTTP front end.
//
// Rule at the bound: one pass at a time, every PASS_INTERVAL_MS; a namespace
// whose contents are not gone yet (finalizers of other controllers) is
// retried on the next pass.

import { randomUUID } from 'node:crypto';
import { FieldSelector, LabelSelector, StatusError } from '@logbook/apimachinery';
import type { KubeObject } from '@logbook/apistorage';
import type { Logger } from '@logbook/raft';
import type { Registry, RequestScope, ResourceStore } from '@logbook/registry';

const PASS_INTERVAL_MS = 500;
const EVERYTHING = { labelSelector: LabelSelector.everything(), fieldSelector: FieldSelector.everything() };

export class NamespaceController {
  readonly #registry: Registry;
  readonly #logger: Logger;
  #timer: NodeJS.Timeout | undefined;
  #running = false;

  constructor(registry: Registry, logger: Logger) {
    this.#registry = registry;
    this.#logger = logger;
  }

  start(): void {
    this.#timer ??= setInterval(() => void this.#pass(), PASS_INTERVAL_MS);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #scope(namespace: string, verb: string, resource: string): RequestScope {
    return { namespace, ctx: { user: 'system:serviceaccount:kube-system:namespace-controller', groups: ['system:serviceaccounts'], verb, resource, namespace, auditId: randomUUID() } };
  }

  async #pass(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      const namespaces = this.#registry.lookup('', 'v1', 'namespaces');
      if (namespaces === undefined) return;
      const list = await namespaces.list(this.#scope('', 'list', 'namespaces'), { ...EVERYTHING, resourceVersion: '0', resourceVersionMatch: '', limit: 0, continue: '' });
      const terminating: KubeObject[] = [];
      for await (const ns of list.items) if (ns.metadata.deletionTimestamp !== undefined) terminating.push(ns);
      for (const ns of terminating) await this.#finish(namespaces, ns.metadata.name ?? '');
    } catch (err) {
      this.#logger.warn('namespace controller pass failed; retrying', { error: err instanceof Error ? err.message : String(err) });
    } finally {
      this.#running = false;
    }
  }

  async #finish(namespaces: ResourceStore, name: string): Promise<void> {
    let remaining = 0;
    const seen = new Set<string>();
    for (const store of this.#registry.stores()) {
      if (!store.strategy.info.namespaced) continue;
      const root = store.prefix(name);
      if (seen.has(root)) continue; // versions of one resource share their keys
      seen.add(root);
      const scope = this.#scope(name, 'deletecollection', store.gr.resource);
      await store.deleteCollection(scope, { ...EVERYTHING, resourceVersion: '', resourceVersionMatch: '', limit: 0, continue: '' }, { propagationPolicy: 'Background' });
      const left = await store.list(scope, { ...EVERYTHING, resourceVersion: '', resourceVersionMatch: '', limit: 1, continue: '' });
      for await (const _ of left.items) remaining++;
    }
    if (remaining > 0) return; // finalizers of other controllers hold something: next pass
    try {
      const current = await namespaces.get(this.#scope('', 'get', 'namespaces'), name);
      const finalizers = ((current as { spec?: { finalizers?: string[] } }).spec?.finalizers ?? []).filter((f) => f !== 'kubernetes');
      await namespaces.update(this.#scope('', 'update', 'namespaces'), name, { ...current, spec: { ...(current as { spec?: object }).spec, finalizers } }, 'finalize');
      if (finalizers.length === 0) await namespaces.delete(this.#scope('', 'delete', 'namespaces'), name, {});
      this.#logger.info('namespace deleted', { namespace: name });
    } catch (err) {
      if (err instanceof StatusError && (err.status.code === 404 || err.status.code === 409)) return;
      throw err;
    }
  }
}
