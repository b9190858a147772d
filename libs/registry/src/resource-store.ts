// The one generic store every resource goes through (kube's
// registry/generic/registry.Store): server-owned metadata, optimistic
// concurrency, status semantics, graceful deletion and finalizers, selectors —
// over the Storage seam. What differs per type is in its Strategy.

import {
  badRequest, conflict, invalid, methodNotSupported, notFound, optimisticLockConflict, StatusError, successStatus,
  type FieldSelector, type GroupResource, type LabelSelector, type Status,
} from '@logbook/apimachinery';
import type { KubeObject, ListResult, Predicate, RequestContext, Storage, Watch } from '@logbook/apistorage';
import type { FieldValidation } from '@logbook/apimachinery';
import { DecodeError, decodeObject, type Definition, type SchemaSet } from '@logbook/schemas';
import { applyNamespace, text, checkTypeMeta, groupKind, mutableCopy, prepareCreate, prepareUpdate, rfc3339, type Environment } from './object-meta.ts';
import { applyPatch, type PatchType } from './patch.ts';
import { AdmissionChain, type AdmissionAttributes, type AdmissionOperation } from './admission.ts';
import type { MutableObject, Strategy } from './strategy.ts';
import { toStatusError } from './storage-status.ts';

/** Who is asking, where, and whether to persist. */
export interface RequestScope {
  /** The URL's namespace: '' for cluster-scoped kinds and for all namespaces. */
  readonly namespace: string;
  readonly ctx?: RequestContext;
  /** dryRun=All: do everything but write. */
  readonly dryRun?: boolean;
  readonly signal?: AbortSignal;
  /** How unknown fields in a body are treated (kube's default is Warn). */
  readonly fieldValidation?: FieldValidation;
  /** Collects the request's warnings (sent as Warning headers); absent = not reported. */
  readonly warnings?: string[];
}

export interface Selection {
  readonly labelSelector: LabelSelector;
  readonly fieldSelector: FieldSelector;
}

export interface ListRequest extends Selection {
  readonly resourceVersion: string;
  readonly resourceVersionMatch: 'NotOlderThan' | 'Exact' | '';
  readonly limit: number;
  readonly continue: string;
}

export interface WatchRequest extends Selection {
  readonly resourceVersion: string;
  readonly allowWatchBookmarks: boolean;
  readonly sendInitialEvents?: boolean;
}

export interface DeleteRequest {
  readonly gracePeriodSeconds?: number;
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
  readonly propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
}

/** A DELETE's outcome: the object (still there, terminating; or the kind returns it) or a Success Status. */
export type DeleteResult =
  | { readonly kind: 'object'; readonly object: KubeObject; readonly deleted: boolean }
  | { readonly kind: 'status'; readonly status: Status };

export interface ResourceStoreOptions {
  readonly strategy: Strategy;
  readonly storage: Storage;
  /** The storage key of the collection: `<etcd-prefix>/<storage prefix>`, no trailing slash. */
  readonly keyRoot: string;
  readonly env: Environment;
  /** Mutating then validating admission plugins for every write (empty by default). */
  readonly admission?: AdmissionChain;
  /** The type schemas: bodies are decoded as the kind's Go type would decode them (types checked, unknown fields dropped). */
  readonly schemas?: SchemaSet;
}

/** Finalizers a propagation policy adds (the garbage collector's; it removes them). */
const POLICY_FINALIZER: Readonly<Record<string, string>> = { Foreground: 'foregroundDeletion', Orphan: 'orphan' };

export class ResourceStore {
  readonly strategy: Strategy;
  readonly gr: GroupResource;
  readonly #storage: Storage;
  readonly #root: string;
  readonly #env: Environment;
  readonly #admission: AdmissionChain;
  readonly #schemas: SchemaSet | undefined;
  readonly #definition: Definition | undefined;

  constructor(o: ResourceStoreOptions) {
    this.strategy = o.strategy;
    this.gr = { group: o.strategy.info.group, resource: o.strategy.info.plural };
    this.#storage = o.storage;
    this.#root = o.keyRoot;
    this.#env = o.env;
    this.#admission = o.admission ?? new AdmissionChain();
    this.#schemas = o.schemas;
    const { group, version, kind } = o.strategy.info;
    this.#definition = o.schemas?.forKind({ group, version, kind });
  }

