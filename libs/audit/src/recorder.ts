// One request's audit event, filled in as the request moves through the
// server and emitted at each stage the policy does not omit. A level-None
// request gets NOOP_RECORDER: a shared object whose methods do nothing and
// return one pre-resolved promise, so the hot path allocates nothing.

import type { RequestInfo } from '@logbook/apimachinery';
import type { AuditClock } from './clock.ts';
import type { RequestAuditConfig } from './evaluate.ts';
import { formatMicroTime } from './time-format.ts';
import { levelAtLeast } from './types.ts';
import type { AuditBackend, AuditEvent, AuditLevel, AuditStage, AuditUser, ObjectReference, ResponseStatus } from './types.ts';

export const DECISION_ANNOTATION = 'authorization.k8s.io/decision';
export const REASON_ANNOTATION = 'authorization.k8s.io/reason';

/** Verbs whose request body kube logs: the object written, the patch, or DeleteOptions. */
const BODY_VERBS: ReadonlySet<string> = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

export interface AuditRecorder {
  /** The level the policy chose; 'None' means every method is a no-op. */
  readonly level: AuditLevel;
  /** Set by the impersonation filter: who the request acts as. */
  setImpersonatedUser(user: AuditUser): void;
  /** Merges fields into objectRef (e.g. resourceVersion or uid once storage has answered). */
  setObjectRef(ref: Readonly<ObjectReference>): void;
  /**
   * The decoded request body (create/update: the object; patch: the patch;
   * delete: DeleteOptions). Snapshotted now, as kube encodes it when logged.
   * Fills objectRef's namespace/name/uid/resourceVersion from its metadata
   * where still empty. Kept only at level Request and above.
   */
  setRequestObject(obj: unknown): void;
  addAnnotation(key: string, value: string): void;
  /** The authorizer's verdict, as kube's authorization filter records it. */
  setAuthorizationDecision(decision: 'allow' | 'forbid', reason: string): void;
  /**
   * Emits RequestReceived (right after authentication) or ResponseStarted
   * (long-running requests, when the headers go out). Resolves false only
   * when a blocking-strict backend failed to store it: the server must then
   * answer 500 "failed to store audit event".
   */
  stage(stage: 'RequestReceived' | 'ResponseStarted'): Promise<boolean>;
  /** Emits ResponseComplete. `responseObject` is what was returned (a Status for errors and deletes). */
  complete(code: number, responseObject?: unknown): Promise<boolean>;
  /** Emits Panic: the handler failed unexpectedly; answered with 500. */
  panic(err: unknown): Promise<boolean>;
}

const RESOLVED_TRUE: Promise<boolean> = Promise.resolve(true);

export const NOOP_RECORDER: AuditRecorder = Object.freeze({
  level: 'None' as const,
  setImpersonatedUser() {},
  setObjectRef() {},
  setRequestObject() {},
  addAnnotation() {},
  setAuthorizationDecision() {},
  stage: () => RESOLVED_TRUE,
  complete: () => RESOLVED_TRUE,
  panic: () => RESOLVED_TRUE,
});

export interface RecordedRequest {
  readonly auditID: string;
  readonly requestURI: string;
  readonly requestInfo: RequestInfo;
  readonly user: AuditUser;
  readonly sourceIPs: readonly string[];
  readonly userAgent: string;
}

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A JSON snapshot, optionally without metadata.managedFields (on the object and on each list item). */
function snapshot(obj: unknown, omitManagedFields: boolean): unknown {
  const copy: unknown = JSON.parse(JSON.stringify(obj) ?? 'null');
  if (omitManagedFields && isObject(copy)) {
    const strip = (o: unknown): void => {
      if (isObject(o) && isObject(o['metadata'])) delete o['metadata']['managedFields'];
    };
    strip(copy);
    if (Array.isArray(copy['items'])) for (const item of copy['items'] as unknown[]) strip(item);
  }
  return copy;
}

function copyUser(u: AuditUser): AuditUser {
  return {
    username: u.username,
    ...(u.uid === undefined || u.uid === '' ? {} : { uid: u.uid }),
    ...(u.groups === undefined || u.groups.length === 0 ? {} : { groups: [...u.groups] }),
    ...(u.extra === undefined || Object.keys(u.extra).length === 0 ? {} : { extra: Object.fromEntries(Object.entries(u.extra).map(([k, v]) => [k, [...v]])) }),
  };
}

const REF_ORDER = ['resource', 'namespace', 'name', 'uid', 'apiGroup', 'apiVersion', 'resourceVersion', 'subresource'] as const;

