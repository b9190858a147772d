// The FieldManager: kube-apiserver's field management for built-in kinds.
// `update` records who changed what on create/update/patch; `apply` is
// server-side apply. Both are pure: clock passed in (`now`), no I/O. The
// layering follows kube's manager chain: last-applied updater → last-applied
// manager → skip-non-applied (before-first-apply) → cap managers → manager
// info → timestamps → strip meta → structured merge.

import type { Definition, SchemaSet } from '@logbook/schemas';
import { ApplyConflictError } from './conflict-error.ts';
import type { ApplyConflict } from './conflict-error.ts';
import { capUpdateManagers } from './cap-managers.ts';
import { FieldManagerError } from './errors.ts';
import { FieldSet } from './field-set.ts';
import { DEFAULT_MAX_UPDATE_MANAGERS } from './limits.ts';
import { allowedConflictsFromLastApplied, buildLastApplied, LAST_APPLIED_MANAGER, lastApplied, withLastApplied } from './last-applied.ts';
import type { Managed, ManagerRecord } from './managed-fields.ts';
import { decodeManagedFields, encodeManagedFields, formatTime, isResetManagedFields, managerIdentifier } from './managed-fields.ts';
import type { JsonValue, Path } from './path-element.ts';
import { fieldPE, pathString } from './path-element.ts';
import { compare, ensureNamedFieldsAreMembers, merge, removeItems, toFieldSet } from './typed-ops.ts';
import type { Comparison } from './typed-ops.ts';
import type { WalkContext } from './typed-walk.ts';
import { deepEqual } from './typed-walk.ts';
import type { TypeNode } from './type-model.ts';
import { DEFAULT_LIST_MAP_KEY_DEFAULTS, TypeModel, isPlainObject } from './type-model.ts';

export type KubeObject = Readonly<Record<string, unknown>>;

export const BEFORE_FIRST_APPLY = 'before-first-apply';

/** Paths never tracked (kube's stripMeta): type meta and server-owned metadata. */
const STRIP_SET = FieldSet.of(
  ...[['apiVersion'], ['kind'], ['metadata'], ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map((f) => ['metadata', f])].map(
    (p) => p.map(fieldPE),
  ),
);

export interface FieldManagerOptions {
  readonly schemas: SchemaSet;
  /** kube's DefaultMaxUpdateManagers (10). */
  readonly maxUpdateManagers?: number;
  /** Defaults for list-map key fields an item may omit, by `<definition>.<field>`. */
  readonly listMapKeyDefaults?: Readonly<Record<string, JsonValue>>;
  /** Called with failures `update` swallows (kube logs them and keeps the live managedFields). */
  readonly onUpdateError?: (err: FieldManagerError) => void;
}

/** What a write targets: the kind as served at this endpoint. */
export interface WriteTarget {
  /** `apps/v1`, `v1`: also the apiVersion recorded in managedFields entries. */
  readonly apiVersion: string;
  readonly kind: string;
  /** `''` (default) for the main resource, `status`, `scale`, … */
  readonly subresource?: string;
  /**
   * Field paths the endpoint does not let a manager own (kube's
   * ResetFieldsStrategy): `[['status']]` for the main resource of a kind with
   * a status subresource, `[['spec'], ['metadata']]`-like for /status. Whole
   * subtrees are excluded.
   */
  readonly resetFields?: readonly (readonly string[])[];
  readonly manager: string;
  readonly now: Date;
}

export interface UpdateRequest extends WriteTarget {
  /** The stored object; undefined on create. */
  readonly live: KubeObject | undefined;
  /** The object about to be stored (after the patch or update), possibly carrying client-sent managedFields. */
  readonly next: KubeObject;
  /**
   * The kind's zero object as kube serialises it (Go non-pointer structs
   * present, e.g. `{metadata:{}, spec:{template:{…}}, status:{}}`): kube
   * compares a create against it, so those structs do not get a `.` of their
   * own. Defaults to `{}`.
   */
  readonly zeroObject?: KubeObject;
}

export interface ApplyRequest extends WriteTarget {
  /** The stored object; undefined when the apply creates it. */
  readonly live: KubeObject | undefined;
  /** The decoded apply body (not yet checked). */
  readonly applied: unknown;
  readonly force: boolean;
}

