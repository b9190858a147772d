// kube's ValidateObjectMeta / ValidateObjectMetaUpdate (apimachinery
// pkg/api/validation/objectmeta.go plus the core group's finalizer rule),
// run by the registry for every kind with that kind's name rule.

import { field, FieldPath, isQualifiedName, validateAnnotations, validateLabels, type FieldError } from '@logbook/apimachinery';
import { arr, isObject, jsonEqual, num, obj, s, str, stringMap, strings } from './json.ts';
import { goSlice, goTime, invalidRendered, GO_NIL } from './go-render.ts';
import { checkName, type NameRule } from './names.ts';

export interface ObjectMetaOptions {
  /** True for namespaced kinds: namespace required; false: namespace forbidden. */
  readonly namespaced: boolean;
  readonly nameRule: NameRule;
  /** Where the metadata sits; `metadata` for top-level objects. */
  readonly path?: FieldPath;
  /**
   * kube's core-group variant (used by every built-in kind): an unprefixed
   * finalizer must be a standard one. Default true; custom resources only warn.
   */
  readonly kubeFinalizerRule?: boolean;
}

const IMMUTABLE_MSG = 'field is immutable';
const IS_NEGATIVE_MSG = 'must be greater than or equal to 0';
const FIELD_MANAGER_MAX_LENGTH = 128;
const MAX_SUBRESOURCE_NAME_LENGTH = 256;
const FINALIZER_ORPHAN = 'orphan';
const FINALIZER_FOREGROUND = 'foregroundDeletion';
/** The finalizer names kube defines without a domain prefix (sorted, as kube lists them). */
export const STANDARD_FINALIZERS = ['foregroundDeletion', 'kubernetes', 'orphan'] as const;

export function validateObjectMeta(meta: unknown, opts: ObjectMetaOptions): FieldError[] {
  const path = opts.path ?? FieldPath.root('metadata');
  const m = obj(meta) ?? {};
  const errs: FieldError[] = [];
  const generateName = s(m['generateName']);
  if (generateName.length > 0) {
    for (const msg of checkName(opts.nameRule, generateName, true)) errs.push(field.invalid(path.child('generateName'), generateName, msg));
  }
  const name = s(m['name']);
  if (name.length === 0) errs.push(field.required(path.child('name'), 'name or generateName is required'));
  else for (const msg of checkName(opts.nameRule, name, false)) errs.push(field.invalid(path.child('name'), name, msg));
  const namespace = s(m['namespace']);
  if (opts.namespaced) {
    if (namespace.length === 0) errs.push(field.required(path.child('namespace')));
    else for (const msg of checkName('label', namespace, false)) errs.push(field.invalid(path.child('namespace'), namespace, msg));
  } else if (namespace.length > 0) {
    errs.push(field.forbidden(path.child('namespace'), 'not allowed on this type'));
  }
  const generation = num(m['generation']) ?? 0;
  if (generation < 0) errs.push(field.invalid(path.child('generation'), generation, IS_NEGATIVE_MSG));
  errs.push(...validateLabels(stringMap(m['labels']), path.child('labels')));
  errs.push(...validateAnnotations(stringMap(m['annotations']), path.child('annotations')));
  errs.push(...validateOwnerReferences(m['ownerReferences'], path.child('ownerReferences')));
  errs.push(...validateFinalizers(strings(m['finalizers']), path.child('finalizers')));
  errs.push(...validateManagedFields(m['managedFields'], path.child('managedFields')));
  if (opts.kubeFinalizerRule ?? true) errs.push(...kubeFinalizerErrors(m['finalizers'], path));
  return errs;
}

function kubeFinalizerErrors(finalizers: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  strings(finalizers).forEach((f, i) => errs.push(...standardFinalizerRule(f, path.child('finalizers').index(i))));
  return errs;
}

