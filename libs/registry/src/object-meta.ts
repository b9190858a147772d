// The metadata the server owns (kube-api-contract §6): set on create, carried
// over on update, never taken from the client. Clock and randomness are
// injected so tests and the simulator see exact values.

import { badRequest, field, generateName, invalid, type FieldError, type GroupKind } from '@logbook/apimachinery';
import type { KubeObject } from '@logbook/apistorage';
import type { MutableObject, Strategy } from './strategy.ts';

export interface Environment {
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  /** A random RFC 4122 v4 UUID. */
  readonly uuid: () => string;
  /** An integer in [0, n). */
  readonly randomInt: (n: number) => number;
}

/** RFC 3339, UTC, second precision: how kube serializes metav1.Time. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function groupKind(strategy: Strategy): GroupKind {
  return { group: strategy.info.group, kind: strategy.info.kind };
}

/** A deep, plain, mutable copy of a decoded object. */
export function mutableCopy(obj: unknown): MutableObject {
  const copy = structuredClone(obj) as MutableObject;
  if (copy.metadata === null || typeof copy.metadata !== 'object' || Array.isArray(copy.metadata)) copy.metadata = {};
  return copy;
}

/** A value as text for a message: strings as they are, anything else as JSON. */
export function text(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v) ?? 'undefined';
}

/**
 * kind/apiVersion: filled in when absent, refused when they name another type
 * (kube answers 400 for a body of the wrong kind).
 */
export function checkTypeMeta(obj: MutableObject, strategy: Strategy, expect: { apiVersion: string; kind: string }): void {
  const { apiVersion, kind } = obj;
  if (apiVersion !== undefined && apiVersion !== expect.apiVersion) {
    throw badRequest(`the API version in the data (${text(apiVersion)}) does not match the expected API version (${expect.apiVersion})`);
  }
  if (kind !== undefined && kind !== expect.kind) {
    throw badRequest(`${expect.kind} in version "${strategy.info.version}" cannot be handled as a ${expect.kind}: the kind in the data (${text(kind)}) does not match the expected kind`);
  }
  obj.apiVersion = expect.apiVersion;
  obj.kind = expect.kind;
}

/** metadata.namespace from the URL: a different one in the body is a 400; cluster-scoped kinds drop it. */
export function applyNamespace(obj: MutableObject, strategy: Strategy, namespace: string): void {
  if (!strategy.info.namespaced) {
    delete obj.metadata.namespace;
    return;
  }
  const inBody = obj.metadata.namespace;
  if (inBody !== undefined && inBody !== '' && inBody !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  obj.metadata.namespace = namespace;
}

/** Validation every kind shares: name, labels, annotations. */
export function validateObjectMeta(obj: MutableObject, strategy: Strategy): FieldError[] {
  const errs: FieldError[] = [];
  const meta = obj.metadata;
  const name = meta.name;
  if (typeof name !== 'string' || name === '') {
    errs.push(field.required(field.FieldPath.root('metadata', 'name'), 'name or generateName is required'));
  } else {
    errs.push(...strategy.validateName(name));
  }
  return errs;
}

/** Server-owned fields of a new object; throws 422 when neither name nor generateName is usable. */
export function prepareCreate(obj: MutableObject, strategy: Strategy, env: Environment): void {
  const meta = obj.metadata;
  if ((meta.name === undefined || meta.name === '') && typeof meta.generateName === 'string' && meta.generateName !== '') {
    meta.name = generateName(meta.generateName, env.randomInt);
  }
  meta.uid = env.uuid();
  meta.creationTimestamp = rfc3339(env.now());
  // A resourceVersion sent with a create (a `get -o yaml` dump) is cleared rather than refused.
  delete meta.resourceVersion;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete meta.selfLink;
  if (strategy.tracksGeneration) meta.generation = 1;
  else delete meta.generation;
  if (strategy.hasStatus && !strategy.keepsStatusOnCreate) delete obj.status;
  strategy.prepareForCreate(obj);
  const errs = validateObjectMeta(obj, strategy);
  if (errs.length > 0) throw invalid(groupKind(strategy), typeof meta.name === 'string' ? meta.name : '', errs);
}

/** Everything but metadata and status: what a generation counts changes of. */
function specOf(obj: KubeObject | MutableObject): string {
  const { metadata: _m, status: _s, ...rest } = obj as Record<string, unknown>;
  return JSON.stringify(rest);
}

/**
 * The object an update stores: server-owned metadata carried over from the
 * stored one; on the main resource the stored status wins, on /status only
 * the status changes; generation counts spec changes.
 */
export function prepareUpdate(next: MutableObject, current: KubeObject, strategy: Strategy, subresource: 'status' | ''): MutableObject {
  const cur = current as unknown as Record<string, unknown> & { metadata: Record<string, unknown> };
  let out: MutableObject;
  if (subresource === 'status') {
    // Only status changes; metadata stays as stored (kube resets labels, annotations, finalizers...).
    out = mutableCopy(current);
    if (next.status === undefined) delete out.status;
    else out.status = next.status;
    out.metadata.resourceVersion = next.metadata.resourceVersion;
    return out;
  }
  out = next;
  for (const f of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation'] as const) {
    if (cur.metadata[f] === undefined) delete out.metadata[f];
    else out.metadata[f] = cur.metadata[f];
  }
  if (strategy.hasStatus) {
    if (cur.status === undefined) delete out.status;
    else out.status = cur.status;
  }
  if (strategy.tracksGeneration && specOf(out) !== specOf(current)) {
    out.metadata.generation = (typeof cur.metadata.generation === 'number' ? cur.metadata.generation : 0) + 1;
  }
  // A deleting object cannot gain finalizers it did not have.
  if (cur.metadata.deletionTimestamp !== undefined) {
    const before = new Set(Array.isArray(cur.metadata.finalizers) ? (cur.metadata.finalizers as string[]) : []);
    const after = Array.isArray(out.metadata.finalizers) ? (out.metadata.finalizers as string[]) : [];
    const added = after.filter((f) => !before.has(f));
    if (added.length > 0) {
      throw invalid(groupKind(strategy), text(out.metadata.name ?? ''), [
        field.forbidden(field.FieldPath.root('metadata', 'finalizers'), `no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`),
      ]);
    }
  }
  return out;
}
