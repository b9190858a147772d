// The one generic store every resource goes through (kube's
// registry/generic/registry.Store): server-owned metadata, optimistic
// concurrency, status semantics, graceful deletion and finalizers, selectors —
// over the Storage seam. What differs per type is in its Strategy.

import {
  badRequest, conflict, failure, invalid, methodNotSupported, notFound, optimisticLockConflict, StatusError, successStatus,
  unknownReason, unsupportedMediaType, type FieldError, type FieldSelector, type GroupResource, type LabelSelector, type Status,
} from '@logbook/apimachinery';
import { StorageError, type CompanionWrite, type KubeObject, type ListResult, type Predicate, type RequestContext, type Storage, type Watch } from '@logbook/apistorage';
import type { FieldValidation } from '@logbook/apimachinery';
import { bodyDiagnostics, strictDecodingFindings, yamlUnmarshalErrors, type BodyDiagnostics } from '@logbook/apimachinery';
import { DecodeError, decodeObject, enumErrors, mergeFieldErrors, type Definition, type SchemaSet } from '@logbook/schemas';
import { ApplyConflictError, FIELD_MANAGER_ERROR_STATUS, FieldManagerError, type FieldManager } from '@logbook/fieldmanager';
import { applyNamespace, text, checkTypeMeta, groupKind, mutableCopy, prepareCreate, prepareUpdate, type Environment } from './object-meta.ts';
import { applyPatch, type PatchType } from './patch.ts';
import { AdmissionChain, type AdmissionAttributes, type AdmissionOperation } from './admission.ts';
import type { MutableObject, Strategy } from './strategy.ts';
import { toStatusError } from './storage-status.ts';
import { replicasOf, scaleOf } from './scale.ts';
import { ServiceAllocation, type Taken } from './service-allocation.ts';
import { prepareServiceForUpdate } from '@logbook/validation';
import { deleteObject, type DeleteRequest, type DeleteResult, type DeleteSteps } from './graceful-delete.ts';
import { bindPod } from './pod-binding.ts';

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
  /** Collects the audit annotations admission adds (written on the request's audit event); absent = not recorded. */
  readonly auditAnnotations?: Map<string, string>;
  /** Who is writing, for managedFields: the fieldManager option, else the User-Agent's program name. */
  readonly fieldManager?: string;
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

export type { DeleteRequest, DeleteResult } from './graceful-delete.ts';

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
  /** Tracks managedFields on every write and runs server-side apply (needs schemas). */
  readonly fieldManager?: FieldManager;
  /** Cluster IPs and node ports (Services only). */
  readonly services?: ServiceAllocation;
}