interface Ctx {
  readonly type: TypeNode;
  readonly def: Definition;
  readonly apiVersion: string;
  readonly subresource: string;
  readonly ignored: FieldSet;
  readonly now: string;
}

export class FieldManager {
  readonly #model: TypeModel;
  readonly #maxUpdateManagers: number;
  readonly #onUpdateError: ((err: FieldManagerError) => void) | undefined;

  constructor(options: FieldManagerOptions) {
    this.#model = new TypeModel(options.schemas, options.listMapKeyDefaults ?? DEFAULT_LIST_MAP_KEY_DEFAULTS);
    this.#maxUpdateManagers = options.maxUpdateManagers ?? DEFAULT_MAX_UPDATE_MANAGERS;
    this.#onUpdateError = options.onUpdateError;
  }

  /**
   * managedFields for a create, update or non-apply patch: returns `next`
   * with metadata.managedFields updated. Never throws for bad input: on a
   * failure the live object's managedFields are kept (kube's UpdateNoErrors).
   */
  update(req: UpdateRequest): KubeObject {
    try {
      const ctx = this.#ctx(req);
      const managed = this.#decodeLiveOrNew(req.live, req.next, ctx.subresource !== '');
      const next = withoutManagedFields(req.next);
      const isCreate = req.live === undefined || uid(req.live) === '';
      // kube only starts tracking an object without managedFields on create or at its first apply.
      if (managed.size === 0 && !isCreate) return next;
      const base = req.live === undefined ? (req.zeroObject ?? {}) : withoutManagedFields(req.live);
      const updated = capUpdateManagers(this.#trackUpdate(ctx, base, next, managed, req.manager), this.#maxUpdateManagers);
      return withManagedFields(next, updated);
    } catch (err) {
      if (!(err instanceof FieldManagerError)) throw err;
      this.#onUpdateError?.(err);
      return withRawManagedFields(req.next, metadataOf(req.live)['managedFields']);
    }
  }

  /**
   * Server-side apply. Returns the merged object with managedFields.
   * Throws ApplyConflictError (409) or FieldManagerError (see its code).
   */
  apply(req: ApplyRequest): KubeObject {
    const ctx = this.#ctx(req);
    const applied = checkApplied(req);
    const strict: WalkContext = { model: this.#model, strict: true, errors: [] };
    toFieldSet(strict, ctx.type, applied);
    if (strict.errors.length > 0) {
      const md = metadataOf(applied);
      const details = strict.errors.length === 1 ? strict.errors[0]! : `errors:\n  ${strict.errors.join('\n  ')}`;
      throw new FieldManagerError('APPLY_TYPED_PATCH', `failed to create typed patch object (${str(md['namespace'])}/${str(md['name'])}; ${gvkString(req.apiVersion, req.kind)}): ${details}`);
    }
    const live = req.live === undefined ? {} : withoutManagedFields(req.live);
    let managed: Map<string, ManagerRecord>;
    try {
      managed = decodeManagedFields(metadataOf(req.live)['managedFields']);
    } catch (cause) {
      throw new FieldManagerError('BAD_MANAGED_FIELDS', `failed to decode managed fields: ${(cause as Error).message}`, { cause });
    }
    if (managed.size === 0) {
      // Everything already there belongs to `before-first-apply`, so the first applier conflicts with it, not with nobody.
      managed = capUpdateManagers(this.#trackUpdate(ctx, {}, live, managed, BEFORE_FIRST_APPLY), this.#maxUpdateManagers);
    }
    let result: { object: Record<string, unknown>; managed: Map<string, ManagerRecord> };
    try {
      result = this.#applyOnce(ctx, live, applied, managed, req.manager, req.force);
    } catch (err) {
      if (!(err instanceof ApplyConflictError) || req.manager !== LAST_APPLIED_MANAGER) throw err;
      const allowed = allowedConflictsFromLastApplied(this.#model, ctx.type, live, req.apiVersion);
      if (allowed === undefined) throw err;
      const remaining = err.conflicts.filter((c) => !allowed.has(c.path));
      if (remaining.length > 0) throw new ApplyConflictError(remaining);
      result = this.#applyOnce(ctx, live, applied, managed, req.manager, true);
    }
    let object = result.object;
    if (req.manager === LAST_APPLIED_MANAGER && lastApplied(object) !== undefined) {
      object = withLastApplied(object, buildLastApplied(applied));
    }
    return withManagedFields(object, result.managed);
  }

  #ctx(req: WriteTarget): Ctx {
    const slash = req.apiVersion.indexOf('/');
    const group = slash < 0 ? '' : req.apiVersion.slice(0, slash);
    const version = slash < 0 ? req.apiVersion : req.apiVersion.slice(slash + 1);
    const def = this.#model.schemas.forKind({ group, version, kind: req.kind });
    if (def === undefined) throw new FieldManagerError('UNKNOWN_KIND', `no schema for ${gvkString(req.apiVersion, req.kind)}`);
    const ignored = FieldSet.of(...(req.resetFields ?? []).map((p) => p.map(fieldPE)));
    return { type: this.#model.root(def), def, apiVersion: req.apiVersion, subresource: req.subresource ?? '', ignored, now: formatTime(req.now) };
  }

  #decodeLiveOrNew(live: KubeObject | undefined, next: KubeObject, isSubresource: boolean): Map<string, ManagerRecord> {
    const fromLive = (): Map<string, ManagerRecord> => {
      try {
        return decodeManagedFields(metadataOf(live)['managedFields']);
      } catch (err) {
        if (!(err instanceof FieldManagerError)) throw err;
        this.#onUpdateError?.(err);
        return new Map();
      }
    };
    // A subresource write cannot set managedFields; the live ones stand.
    if (isSubresource) return fromLive();
    const sent = metadataOf(next)['managedFields'];
    if (isResetManagedFields(sent)) return new Map();
    try {
      const decoded = decodeManagedFields(sent);
      if (decoded.size > 0) return decoded;
    } catch (err) {
      // Invalid client-sent managedFields are ignored in favour of the stored ones, as kube does.
      if (!(err instanceof FieldManagerError)) throw err;
    }
    return fromLive();
  }

  #lenient(): WalkContext {
    return { model: this.#model, strict: false, errors: [] };
  }

  /** Ownership after a non-apply write: the changed fields move to `manager`'s Update entry. */
  #trackUpdate(ctx: Ctx, live: unknown, next: unknown, managed: Managed, manager: string): Map<string, ManagerRecord> {
    const c = compare(this.#lenient(), ctx.type, live, next);
    const cf = exclude(c, ctx.ignored);
    const touched = cf.modified.union(cf.added).union(cf.removed);
    const out = new Map<string, ManagerRecord>();
    for (const [id, rec] of managed) {
      const set = rec.set.difference(touched);
      if (!set.empty()) out.set(id, { ...rec, set });
    }
    const changed = c.modified.union(c.added).difference(c.removed).recursiveDifference(ctx.ignored).difference(STRIP_SET);
    if (changed.empty()) return out;
    const rec = { manager, operation: 'Update' as const, apiVersion: ctx.apiVersion, subresource: ctx.subresource };
    const id = managerIdentifier(rec);
    const prev = out.get(id);
    out.set(id, { ...rec, time: ctx.now, set: prev === undefined ? changed : changed.union(prev.set) });
    return out;
  }

  #applyOnce(
    ctx: Ctx,
    live: Record<string, unknown>,
    applied: Record<string, unknown>,
    managed: Managed,
    manager: string,
    force: boolean,
  ): { object: Record<string, unknown>; managed: Map<string, ManagerRecord> } {
    const lenient = this.#lenient();
    const info = { manager, operation: 'Apply' as const, apiVersion: ctx.apiVersion, subresource: ctx.subresource };
    const id = managerIdentifier(info);
    let merged = merge(lenient, ctx.type, live, applied) as Record<string, unknown>;
    const appliedSet = toFieldSet(lenient, ctx.type, applied).recursiveDifference(ctx.ignored);
    const prev = managed.get(id);
    const out = new Map(managed);
    out.set(id, { ...info, time: prev?.time, set: appliedSet });
    if (prev !== undefined && !prev.set.empty()) {
      // Prune: what this applier set last time and no longer sets goes, unless some manager still owns it.
      let owned = new FieldSet();
      for (const r of out.values()) owned = owned.union(r.set);
      const last = ensureNamedFieldsAreMembers(this.#model, ctx.type, prev.set);
      const removal = last.difference(ensureNamedFieldsAreMembers(this.#model, ctx.type, owned));
      merged = removeItems(lenient, ctx.type, merged, removal) as Record<string, unknown>;
    }
    const cf = exclude(compare(lenient, ctx.type, live, merged), ctx.ignored);
    const changedOrAdded = cf.modified.union(cf.added);
    const conflicts: ApplyConflict[] = [];
    for (const [otherId, rec] of [...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (otherId === id) continue;
      const clash = rec.set.intersection(changedOrAdded);
      for (const p of clash.paths()) conflicts.push(conflictOf(rec, otherId, p));
      const set = rec.set.difference(clash).difference(cf.removed);
      if (set.empty()) out.delete(otherId);
      else out.set(otherId, { ...rec, set });
    }
    if (!force && conflicts.length > 0) throw new ApplyConflictError(conflicts);
    const mine = out.get(id)!;
    const changed = !deepEqual(live, merged);
    const set = mine.set.difference(STRIP_SET);
    if (set.empty()) out.delete(id);
    else out.set(id, { ...mine, set, time: changed ? ctx.now : mine.time });
    return { object: changed ? merged : live, managed: out };
  }
}

function conflictOf(rec: ManagerRecord, managerId: string, p: Path): ApplyConflict {
  return { manager: rec.manager, operation: rec.operation, apiVersion: rec.apiVersion, subresource: rec.subresource, managerId, field: pathString(p), path: p };
}

function exclude(c: Comparison, ignored: FieldSet): Comparison {
  return {
    added: c.added.recursiveDifference(ignored),
    modified: c.modified.recursiveDifference(ignored),
    removed: c.removed.recursiveDifference(ignored),
  };
}

/** Go's GroupVersionKind.String(): `apps/v1, Kind=Deployment`, `/v1, Kind=Pod`. */
function gvkString(apiVersion: string, kind: string): string {
  return `${apiVersion.includes('/') ? apiVersion : `/${apiVersion}`}, Kind=${kind}`;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function metadataOf(obj: unknown): Record<string, unknown> {
  return isPlainObject(obj) && isPlainObject(obj['metadata']) ? obj['metadata'] : {};
}

const uid = (obj: unknown): string => str(metadataOf(obj)['uid']);

function checkApplied(req: ApplyRequest): Record<string, unknown> {
  const a = req.applied;
  if (!isPlainObject(a)) throw new FieldManagerError('APPLY_NOT_OBJECT', 'the apply patch must be a JSON or YAML object');
  const apiVersion = str(a['apiVersion']);
  const kind = str(a['kind']);
  if (apiVersion !== req.apiVersion || kind !== req.kind) {
    throw new FieldManagerError('APPLY_INVALID_OBJECT_TYPE', `invalid object type: ${apiVersion === '' && kind === '' ? '/, Kind=' : gvkString(apiVersion, kind)}`);
  }
  const md = metadataOf(a);
  if (str(md['name']) === '') throw new FieldManagerError('APPLY_MISSING_NAME', 'metadata.name: Required value: name is required for apply');
  if (md['managedFields'] !== undefined && md['managedFields'] !== null) {
    throw new FieldManagerError('APPLY_MANAGED_FIELDS_SET', 'metadata.managedFields must be nil');
  }
  return a;
}

function withoutManagedFields(obj: KubeObject): Record<string, unknown> {
  const md = metadataOf(obj);
  if (!('managedFields' in md)) return { ...obj };
  const { managedFields: _dropped, ...rest } = md;
  return { ...obj, metadata: rest };
}

function withManagedFields(obj: Record<string, unknown>, managed: Managed): Record<string, unknown> {
  const entries = encodeManagedFields(managed);
  return withRawManagedFields(obj, entries.length === 0 ? undefined : entries);
}

function withRawManagedFields(obj: KubeObject, managedFields: unknown): Record<string, unknown> {
  const base = withoutManagedFields(obj);
  if (managedFields === undefined) return base;
  return { ...base, metadata: { ...metadataOf(base), managedFields } };
}