/** objectRef's keys in kube's field order, so lines compare equal to kube-apiserver's. */
function orderedRef(ref: ObjectReference): ObjectReference {
  const out: ObjectReference = {};
  for (const k of REF_ORDER) {
    const v = ref[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

function isStatus(v: unknown): v is Obj {
  return isObject(v) && v['kind'] === 'Status';
}

export class EventRecorder implements AuditRecorder {
  readonly level: AuditLevel;
  readonly #config: RequestAuditConfig;
  readonly #backend: AuditBackend;
  readonly #clock: AuditClock;
  readonly #req: RecordedRequest;
  readonly #receivedAt: string;
  #impersonated: AuditUser | undefined;
  #objectRef: ObjectReference | undefined;
  #requestObject: unknown;
  #responseStatus: ResponseStatus | undefined;
  #responseObject: unknown;
  #annotations: Record<string, string> | undefined;
  readonly #emitted = new Set<AuditStage>();

  constructor(config: RequestAuditConfig, req: RecordedRequest, backend: AuditBackend, clock: AuditClock) {
    if (config.level === 'None') throw new Error('assertion failed: an EventRecorder needs a level above None');
    this.level = config.level;
    this.#config = config;
    this.#req = req;
    this.#backend = backend;
    this.#clock = clock;
    this.#receivedAt = formatMicroTime(clock.now());
    const info = req.requestInfo;
    if (info.isResourceRequest) {
      const ref: ObjectReference = {};
      if (info.resource !== '') ref.resource = info.resource;
      if (info.namespace !== '') ref.namespace = info.namespace;
      if (info.name !== '') ref.name = info.name;
      if (info.apiGroup !== '') ref.apiGroup = info.apiGroup;
      if (info.apiVersion !== '') ref.apiVersion = info.apiVersion;
      if (info.subresource !== '') ref.subresource = info.subresource;
      this.#objectRef = ref;
    }
  }

  setImpersonatedUser(user: AuditUser): void {
    this.#impersonated = copyUser(user);
  }

  setObjectRef(ref: Readonly<ObjectReference>): void {
    const merged: ObjectReference = { ...this.#objectRef };
    for (const [k, v] of Object.entries(ref) as [keyof ObjectReference, string | undefined][]) {
      if (v !== undefined && v !== '') merged[k] = v;
    }
    this.#objectRef = merged;
  }

  setRequestObject(obj: unknown): void {
    if (!BODY_VERBS.has(this.#req.requestInfo.verb)) return;
    // A patch body may be a JSON array (JSON Patch); any other body is an object.
    if (this.#req.requestInfo.verb !== 'patch' && !isObject(obj)) return;
    if (isObject(obj) && isObject(obj['metadata'])) {
      const m = obj['metadata'];
      const ref: ObjectReference = { ...this.#objectRef };
      for (const k of ['namespace', 'name', 'uid', 'resourceVersion'] as const) {
        const v = m[k];
        if ((ref[k] ?? '') === '' && typeof v === 'string' && v !== '') ref[k] = v;
      }
      this.#objectRef = ref;
    }
    if (!levelAtLeast(this.level, 'Request')) return;
    this.#requestObject = snapshot(obj, this.#config.omitManagedFields);
  }

  addAnnotation(key: string, value: string): void {
    // kube keeps the first value for a key and logs a conflict; the first writer wins here too.
    this.#annotations ??= {};
    if (!(key in this.#annotations)) this.#annotations[key] = value;
  }

  setAuthorizationDecision(decision: 'allow' | 'forbid', reason: string): void {
    this.addAnnotation(DECISION_ANNOTATION, decision);
    this.addAnnotation(REASON_ANNOTATION, reason);
  }

  stage(stage: 'RequestReceived' | 'ResponseStarted'): Promise<boolean> {
    return this.#emit(stage);
  }

  complete(code: number, responseObject?: unknown): Promise<boolean> {
    if (isStatus(responseObject)) {
      // Only the bounded fields of a Status: never its metadata or arbitrary extras.
      const s = responseObject;
      this.#responseStatus = {
        metadata: {},
        ...(typeof s['status'] === 'string' && s['status'] !== '' ? { status: s['status'] } : {}),
        ...(typeof s['message'] === 'string' && s['message'] !== '' ? { message: s['message'] } : {}),
        ...(typeof s['reason'] === 'string' && s['reason'] !== '' ? { reason: s['reason'] } : {}),
        ...(isObject(s['details']) ? { details: snapshot(s['details'], false) } : {}),
        code,
      };
    } else {
      this.#responseStatus = { metadata: {}, code };
    }
    const info = this.#req.requestInfo;
    // Watches stream: kube never logs their body. Non-resource responses are not API objects.
    if (levelAtLeast(this.level, 'RequestResponse') && info.isResourceRequest && info.verb !== 'watch' && isObject(responseObject)) {
      this.#responseObject = snapshot(responseObject, this.#config.omitManagedFields);
    }
    return this.#emit('ResponseComplete');
  }

  panic(err: unknown): Promise<boolean> {
    this.#responseStatus = {
      metadata: {},
      status: 'Failure',
      message: `APIServer panic'd: ${err instanceof Error ? err.message : String(err)}`,
      reason: 'InternalError',
      code: 500,
    };
    return this.#emit('Panic');
  }

  #emit(stage: AuditStage): Promise<boolean> {
    // Each stage is emitted at most once, and nothing follows the final one.
    if (this.#emitted.has(stage) || this.#emitted.has('ResponseComplete') || this.#emitted.has('Panic')) return RESOLVED_TRUE;
    this.#emitted.add(stage);
    if (this.#config.omitStages.includes(stage)) return RESOLVED_TRUE;
    return this.#backend.processEvents([this.#event(stage)]);
  }

  #event(stage: AuditStage): AuditEvent {
    const r = this.#req;
    return {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: this.level,
      auditID: r.auditID,
      stage,
      requestURI: r.requestURI,
      verb: r.requestInfo.verb,
      user: r.user,
      ...(this.#impersonated === undefined ? {} : { impersonatedUser: this.#impersonated }),
      ...(r.sourceIPs.length === 0 ? {} : { sourceIPs: r.sourceIPs }),
      ...(r.userAgent === '' ? {} : { userAgent: r.userAgent }),
      ...(this.#objectRef === undefined ? {} : { objectRef: orderedRef(this.#objectRef) }),
      ...(this.#responseStatus === undefined ? {} : { responseStatus: this.#responseStatus }),
      ...(this.#requestObject === undefined || stage === 'RequestReceived' ? {} : { requestObject: this.#requestObject }),
      ...(this.#responseObject === undefined ? {} : { responseObject: this.#responseObject }),
      requestReceivedTimestamp: this.#receivedAt,
      stageTimestamp: formatMicroTime(this.#clock.now()),
      ...(this.#annotations === undefined ? {} : { annotations: { ...this.#annotations } }),
    };
  }
}

export { copyUser };