export class ResourceStore {
  readonly strategy: Strategy;
  readonly gr: GroupResource;
  readonly #storage: Storage;
  readonly #root: string;
  readonly #env: Environment;
  readonly #admission: AdmissionChain;
  readonly #schemas: SchemaSet | undefined;
  readonly #definition: Definition | undefined;
  readonly #fieldManager: FieldManager | undefined;
  readonly #services: ServiceAllocation | undefined;

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
    this.#fieldManager = this.#definition !== undefined ? o.fieldManager : undefined;
    this.#services = group === '' && kind === 'Service' ? o.services : undefined;
  }

  /** managedFields after a create or update by `scope`'s manager (kube's fieldmanager on every write). */
  #trackFields(scope: RequestScope, live: KubeObject | undefined, next: MutableObject, subresource: '' | 'status'): MutableObject {
    if (this.#fieldManager === undefined) return next;
    const { kind } = this.strategy.info;
    return this.#fieldManager.update({
      apiVersion: this.apiVersion, kind, subresource,
      resetFields: this.#resetFields(subresource),
      manager: managerOf(scope), now: new Date(this.#env.now()),
      live, next: next,
    }) as unknown as MutableObject;
  }

  /** Fields a write cannot set (kube's GetResetFields): status on the main resource, the rest on /status. */
  #resetFields(subresource: '' | 'status'): string[][] {
    if (!this.strategy.hasStatus) return [];
    return subresource === 'status' ? [['spec'], ['metadata']] : [['status']];
  }

  #attributes(operation: AdmissionOperation, scope: RequestScope, name: string, subresource: string, object: AdmissionAttributes['object'], oldObject: KubeObject | undefined, companions?: CompanionWrite[]): AdmissionAttributes {
    const { group, version, kind, plural } = this.strategy.info;
    return {
      operation, group, version, kind, resource: plural, subresource, namespace: scope.namespace, name, dryRun: scope.dryRun === true, ctx: scope.ctx, object, oldObject,
      addWarning: (message) => scope.warnings?.push(message),
      addAuditAnnotation: (key, value) => scope.auditAnnotations?.set(key, value),
      addCompanionWrite: (write) => {
        // Assertions: a plugin bug, never a request's fault.
        if (companions === undefined) throw new Error(`assertion failed: a companion write outside the validating admission of a write (${write.key})`);
        if (companions.some((c) => c.key === write.key)) throw new Error(`assertion failed: two companion writes of ${write.key}`);
        companions.push(write);
      },
    };
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

  async create(scope: RequestScope, body: unknown, opts: { managedFieldsDone?: boolean } = {}): Promise<KubeObject> {
    const obj = this.#decode(body, scope);
    applyNamespace(obj, this.strategy, scope.namespace);
    this.strategy.applyDefaults(obj);
    // kube's order: mutating admission, then the server's metadata and the type's validation, then validating admission.
    const requested = typeof obj.metadata.name === 'string' ? obj.metadata.name : '';
    await this.#admission.admit(this.#attributes('CREATE', scope, requested, '', obj, undefined), scope.signal);
    prepareCreate(obj, this.strategy, this.#env);
    const name = String(obj.metadata.name);
    // Services take their cluster IP and node ports before validation, as kube's service storage does.
    const taken = this.#services !== undefined && scope.dryRun !== true ? await this.#services.allocateForCreate(obj, name) : undefined;
    try {
      const errs = this.#withEnumErrors(this.strategy.validateCreate(obj), obj);
      if (errs.length > 0) throw invalid(groupKind(this.strategy), name, errs);
      if (opts.managedFieldsDone !== true) setManagedFields(obj, this.#trackFields(scope, undefined, obj, ''));
      const stored = obj as unknown as KubeObject;
      const key = this.key(scope.namespace, name);
      // Validating admission may charge other objects (quota) in the same transaction; if one moved meanwhile, decide again.
      for (let attempt = 1; ; attempt++) {
        const companions: CompanionWrite[] = [];
        await this.#admission.validate(this.#attributes('CREATE', scope, name, '', obj, undefined, companions), scope.signal);
        if (scope.dryRun === true) return stored;
        try {
          return await this.#storage.create(key, stored, scope.ctx, scope.signal, companions);
        } catch (err) {
          if (!isCompanionConflict(err) || attempt >= MAX_COMPANION_ATTEMPTS) throw toStatusError(err, { gr: this.gr, name });
        }
      }
    } catch (err) {
      if (taken !== undefined) await this.#services!.release(taken);
      throw err;
    }
  }

  /** PUT: the whole object (main resource), or only its status / finalizers (subresources). */
  async update(scope: RequestScope, name: string, body: unknown, subresource: '' | 'status' | 'finalize' = ''): Promise<KubeObject> {
    const next = this.#decode(body, scope);
    applyNamespace(next, this.strategy, scope.namespace);
    this.strategy.applyDefaults(next);
    // kube's update handler compares the body's name with the URL's, an absent name included.
    if ((next.metadata.name ?? '') !== name) {
      throw badRequest(`the name of the object (${text(next.metadata.name ?? '')}) does not match the name on the URL (${name})`);
    }
    return this.#write(scope, name, subresource, () => next);
  }

  async patch(scope: RequestScope, name: string, type: PatchType, patch: unknown, subresource: '' | 'status' = ''): Promise<KubeObject> {
    return this.#write(scope, name, subresource, (current) => {
      const patched = applyPatch(type, current, patch, this.#schemas !== undefined && this.#definition !== undefined ? { schemas: this.#schemas, definition: this.#definition.name } : undefined);
      // Repeated keys in a merge or strategic-merge patch document count as the body's own (kube's fieldValidation).
      const isMerge = type === 'application/merge-patch+json' || type === 'application/strategic-merge-patch+json';
      const obj = isMerge ? this.#decode(patched, scope, 'patch', bodyDiagnostics(patch)) : this.#decode(patched, scope);
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
   * Server-side apply: the applied configuration merged into the live object
   * by field ownership (409 on conflicts unless forced), then written like any
   * update — or created (201) when the object does not exist yet.
   */
  async apply(scope: RequestScope, name: string, body: unknown, force: boolean): Promise<{ object: KubeObject; created: boolean }> {
    const fm = this.#fieldManager;
    if (fm === undefined) throw unsupportedMediaType(['application/json-patch+json', 'application/merge-patch+json']);
    // kube's field manager: the applied configuration names the version it is written in, and it is the served one.
    const sent = typeof body === 'object' && body !== null ? (body as { apiVersion?: unknown }).apiVersion : undefined;
    if (sent !== this.apiVersion) throw badRequest(`Incorrect version specified in apply patch. Specified patch version: ${typeof sent === 'string' ? sent : ''}, expected: ${this.apiVersion}`);
    const applied = this.#decode(body, scope, 'apply');
    applyNamespace(applied, this.strategy, scope.namespace);
    if (applied.metadata.name === undefined || applied.metadata.name === '') applied.metadata.name = name;
    if (applied.metadata.name !== name) throw badRequest(`the name of the object (${text(applied.metadata.name)}) does not match the name on the URL (${name})`);
    const merge = (live: KubeObject | undefined): MutableObject => {
      try {
        return fm.apply({
          apiVersion: this.apiVersion, kind: this.strategy.info.kind, subresource: '', resetFields: this.#resetFields(''),
          manager: managerOf(scope), now: new Date(this.#env.now()), live, applied, force,
        }) as unknown as MutableObject;
      } catch (err) {
        if (err instanceof ApplyConflictError || err instanceof FieldManagerError) throw fieldManagerStatus(err, this.gr, name);
        throw err;
      }
    };
    const existing = await this.get(scope, name).catch((err: unknown) => {
      if (err instanceof StatusError && err.status.code === 404) return undefined;
      throw err;
    });
    if (existing === undefined) {
      const obj = merge(undefined);
      // The field manager already recorded the Apply entry: create() must not add an Update one on top.
      const created = await this.create({ ...scope, fieldManager: managerOf(scope) }, obj, { managedFieldsDone: true });
      return { object: created, created: true };
    }
    const updated = await this.#write(scope, name, '', (current) => {
      const next = merge(current);
      this.strategy.applyDefaults(next);
      // The applied object carries the live resourceVersion only if the client sent one: a precondition then.
      if (applied.metadata.resourceVersion === undefined) delete next.metadata.resourceVersion;
      return next;
    }, { managedFieldsDone: true });
    return { object: updated, created: false };
  }

  // ------------------------------------------------------------------ /scale

  /** Whether the kind serves /scale; ReplicationController's selector is a plain map. */
  #scaleKind(): { legacy: boolean } {
    if (!this.strategy.info.subresources.some((sr) => sr.name === 'scale')) throw methodNotSupported(this.gr, 'get');
    return { legacy: this.strategy.info.group === '' };
  }

  async getScale(scope: RequestScope, name: string): Promise<Record<string, unknown>> {
    const { legacy } = this.#scaleKind();
    return scaleOf(await this.get(scope, name), legacy);
  }

  /** PUT or PATCH of /scale: only the parent's spec.replicas changes; the Scale's resourceVersion is a precondition. */
  async writeScale(scope: RequestScope, name: string, change: { body: unknown } | { type: PatchType; patch: unknown }): Promise<Record<string, unknown>> {
    const { legacy } = this.#scaleKind();
    const updated = await this.#write(scope, name, '', (current) => {
      let scale: unknown;
      if ('body' in change) {
        scale = change.body;
      } else {
        const schema = this.#schemas?.definition('io.k8s.api.autoscaling.v1.Scale');
        scale = applyPatch(change.type, scaleOf(current, legacy), change.patch, this.#schemas !== undefined && schema !== undefined ? { schemas: this.#schemas, definition: schema.name } : undefined);
      }
      const { replicas, resourceVersion } = replicasOf(scale, name);
      const next = mutableCopy(current);
      next.spec = { ...(next.spec as Record<string, unknown> | undefined), replicas };
      if (resourceVersion !== undefined) next.metadata.resourceVersion = resourceVersion;
      return next;
    });
    return scaleOf(updated, legacy);
  }

  /**
   * The read-modify-write every update and patch shares: build the next
   * object from the current one (retried on a concurrent change), keep the
   * server-owned fields, check the resourceVersion the client sent, and
   * delete an object whose last finalizer just went.
   */
  /** `system`: the server's own change (marking an object deleting): stored as built, no client rules. */
  async #write(scope: RequestScope, name: string, subresource: '' | 'status' | 'finalize' | 'system', build: (current: KubeObject) => MutableObject, opts: { managedFieldsDone?: boolean } = {}): Promise<KubeObject> {
    if (subresource === 'status' && !this.strategy.hasStatus) throw methodNotSupported(this.gr, 'update');
    const key = this.key(scope.namespace, name);
    let finalized: KubeObject | undefined;
    // Values a Service update allocated: returned if the write fails.
    const taken: Taken = { ips: [], ports: [] };
    let before: KubeObject | undefined;
    // What validating admission charged with this attempt's object (quota), committed with it.
    let companions: CompanionWrite[] = [];
    const tryUpdate = async (current: KubeObject | undefined): Promise<KubeObject> => {
      before = current;
      companions = [];
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
      // An unconditional update (no resourceVersion sent) is checked as if it had sent the current one, as kube does.
      if (typeof out.metadata.resourceVersion !== 'string' || out.metadata.resourceVersion === '') out.metadata.resourceVersion = current.metadata.resourceVersion;
      if ((subresource === '' || subresource === 'status') && opts.managedFieldsDone !== true) setManagedFields(out, this.#trackFields(scope, current, out, subresource));
      if (subresource !== 'system') await this.#admission.admit(this.#attributes('UPDATE', scope, name, sub, out, current), scope.signal);
      if (this.#services !== undefined && subresource === '') {
        prepareServiceForUpdate(out, current);
        if (scope.dryRun !== true) {
          const got = await this.#services.allocateForUpdate(out, current, name);
          taken.ips.push(...got.ips);
          taken.ports.push(...got.ports);
        }
      }
      const errs = subresource === '' ? this.strategy.validateName(name) : [];
      if (subresource === '' || subresource === 'status') errs.push(...this.strategy.validateUpdate(out, current, subresource));
      if (errs.length > 0 || subresource === '') {
        const all = subresource === '' ? this.#withEnumErrors(errs, out) : errs;
        if (all.length > 0) throw invalid(groupKind(this.strategy), name, all);
      }
      if (subresource !== 'system') await this.#admission.validate(this.#attributes('UPDATE', scope, name, sub, out, current, companions), scope.signal);
      delete out.metadata.resourceVersion;
      const result = out as unknown as KubeObject;
      finalized = subresource !== 'system' && shouldDeleteDuringUpdate(result, current) ? result : undefined;
      return result;
    };
    if (scope.dryRun === true) {
      // Nothing is written, so the answer carries the stored resourceVersion (as kube's dry run does).
      const current = await this.get(scope, name);
      const result = await tryUpdate(current);
      return { ...result, metadata: { ...result.metadata, resourceVersion: current.metadata.resourceVersion } } as KubeObject;
    }
    let updated: KubeObject;
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          updated = await this.#storage.guaranteedUpdate(key, tryUpdate, {
            ...(scope.ctx ? { ctx: scope.ctx } : {}),
            ...(scope.signal ? { signal: scope.signal } : {}),
            companions: () => companions,
          });
          break;
        } catch (err) {
          if (!isCompanionConflict(err) || attempt >= MAX_COMPANION_ATTEMPTS) throw toStatusError(err, { gr: this.gr, name });
        }
      }
    } catch (err) {
      if (this.#services !== undefined) await this.#services.release(taken);
      throw err;
    }
    // What the update no longer holds (type changed to ExternalName, ports removed) goes back.
    if (this.#services !== undefined && before !== undefined && subresource === '') await this.#services.release(ServiceAllocation.dropped(updated, before));
    if (finalized !== undefined) {
      // The last finalizer of a deleting object is gone: it is removed now.
      await this.#call(name, () => this.#storage.delete(key, { preconditions: { uid: updated.metadata.uid ?? '', resourceVersion: updated.metadata.resourceVersion ?? '' }, ...(scope.ctx ? { ctx: scope.ctx } : {}) })).catch((err: unknown) => {
        // Someone else changed it meanwhile; they will finish the deletion.
        if (!(err instanceof Error && 'status' in err && (err as { status: Status }).status.code === 409)) throw err;
      });
    }
    return updated;
  }

  /** DELETE: graceful for pods, deferred by finalizers, else at once (graceful-delete.ts has the rules). */
  async delete(scope: RequestScope, name: string, req: DeleteRequest): Promise<DeleteResult> {
    const key = this.key(scope.namespace, name);
    const steps: DeleteSteps = {
      strategy: this.strategy, gr: this.gr, now: this.#env.now, dryRun: scope.dryRun === true,
      get: () => this.get(scope, name),
      validate: (current) => this.#admission.validate(this.#attributes('DELETE', scope, name, '', current, undefined), scope.signal),
      mark: (build) => this.#write(scope, name, 'system', build),
      remove: async (preconditions) => {
        const deleted = await this.#call(name, () => this.#storage.delete(key, { preconditions, ...(scope.ctx ? { ctx: scope.ctx } : {}), ...(scope.signal ? { signal: scope.signal } : {}) }));
        if (this.#services !== undefined) await this.#services.release(ServiceAllocation.held(deleted));
        return deleted;
      },
      deleted: (obj) => this.#deletedResult(obj),
    };
    return deleteObject(steps, req);
  }

  /** POST pods/{name}/binding (and the legacy bindings collection): pod-binding.ts. */
  async bind(scope: RequestScope, name: string, body: unknown): Promise<Status> {
    if (!(this.strategy.info.group === '' && this.strategy.info.kind === 'Pod')) throw methodNotSupported(this.gr, 'create');
    return bindPod({
      gr: this.gr, now: this.#env.now,
      admit: (binding) => this.admitCreate(scope, name, 'binding', binding),
      update: (build) => this.#write(scope, name, 'system', build),
    }, scope.namespace, name, body);
  }

  /** Mutating then validating admission of a CREATE on a subresource (binding, eviction) of `name`. */
  async admitCreate(scope: RequestScope, name: string, subresource: string, object: MutableObject): Promise<void> {
    await this.#admission.admit(this.#attributes('CREATE', scope, name, subresource, object, undefined), scope.signal);
    await this.#admission.validate(this.#attributes('CREATE', scope, name, subresource, object, undefined), scope.signal);
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

  /**
   * `source` is 'apply' for server-side apply, whose repeated YAML keys kube
   * checks on their own, before decoding (handlers/patch.go applyPatcher);
   * 'patch' when `body` is a patched object and `patchDiagnostics` are the
   * patch document's (repeats first, then the unknown fields, sorted).
   */
  /**
   * The kind's own validation errors, then the schema's enum violations at paths it did not report.
   * kube checks enum values in that per-kind validation, which rarely looks at status (written by
   * controllers), so status stays out of the generic check.
   */
  #withEnumErrors(semantic: FieldError[], obj: MutableObject): FieldError[] {
    if (this.#schemas === undefined || this.#definition === undefined) return semantic;
    const generic = enumErrors(this.#schemas, this.#definition, obj).filter((e) => e.field !== 'status' && !e.field.startsWith('status.') && !e.field.startsWith('status['));
    return generic.length === 0 ? semantic : mergeFieldErrors(semantic, generic);
  }

  #decode(body: unknown, scope: RequestScope, source: 'write' | 'apply' | 'patch' = 'write', patchDiagnostics?: BodyDiagnostics): MutableObject {
    const { kind, version } = this.strategy.info;
    const cannot = `${kind} in version "${version}" cannot be handled as a ${kind}`;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw badRequest(`${cannot}: the object is not a JSON object`);
    }
    const mode = scope.fieldValidation ?? 'Warn';
    // Read before copying: the body decoder's findings ride on the body itself and do not survive the copy.
    let diagnostics = source === 'patch' ? patchDiagnostics : bodyDiagnostics(body);
    if (source === 'apply' && diagnostics !== undefined && diagnostics.yamlErrors.length > 0) {
      if (mode === 'Strict') throw badRequest(`error strict decoding YAML: error converting YAML to JSON: ${yamlUnmarshalErrors(diagnostics.yamlErrors)}`);
      if (mode === 'Warn') scope.warnings?.push(...diagnostics.yamlErrors);
      diagnostics = { ...diagnostics, yamlErrors: [] };
    }
    let obj = mutableCopy(body);
    checkTypeMeta(obj, this.strategy, { apiVersion: this.apiVersion, kind });
    let unknownFields: readonly string[] = [];
    if (this.#schemas !== undefined && this.#definition !== undefined) {
      let decoded;
      try {
        decoded = decodeObject(this.#schemas, this.#definition, obj);
      } catch (err) {
        if (err instanceof DecodeError) throw badRequest(`${cannot}: ${err.message}`);
        throw err;
      }
      // decodeObject builds its result from `obj`, which is already this request's own copy: no second clone.
      obj = decoded.object as MutableObject;
      unknownFields = decoded.unknownFields;
    }
    if (mode === 'Ignore') return obj;
    // Repeated keys (from the body decoder) and unknown fields, in kube's order and words.
    const findings = strictDecodingFindings(body, unknownFields, diagnostics, { patch: source === 'patch' });
    if (findings.errors.length > 0 && mode === 'Strict') throw badRequest(`${cannot}: strict decoding error: ${findings.errors.join(', ')}`);
    scope.warnings?.push(...findings.warnings);
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

/**
 * How many times a write decides again when an object its admission charged
 * (a ResourceQuota) moved before the transaction: each retry reads fresh
 * state, so this bounds contention on one quota, not correctness.
 */
const MAX_COMPANION_ATTEMPTS = 16;

function isCompanionConflict(err: unknown): boolean {
  return err instanceof StorageError && err.code === 'companionConflict';
}

/** The manager a write is recorded under. */
function managerOf(scope: RequestScope): string {
  return scope.fieldManager !== undefined && scope.fieldManager !== '' ? scope.fieldManager : 'unknown';
}

function setManagedFields(obj: MutableObject, tracked: MutableObject): void {
  if (tracked === obj) return;
  const managed = tracked.metadata.managedFields;
  if (managed === undefined) delete obj.metadata.managedFields;
  else obj.metadata.managedFields = managed;
}

/** A field manager failure as kube answers it: conflicts 409 with causes, the rest by the error's status. */
export function fieldManagerStatus(err: ApplyConflictError | FieldManagerError, gr: GroupResource, name: string): StatusError {
  if (err instanceof ApplyConflictError) {
    return failure(409, 'Conflict', err.message, { name, group: gr.group, kind: gr.resource, causes: err.causes() });
  }
  const code = FIELD_MANAGER_ERROR_STATUS[err.code];
  return code === 400 ? badRequest(err.message) : unknownReason(err.message, code, err);
}

/**
 * kube's ShouldDeleteDuringUpdate: the update took the last finalizer off an
 * object whose deletion has no grace period left. (A namespace waits for its
 * own DELETE after /finalize.)
 */
function shouldDeleteDuringUpdate(next: KubeObject, old: KubeObject): boolean {
  if ((next.metadata.finalizers ?? []).length > 0 || next.kind === 'Namespace') return false;
  if (old.metadata.deletionTimestamp === undefined) return false;
  return old.metadata.deletionGracePeriodSeconds === undefined || old.metadata.deletionGracePeriodSeconds === 0;
}