function standardFinalizerRule(value: string, path: FieldPath): FieldError[] {
  if (value.includes('/') || (STANDARD_FINALIZERS as readonly string[]).includes(value)) return [];
  return [field.invalid(path, value, 'name is neither a standard finalizer name nor is it fully qualified')];
}

export function validateObjectMetaUpdate(newMeta: unknown, oldMeta: unknown, path: FieldPath = FieldPath.root('metadata'), kubeFinalizerRule = true): FieldError[] {
  const n = obj(newMeta) ?? {};
  const o = obj(oldMeta) ?? {};
  const errs: FieldError[] = [];
  if (o['deletionTimestamp'] !== undefined && o['deletionTimestamp'] !== null) {
    const old = new Set(strings(o['finalizers']));
    const extra = [...new Set(strings(n['finalizers']).filter((f) => !old.has(f)))].sort();
    if (extra.length > 0) {
      errs.push(field.forbidden(path.child('finalizers'),
        `no new finalizers can be added if the object is being deleted, found new finalizers []string{${extra.map((f) => JSON.stringify(f)).join(', ')}}`));
    }
  }
  const rv = s(n['resourceVersion']);
  if (rv.length === 0) errs.push(field.invalid(path.child('resourceVersion'), rv, 'must be specified for an update'));
  const gen = num(n['generation']) ?? 0;
  if (gen < (num(o['generation']) ?? 0)) errs.push(field.invalid(path.child('generation'), gen, 'must not be decremented'));
  for (const key of ['name', 'namespace', 'uid'] as const) errs.push(...validateImmutable(s(n[key]), s(o[key]), path.child(key)));
  // creationTimestamp is a metav1.Time value (a Stringer, zero when unset); deletionTimestamp a pointer (nil prints "null").
  const created = s(n['creationTimestamp']);
  if (created !== s(o['creationTimestamp'])) {
    errs.push(invalidRendered(path.child('creationTimestamp'), created.length > 0 ? goTime(created) : '0001-01-01 00:00:00 +0000 UTC', IMMUTABLE_MSG));
  }
  const deleted = str(n['deletionTimestamp']);
  if (deleted !== str(o['deletionTimestamp'])) {
    if (deleted === undefined) errs.push(field.invalid(path.child('deletionTimestamp'), GO_NIL, IMMUTABLE_MSG));
    else errs.push(invalidRendered(path.child('deletionTimestamp'), goTime(deleted), IMMUTABLE_MSG));
  }
  const grace = num(n['deletionGracePeriodSeconds']);
  if (grace !== num(o['deletionGracePeriodSeconds'])) errs.push(field.invalid(path.child('deletionGracePeriodSeconds'), grace ?? GO_NIL, IMMUTABLE_MSG));
  errs.push(...validateLabels(stringMap(n['labels']), path.child('labels')));
  errs.push(...validateAnnotations(stringMap(n['annotations']), path.child('annotations')));
  errs.push(...validateOwnerReferences(n['ownerReferences'], path.child('ownerReferences')));
  errs.push(...validateManagedFields(n['managedFields'], path.child('managedFields')));
  if (kubeFinalizerRule) errs.push(...kubeFinalizerErrors(n['finalizers'], path));
  return errs;
}

/** Splits an apiVersion as kube's ParseGroupVersion does; undefined when it has more than one '/'. */
function splitApiVersion(apiVersion: string): { group: string; version: string } | undefined {
  if (apiVersion.length === 0) return { group: '', version: '' };
  const parts = apiVersion.split('/');
  if (parts.length === 1) return { group: '', version: parts[0] ?? '' };
  if (parts.length === 2) return { group: parts[0] ?? '', version: parts[1] ?? '' };
  return undefined;
}