  #attributes(operation: AdmissionOperation, scope: RequestScope, name: string, subresource: string, object: AdmissionAttributes['object'], oldObject: KubeObject | undefined): AdmissionAttributes {
    const { group, version, kind, plural } = this.strategy.info;
    return { operation, group, version, kind, resource: plural, subresource, namespace: scope.namespace, name, dryRun: scope.dryRun === true, ctx: scope.ctx, object, oldObject };
  }

  get apiVersion(): string {
    const { group, version } = this.strategy.info;
    return group === '' ? version : `${group}/${version}`;
  }

  get listKind(): string {
    return `${this.strategy.info.kind}List`;
  }

  key(namespace: string, name: string): string {
    if (name === '' || name === '.' || name === '..' || name.includes('/')) throw badRequest(`invalid resource name ${JSON.stringify(name)}`);
    return this.strategy.info.namespaced ? `${this.#root}/${namespace}/${name}` : `${this.#root}/${name}`;
  }

  prefix(namespace: string): string {
    return this.strategy.info.namespaced && namespace !== '' ? `${this.#root}/${namespace}/` : `${this.#root}/`;
  }

  // ------------------------------------------------------------------ reads

  async get(scope: RequestScope, name: string, resourceVersion = ''): Promise<KubeObject> {
    const key = this.key(scope.namespace, name);
    const obj = await this.#call(name, () => this.#storage.get(key, { resourceVersion, ...(scope.signal ? { signal: scope.signal } : {}) }));
    if (obj === undefined) throw notFound(this.gr, name);
    return obj;
  }

  /** Refuses field selector labels the kind does not support: 400 `field label not supported: X`. */
  predicate(sel: Selection): Predicate | undefined {
    for (const r of sel.fieldSelector.requirements) {
      if (!this.strategy.fieldLabels.includes(r.field)) throw badRequest(`field label not supported: ${r.field}`);
    }
    if (sel.labelSelector.isEmpty() && sel.fieldSelector.isEmpty()) return undefined;
    return (obj) => sel.labelSelector.matches(obj.metadata.labels ?? {}) && sel.fieldSelector.matches(this.strategy.fieldSet(obj));
  }

  async list(scope: RequestScope, req: ListRequest): Promise<ListResult> {
    const predicate = this.predicate(req);
    const revision = Number(req.resourceVersion || 0);
    return this.#call('', () => this.#storage.getList(this.prefix(scope.namespace), {
      resourceVersion: req.resourceVersion,
      ...(req.resourceVersionMatch !== '' ? { resourceVersionMatch: req.resourceVersionMatch } : {}),
      limit: req.limit,
      continue: req.continue,
      ...(predicate !== undefined ? { predicate } : {}),
      ...(scope.signal ? { signal: scope.signal } : {}),
    }), { requestedRevision: revision, isList: true });
  }

  async watch(scope: RequestScope, req: WatchRequest): Promise<Watch> {
    const predicate = this.predicate(req);
    return this.#call('', () => this.#storage.watch(this.prefix(scope.namespace), {
      recursive: true,
      resourceVersion: req.resourceVersion,
      bookmarks: req.allowWatchBookmarks,
      ...(req.sendInitialEvents !== undefined ? { sendInitialEvents: req.sendInitialEvents } : {}),
      ...(predicate !== undefined ? { predicate } : {}),
      ...(scope.signal ? { signal: scope.signal } : {}),
    }), { requestedRevision: Number(req.resourceVersion || 0) });
  }

  // ------------------------------------------------------------------ writes

  async create(scope: RequestScope, body: unknown): Promise<KubeObject> {
    const obj = this.#decode(body, scope);
    applyNamespace(obj, this.strategy, scope.namespace);
    this.strategy.applyDefaults(obj);
    // kube's order: mutating admission, then the server's metadata and the type's validation, then validating admission.
    const requested = typeof obj.metadata.name === 'string' ? obj.metadata.name : '';
    await this.#admission.admit(this.#attributes('CREATE', scope, requested, '', obj, undefined), scope.signal);
    prepareCreate(obj, this.strategy, this.#env);
    const name = String(obj.metadata.name);
    const errs = this.strategy.validateCreate(obj);
    if (errs.length > 0) throw invalid(groupKind(this.strategy), name, errs);
    await this.#admission.validate(this.#attributes('CREATE', scope, name, '', obj, undefined), scope.signal);
    const stored = obj as unknown as KubeObject;
    if (scope.dryRun === true) return stored;
    const key = this.key(scope.namespace, name);
    return this.#call(name, () => this.#storage.create(key, stored, scope.ctx, scope.signal));
  }

  /** PUT: the whole object (main resource), or only its status / finalizers (subresources). */
  async update(scope: RequestScope, name: string, body: unknown, subresource: '' | 'status' | 'finalize' = ''): Promise<KubeObject> {
    const next = this.#decode(body, scope);
    applyNamespace(next, this.strategy, scope.namespace);
    this.strategy.applyDefaults(next);
    if (next.metadata.name !== undefined && next.metadata.name !== name) {
      throw badRequest(`the name of the object (${text(next.metadata.name)}) does not match the name on the URL (${name})`);
    }
    next.metadata.name = name;
    return this.#write(scope, name, subresource, () => next);
  }

  async patch(scope: RequestScope, name: string, type: PatchType, patch: unknown, subresource: '' | 'status' = ''): Promise<KubeObject> {
    return this.#write(scope, name, subresource, (current) => {
      const patched = applyPatch(type, current, patch, this.#schemas !== undefined && this.#definition !== undefined ? { schemas: this.#schemas, definition: this.#definition.name } : undefined);
      const obj = this.#decode(patched, scope);
      this.strategy.applyDefaults(obj);
      if (obj.metadata.name !== name) throw badRequest('metadata.name: Invalid value: the name of a patched object cannot change');
      // uid in a patch acts as a precondition.
      if (obj.metadata.uid !== undefined && obj.metadata.uid !== current.metadata.uid) {
        throw conflict(this.gr, name, `Precondition failed: UID in precondition: ${text(obj.metadata.uid)}, UID in object meta: ${current.metadata.uid ?? ''}`);
      }
      return obj;
    });
  }

  /**
   * The read-modify-write every update and patch shares: build the next
   * object from the current one (retried on a concurrent change), keep the
   * server-owned fields, check the resourceVersion the client sent, and
   * delete an object whose last finalizer just went.
   */
  /** `system`: the server's own change (marking an object deleting): stored as built, no client rules. */
  async #write(scope: RequestScope, name: string, subresource: '' | 'status' | 'finalize' | 'system', build: (current: KubeObject) => MutableObject): Promise<KubeObject> {
    if (subresource === 'status' && !this.strategy.hasStatus) throw methodNotSupported(this.gr, 'update');
    const key = this.key(scope.namespace, name);
    let finalized: KubeObject | undefined;
    const tryUpdate = async (current: KubeObject | undefined): Promise<KubeObject> => {
      if (current === undefined) throw notFound(this.gr, name);
      const next = build(current);
      const sentRv = next.metadata.resourceVersion;
      if (typeof sentRv === 'string' && sentRv !== '' && sentRv !== current.metadata.resourceVersion) throw optimisticLockConflict(this.gr, name);
      let out: MutableObject;
      if (subresource === 'system') {
        out = next;
      } else if (subresource === 'finalize') {
        out = mutableCopy(current);
        const spec = (next.spec ?? {}) as Record<string, unknown>;
        out.spec = { ...(out.spec as Record<string, unknown> | undefined), finalizers: spec.finalizers ?? [] };
      } else {
        out = prepareUpdate(next, current, this.strategy, subresource);
      }
      const sub = subresource === 'system' ? '' : subresource;
      if (subresource !== 'system') await this.#admission.admit(this.#attributes('UPDATE', scope, name, sub, out, current), scope.signal);
      const errs = subresource === '' ? this.strategy.validateName(name) : [];
      if (subresource === '' || subresource === 'status') errs.push(...this.strategy.validateUpdate(out, current, subresource));
      if (errs.length > 0) throw invalid(groupKind(this.strategy), name, errs);
      if (subresource !== 'system') await this.#admission.validate(this.#attributes('UPDATE', scope, name, sub, out, current), scope.signal);
      delete out.metadata.resourceVersion;
      const result = out as unknown as KubeObject;
      finalized = isFinalized(result) ? result : undefined;
      return result;
    };
    if (scope.dryRun === true) {
      const current = await this.get(scope, name);
      return tryUpdate(current);
    }
    const updated = await this.#call(name, () => this.#storage.guaranteedUpdate(key, tryUpdate, {
      ...(scope.ctx ? { ctx: scope.ctx } : {}),
      ...(scope.signal ? { signal: scope.signal } : {}),
    }));
    if (finalized !== undefined && isFinalized(updated)) {
      // The last finalizer of a deleting object is gone: it is removed now.
      await this.#call(name, () => this.#storage.delete(key, { preconditions: { uid: updated.metadata.uid ?? '', resourceVersion: updated.metadata.resourceVersion ?? '' }, ...(scope.ctx ? { ctx: scope.ctx } : {}) })).catch((err: unknown) => {
        // Someone else changed it meanwhile; they will finish the deletion.
        if (!(err instanceof Error && 'status' in err && (err as { status: Status }).status.code === 409)) throw err;
      });
    }
    return updated;
  }

  async delete(scope: RequestScope, name: string, req: DeleteRequest): Promise<DeleteResult> {
    const key = this.key(scope.namespace, name);
    const current = await this.get(scope, name);
    const pre = req.preconditions;
    if (pre?.uid !== undefined && pre.uid !== current.metadata.uid) {
      throw conflict(this.gr, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid ?? ''}`);
    }
    if (pre?.resourceVersion !== undefined && pre.resourceVersion !== current.metadata.resourceVersion) {
      throw conflict(this.gr, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion ?? ''}`);
    }
    await this.#admission.validate(this.#attributes('DELETE', scope, name, '', current, undefined), scope.signal);
    const policyFinalizer = req.propagationPolicy !== undefined ? POLICY_FINALIZER[req.propagationPolicy] : undefined;
    const finalizers = [...(current.metadata.finalizers ?? []), ...(policyFinalizer !== undefined && !(current.metadata.finalizers ?? []).includes(policyFinalizer) ? [policyFinalizer] : [])];
    const namespaceFinalizers = this.#isNamespace() ? ((current as { spec?: { finalizers?: unknown[] } }).spec?.finalizers ?? []) : [];
    if (finalizers.length > 0 || namespaceFinalizers.length > 0) {
      // Deferred: mark it deleting; whoever owns the finalizers removes them, and the last removal deletes it.
      if (current.metadata.deletionTimestamp !== undefined) return { kind: 'object', object: current, deleted: false };
      const marked = await this.#write(scope, name, 'system', (cur) => {
        const obj = mutableCopy(cur);
        obj.metadata.deletionTimestamp = rfc3339(this.#env.now());
        obj.metadata.deletionGracePeriodSeconds = 0;
        obj.metadata.finalizers = finalizers;
        if (this.#isNamespace()) obj.status = { ...(obj.status as Record<string, unknown> | undefined), phase: 'Terminating' };
        return obj;
      });
      return { kind: 'object', object: marked, deleted: false };
    }
    if (scope.dryRun === true) return this.#deletedResult(current);
    const deleted = await this.#call(name, () => this.#storage.delete(key, {
      preconditions: { uid: current.metadata.uid ?? '' },
      ...(scope.ctx ? { ctx: scope.ctx } : {}),
      ...(scope.signal ? { signal: scope.signal } : {}),
    }));
    return this.#deletedResult(deleted);
  }

  #deletedResult(obj: KubeObject): DeleteResult {
    if (this.strategy.returnsDeletedObject) return { kind: 'object', object: obj, deleted: true };
    return {
      kind: 'status',
      status: successStatus({ name: obj.metadata.name ?? '', group: this.gr.group, kind: this.gr.resource, ...(obj.metadata.uid !== undefined ? { uid: obj.metadata.uid } : {}) }),
    };
  }

  /** DELETE on a collection: every selected object, one by one; answers with the deleted ones. */
  async deleteCollection(scope: RequestScope, sel: ListRequest, req: DeleteRequest): Promise<KubeObject[]> {
    const listed = await this.list(scope, sel);
    const deleted: KubeObject[] = [];
    for await (const obj of listed.items) {
      try {
        const r = await this.delete({ ...scope, namespace: obj.metadata.namespace ?? scope.namespace }, obj.metadata.name ?? '', req);
        if (r.kind === 'object') deleted.push(r.object);
        else deleted.push(obj);
      } catch (err) {
        // Gone meanwhile: not an error for a collection delete.
        if (!(err instanceof StatusError && err.status.code === 404)) throw err;
      }
    }
    return deleted;
  }

  #isNamespace(): boolean {
    return this.strategy.info.group === '' && this.strategy.info.kind === 'Namespace';
  }

  #decode(body: unknown, scope: RequestScope): MutableObject {
    const { kind, version } = this.strategy.info;
    const cannot = `${kind} in version "${version}" cannot be handled as a ${kind}`;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw badRequest(`${cannot}: the object is not a JSON object`);
    }
    let obj = mutableCopy(body);
    checkTypeMeta(obj, this.strategy, { apiVersion: this.apiVersion, kind });
    if (this.#schemas === undefined || this.#definition === undefined) return obj;
    let decoded;
    try {
      decoded = decodeObject(this.#schemas, this.#definition, obj);
    } catch (err) {
      if (err instanceof DecodeError) throw badRequest(`${cannot}: ${err.message}`);
      throw err;
    }
    obj = mutableCopy(decoded.object);
    if (decoded.unknownFields.length > 0) {
      const texts = decoded.unknownFields.map((f) => `unknown field ${JSON.stringify(f)}`);
      const mode = scope.fieldValidation ?? 'Warn';
      if (mode === 'Strict') throw badRequest(`${cannot}: strict decoding error: ${texts.join(', ')}`);
      if (mode === 'Warn') scope.warnings?.push(...texts);
    }
    return obj;
  }

  async #call<T>(name: string, fn: () => Promise<T>, extra: { requestedRevision?: number; isList?: boolean } = {}): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toStatusError(err, { gr: this.gr, name, ...extra });
    }
  }
}

/** Deleting, and no finalizer left: the object should be gone. */
function isFinalized(obj: KubeObject): boolean {
  return obj.metadata.deletionTimestamp !== undefined && (obj.metadata.finalizers ?? []).length === 0 &&
    ((obj as { spec?: { finalizers?: unknown[] } }).spec?.finalizers ?? []).length === 0 && obj.kind !== 'Namespace';
}