// kube reports owner reference problems at `ownerReferences.<field>` with no
// index; reproduced so clients see the same paths.
export function validateOwnerReferences(refs: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = '';
  for (const raw of arr(refs)) {
    const ref = obj(raw) ?? {};
    const apiVersion = s(ref['apiVersion']);
    const kind = s(ref['kind']);
    const name = s(ref['name']);
    const uid = s(ref['uid']);
    const gv = splitApiVersion(apiVersion);
    // An unparsable apiVersion leaves kube with an empty version too.
    const version = gv?.version ?? '';
    if (version.length === 0) errs.push(field.invalid(path.child('apiVersion'), apiVersion, 'version must not be empty'));
    if (kind.length === 0) errs.push(field.invalid(path.child('kind'), kind, 'kind must not be empty'));
    if (name.length === 0) errs.push(field.invalid(path.child('name'), name, 'name must not be empty'));
    if (uid.length === 0) errs.push(field.invalid(path.child('uid'), uid, 'uid must not be empty'));
    if (gv !== undefined && gv.group === '' && version === 'v1' && kind === 'Event') {
      errs.push(field.invalid(path, raw, '/v1, Kind=Event is disallowed from being an owner'));
    }
    if (ref['controller'] === true) {
      const current = `${kind}/${name}`;
      if (firstController !== '') {
        errs.push(field.invalid(path, refs, `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`));
      } else {
        firstController = current;
      }
    }
  }
  return errs;
}

/** Each finalizer is a qualified name; `orphan` and `foregroundDeletion` exclude each other. */
export function validateFinalizers(finalizers: readonly string[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of finalizers) for (const msg of isQualifiedName(f)) errs.push(field.invalid(path, f, msg));
  if (finalizers.includes(FINALIZER_ORPHAN) && finalizers.includes(FINALIZER_FOREGROUND)) {
    errs.push(invalidRendered(path, goSlice(finalizers), `finalizer ${FINALIZER_ORPHAN} and ${FINALIZER_FOREGROUND} cannot be both set`));
  }
  return errs;
}

/** Namespace spec.finalizers: a qualified name, and an unprefixed one must be standard. */
export function validateKubeFinalizerName(value: string, path: FieldPath): FieldError[] {
  return [...isQualifiedName(value).map((msg) => field.invalid(path, value, msg)), ...standardFinalizerRule(value, path)];
}

// Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

export function validateManagedFields(entries: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  arr(entries).forEach((raw, i) => {
    const e = isObject(raw) ? raw : {};
    const p = path.index(i);
    const operation = s(e['operation']);
    if (operation !== 'Apply' && operation !== 'Update') errs.push(field.invalid(p.child('operation'), operation, 'must be `Apply` or `Update`'));
    const fieldsType = s(e['fieldsType']);
    if (fieldsType.length > 0 && fieldsType !== 'FieldsV1') errs.push(field.invalid(p.child('fieldsType'), fieldsType, 'must be `FieldsV1`'));
    const manager = s(e['manager']);
    const managerBytes = new TextEncoder().encode(manager);
    if (managerBytes.length > FIELD_MANAGER_MAX_LENGTH) errs.push(field.tooLong(p.child('manager'), FIELD_MANAGER_MAX_LENGTH));
    let offset = 0;
    for (const ch of manager) {
      if (!PRINTABLE.test(ch)) {
        const cp = (ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
        errs.push(field.invalid(p.child('manager'), manager, `invalid character U+${cp} (at position ${offset})`));
      }
      offset += new TextEncoder().encode(ch).length;
    }
    const subresource = str(e['subresource']) ?? '';
    if (new TextEncoder().encode(subresource).length > MAX_SUBRESOURCE_NAME_LENGTH) errs.push(field.tooLong(p.child('subresource'), MAX_SUBRESOURCE_NAME_LENGTH));
  });
  return errs;
}

/** kube's ValidateImmutableField: `<path>: Invalid value: <new>: field is immutable`. */
export function validateImmutable(newVal: unknown, oldVal: unknown, path: FieldPath): FieldError[] {
  return jsonEqual(newVal ?? null, oldVal ?? null) ? [] : [field.invalid(path, newVal ?? null, IMMUTABLE_MSG)];
}

export const FIELD_IMMUTABLE_MSG = IMMUTABLE_MSG;
