// REST verbs on resources: URL → registry call → response. Everything
// resource-specific is in the registry (its strategies); everything about
// bytes on the wire is in respond/body/list-encoder/watch-encoder.

import {
  methodNotSupported, notFoundPath, parseGetOptions, parseListOptions, parseWriteOptions,
  type ResourceRequestInfo, type WriteOptions,
} from '@logbook/apimachinery';
import type { RequestContext } from '@logbook/apistorage';
import { decodePatch, deleteOptionsFrom, patchTypeOf, type DeleteRequest, type Registry, type RequestScope, type ResourceStore } from '@logbook/registry';
import type { Verb } from '@logbook/resources';
import { decodeKubeProtobuf } from '@logbook/kube-protobuf';
import { decodeBody, readBody, type DecodeOptions } from './body.ts';
import { writeList } from './list-encoder.ts';
import { notAcceptableError, writeObject, writeStatus, writeWarnings, type ResponseFormat } from './respond.ts';
import { negotiateOutput } from './table-negotiate.ts';
import { transformFor, transformList, transformObject, transformWatch } from './table-response.ts';
import { serveWatch } from './watch-encoder.ts';
import { headerValue, type RequestSource, type ResponseSink } from './http-types.ts';

export interface ResourceHandlerOptions {
  readonly registry: Registry;
  /** --min-request-timeout (seconds): a watch without timeoutSeconds lasts a random time in [min, 2·min). */
  readonly minRequestTimeoutSeconds: number;
  readonly random: () => number;
  /** Request bodies above this are 413 (kube: 3 MiB). */
  readonly maxBodyBytes: number;
  /** Counts each watch event sent (apiserver_watch_events_total). */
  readonly onWatchEvent?: (group: string, version: string, resource: string) => void;
  /** The clock for Table ages (ms since the epoch); default Date.now. */
  readonly now?: () => number;
}

export interface Caller {
  readonly user: string;
  readonly groups: readonly string[];
  readonly auditId: string;
  readonly traceparent?: string;
  /** The request's audit event, when the audit policy records it. */
  readonly audit?: AuditHooks;
  /** Who authenticated, when the request impersonates `user`. */
  readonly impersonator?: { readonly user: string; readonly groups: readonly string[] };
}

/** What handlers tell the audit event: the decoded request body, the object answered, admission's annotations. */
export interface AuditHooks {
  request(obj: unknown): void;
  response(obj: unknown): void;
  annotate(key: string, value: string): void;
}

export interface ResourceRequest {
  readonly req: RequestSource;
  readonly res: ResponseSink;
  readonly info: ResourceRequestInfo;
  readonly query: URLSearchParams;
  readonly caller: Caller;
  readonly signal: AbortSignal;
}

/** The subresources served; the others (log, exec, ...) answer 404 until they exist. */
const SERVED_SUBRESOURCES: ReadonlySet<string> = new Set(['', 'status', 'finalize', 'scale', 'binding', 'eviction']);

/** Bodies in JSON, YAML, or Kubernetes protobuf (kubectl 1.32+ typed clients), all decoded to the same JSON object. */
export const BODY_DECODING: DecodeOptions = { protobuf: (bytes) => decodeKubeProtobuf(bytes).object };

/** kube's default field manager: the User-Agent up to its first "/" (`kubectl`, `OpenAPI-Generator`), at most 128 characters. */
export function managerFromUserAgent(userAgent: string | undefined): string {
  return (userAgent ?? '').split('/')[0]!.slice(0, 128);
}

/** The scope of a write: its options (422 for bad ones, as kube checks Create/Update/PatchOptions) and a warnings collector. */
function writeScope(scope: RequestScope, opts: WriteOptions, req: RequestSource): RequestScope & { warnings: string[]; auditAnnotations: Map<string, string> } {
  const fieldManager = opts.fieldManager !== '' ? opts.fieldManager : managerFromUserAgent(headerValue(req.headers, 'user-agent'));
  return { ...scope, dryRun: opts.dryRun, fieldValidation: opts.fieldValidation, fieldManager, warnings: [], auditAnnotations: new Map() };
}

/** A write, with its warnings sent as headers even when it fails (kube's warning recorder answers on errors too). */
async function warned<T>(r: ResourceRequest, ws: { warnings: readonly string[] }, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (!r.res.headersSent) writeWarnings(r.res, ws.warnings);
    throw err;
  }
}

/** A write's answer: warnings as headers, admission's audit annotations and the object to the audit event, then the object. */
function answerWrite(r: ResourceRequest, ws: { warnings: readonly string[]; auditAnnotations: ReadonlyMap<string, string> }, code: number, obj: unknown, accept: ResponseFormat): void {
  writeWarnings(r.res, ws.warnings);
  const audit = r.caller.audit;
  if (audit !== undefined) {
    for (const [k, v] of ws.auditAnnotations) audit.annotate(k, v);
    audit.response(obj);
  }
  writeObject(r.res, code, obj, accept);
}

const APPLY_PATCH = 'application/apply-patch+yaml';

function isApplyPatch(contentType: string | string[] | undefined): boolean {
  const ct = Array.isArray(contentType) ? contentType[0] : contentType;
  return (ct ?? '').split(';')[0]!.trim().toLowerCase() === APPLY_PATCH;
}

export async function serveResource(o: ResourceHandlerOptions, r: ResourceRequest): Promise<void> {
  const { info, query } = r;
  // The legacy bindings collection is create-only and stored nowhere: a binding of the pod its body names.
  if (info.apiGroup === '' && info.apiVersion === 'v1' && info.resource === 'bindings' && info.subresource === '') return serveLegacyBinding(o, r);
  const store = o.registry.lookup(info.apiGroup, info.apiVersion, info.resource);
  if (store === undefined || !SERVED_SUBRESOURCES.has(info.subresource)) throw notFoundPath();
  const resourceInfo = store.strategy.info;
  // A namespaced kind needs its namespace for one object; a cluster-scoped kind never has one.
  if (resourceInfo.namespaced ? info.name !== '' && info.namespace === '' : info.namespace !== '' && !(info.resource === 'namespaces')) {
    throw notFoundPath();
  }
  if (info.subresource === 'finalize' && !(resourceInfo.group === '' && resourceInfo.kind === 'Namespace')) throw notFoundPath();
  const verb = info.verb;
  const allowed = info.subresource === '' ? resourceInfo.verbs : (resourceInfo.subresources.find((s) => s.name === info.subresource)?.verbs ?? []);
  if (verb === '' || !(allowed as readonly string[]).includes(verb)) {
    throw methodNotSupported(store.gr, verb === '' ? r.req.method ?? '' : verb);
  }
  // Routes exist for POST on collections and PUT/PATCH/DELETE on objects only (kube's installer).
  const onObject = info.name !== '';
  if ((verb === 'create' && onObject && info.subresource === '') || ((verb === 'update' || verb === 'patch' || verb === 'delete') && !onObject)) {
    throw methodNotSupported(store.gr, verb);
  }
  const namespace = resourceInfo.namespaced ? info.namespace : '';
  const ctx: RequestContext = {
    user: r.caller.user,
    groups: r.caller.groups,
    verb,
    apiGroup: info.apiGroup,
    resource: info.resource,
    subresource: info.subresource,
    namespace,
    name: info.name,
    auditId: r.caller.auditId,
    ...(r.caller.traceparent !== undefined ? { traceparent: r.caller.traceparent } : {}),
  };
  const scope: RequestScope = { namespace, ctx, signal: r.signal };
  // Negotiated before any work: an unservable Accept changes nothing.
  const output = negotiateOutput(r.req.headers.accept);
  if (output === undefined) throw notAcceptableError();
  // Writes answer plain objects in the chosen encoding; only get/list/watch transform (kube transforms writes too; kubectl never asks).
  const accept = output.format;
  const clock = o.now ?? Date.now;
  if (info.subresource === 'scale') return serveScale(o, r, store, scope, accept);
  if (info.subresource === 'binding' || info.subresource === 'eviction') return servePodCreate(o, r, store, scope, accept);
  switch (verb as Verb) {
    case 'get': {
      const opts = parseGetOptions(query);
      const transform = transformFor(output, resourceInfo, query, new Date(clock()), store.listKind);
      const obj = await store.get(scope, info.name, opts.resourceVersion);
      return writeObject(r.res, 200, transform === undefined ? obj : transformObject(transform, obj), accept);
    }
    case 'list': {
      const opts = parseListOptions(query, { watchListEnabled: true });
      const transform = transformFor(output, resourceInfo, query, new Date(clock()), store.listKind);
      const result = await store.list(scope, opts);
      // As kube's ListMeta: continue and remainingItemCount are left out when there is no next page.
      const meta = (): object => {
        const m = result.meta();
        return { resourceVersion: m.resourceVersion, ...(m.continue !== '' ? { continue: m.continue } : {}), ...(m.remainingItemCount !== undefined && m.continue !== '' ? { remainingItemCount: m.remainingItemCount } : {}) };
      };
      // A transformed list is collected whole; transformList bounds it (DEFAULT_MAX_TRANSFORMED_LIST_ITEMS).
      if (transform !== undefined) return writeObject(r.res, 200, await transformList(transform, result.items, meta), accept);
      await writeList(r.res, { kind: store.listKind, apiVersion: store.apiVersion }, { items: result.items, meta }, accept, { signal: r.signal });
      return;
    }
    case 'watch': {
      const opts = parseListOptions(query, { watchListEnabled: true });
      const timeoutSeconds = opts.timeoutSeconds ?? Math.floor(o.minRequestTimeoutSeconds * (1 + o.random()));
      const transform = transformFor(output, resourceInfo, query, new Date(clock()), store.listKind);
      // No resourceVersion: the current objects as ADDED events first, then changes (kube's "Get State and Start at Most Recent").
      // (A watch-list, sendInitialEvents=true, brings its own initial state and its bookmark.)
      const watch = await store.watch(scope, opts.resourceVersion === '' && opts.sendInitialEvents !== true ? { ...opts, resourceVersion: '0' } : opts);
      try {
        const { apiGroup, apiVersion, resource } = info;
        const events = transform === undefined ? watch : transformWatch(transform, watch, () => new Date(clock()));
        await serveWatch(r.res, events, {
          timeoutMs: timeoutSeconds * 1000,
          signal: r.signal,
          ...(o.onWatchEvent !== undefined ? { onEvent: () => o.onWatchEvent!(apiGroup, apiVersion, resource) } : {}),
        });
      } finally {
        watch.close();
      }
      return;
    }
    case 'create': {
      const ws = writeScope(scope, parseWriteOptions(query, 'CreateOptions'), r.req);
      const body = decodeBody(r.req.headers['content-type'], await readBody(r.req, o.maxBodyBytes), BODY_DECODING);
      r.caller.audit?.request(body);
      const created = await warned(r, ws, () => store.create(ws, body));
      return answerWrite(r, ws, 201, created, accept);
    }
    case 'update': {
      const ws = writeScope(scope, parseWriteOptions(query, 'UpdateOptions'), r.req);
      const body = decodeBody(r.req.headers['content-type'], await readBody(r.req, o.maxBodyBytes), BODY_DECODING);
      r.caller.audit?.request(body);
      const sub = info.subresource === 'status' || info.subresource === 'finalize' ? info.subresource : '';
      const updated = await warned(r, ws, () => store.update(ws, info.name, body, sub));
      return answerWrite(r, ws, 200, updated, accept);
    }
    case 'patch': {
      if (isApplyPatch(r.req.headers['content-type']) && info.subresource === '') {
        // Server-side apply: YAML (or JSON) body, fieldManager required; creates the object when absent.
        const opts = parseWriteOptions(query, 'PatchOptions', { applyPatch: true });
        const ws = writeScope(scope, opts, r.req);
        const body = decodeBody('application/yaml', await readBody(r.req, o.maxBodyBytes));
        r.caller.audit?.request(body);
        const applied = await warned(r, ws, () => store.apply(ws, info.name, body, opts.force === true));
        return answerWrite(r, ws, applied.created ? 201 : 200, applied.object, accept);
      }
      const type = patchTypeOf(r.req.headers['content-type']);
      const ws = writeScope(scope, parseWriteOptions(query, 'PatchOptions'), r.req);
      const patch = decodePatch(type, await readBody(r.req, o.maxBodyBytes));
      r.caller.audit?.request(patch);
      const patched = await warned(r, ws, () => store.patch(ws, info.name, type, patch, info.subresource === 'status' ? 'status' : ''));
      return answerWrite(r, ws, 200, patched, accept);
    }
    case 'delete': {
      const del = await deleteOptions(r, o.maxBodyBytes);
      const result = await store.delete({ ...scope, dryRun: del.dryRun }, info.name, del.request);
      r.caller.audit?.response(result.kind === 'object' ? result.object : result.status);
      if (result.kind === 'object') return writeObject(r.res, 200, result.object, accept);
      return writeStatus(r.res, result.status, accept);
    }
    case 'deletecollection': {
      const del = await deleteOptions(r, o.maxBodyBytes);
      const sel = parseListOptions(query, { watchListEnabled: true });
      const deleted = await store.deleteCollection({ ...scope, dryRun: del.dryRun }, sel, del.request);
      return writeObject(r.res, 200, { kind: store.listKind, apiVersion: store.apiVersion, metadata: {}, items: deleted }, accept);
    }
  }
}

/** GET, PUT and PATCH of /scale (autoscaling/v1 Scale over the workload's spec.replicas). */
async function serveScale(o: ResourceHandlerOptions, r: ResourceRequest, store: ResourceStore, scope: RequestScope, accept: ResponseFormat): Promise<void> {
  const { info, query } = r;
  if (info.verb === 'get') {
    parseGetOptions(query);
    return writeObject(r.res, 200, await store.getScale(scope, info.name), accept);
  }
  if (info.verb === 'update') {
    const ws = writeScope(scope, parseWriteOptions(query, 'UpdateOptions'), r.req);
    const body = decodeBody(r.req.headers['content-type'], await readBody(r.req, o.maxBodyBytes), BODY_DECODING);
    return writeObject(r.res, 200, await store.writeScale(ws, info.name, { body }), accept);
  }
  const type = patchTypeOf(r.req.headers['content-type']);
  const ws = writeScope(scope, parseWriteOptions(query, 'PatchOptions'), r.req);
  const patch = decodePatch(type, await readBody(r.req, o.maxBodyBytes));
  return writeObject(r.res, 200, await store.writeScale(ws, info.name, { type, patch }), accept);
}

/**
 * POST pods/{name}/binding and pods/{name}/eviction: the body (JSON, YAML or
 * protobuf) goes to the registry, which answers a Status; kube's create
 * handler sends it with 201 whatever it says.
 */
async function servePodCreate(o: ResourceHandlerOptions, r: ResourceRequest, store: ResourceStore, scope: RequestScope, accept: ResponseFormat): Promise<void> {
  const ws = writeScope(scope, parseWriteOptions(r.query, 'CreateOptions'), r.req);
  const body = decodeBody(r.req.headers['content-type'], await readBody(r.req, o.maxBodyBytes), BODY_DECODING);
  const status = r.info.subresource === 'binding' ? await store.bind(ws, r.info.name, body) : await o.registry.evict(ws, r.info.name, body);
  return writeObject(r.res, 201, status, accept);
}

/** POST /api/v1/namespaces/{ns}/bindings: the pods/binding of the pod named in the body (kube's LegacyBindingREST). */
async function serveLegacyBinding(o: ResourceHandlerOptions, r: ResourceRequest): Promise<void> {
  const { info } = r;
  const pods = o.registry.lookup('', 'v1', 'pods');
  if (pods === undefined || info.namespace === '' || info.name !== '') throw notFoundPath();
  if (info.verb !== 'create') throw methodNotSupported({ group: '', resource: 'bindings' }, info.verb === '' ? r.req.method ?? '' : info.verb);
  const output = negotiateOutput(r.req.headers.accept);
  if (output === undefined) throw notAcceptableError();
  const ctx: RequestContext = {
    user: r.caller.user, groups: r.caller.groups, verb: info.verb, apiGroup: '', resource: 'bindings', subresource: '',
    namespace: info.namespace, name: '', auditId: r.caller.auditId,
    ...(r.caller.traceparent !== undefined ? { traceparent: r.caller.traceparent } : {}),
  };
  const ws = writeScope({ namespace: info.namespace, ctx, signal: r.signal }, parseWriteOptions(r.query, 'CreateOptions'), r.req);
  const body = decodeBody(r.req.headers['content-type'], await readBody(r.req, o.maxBodyBytes), BODY_DECODING);
  const meta = (body as { metadata?: { name?: unknown } } | null)?.metadata;
  const name = typeof meta?.name === 'string' ? meta.name : '';
  return writeObject(r.res, 201, await pods.bind(ws, name, body), output.format);
}

/** DeleteOptions from the query and the (optional) JSON/YAML/protobuf body, merged and checked by deleteOptionsFrom. */
async function deleteOptions(r: ResourceRequest, maxBodyBytes: number): Promise<{ request: DeleteRequest; dryRun: boolean }> {
  const bytes = await readBody(r.req, maxBodyBytes);
  const body: Record<string, unknown> = bytes.byteLength > 0 ? decodeBody(r.req.headers['content-type'] ?? 'application/json', bytes, BODY_DECODING) : {};
  return deleteOptionsFrom(body, r.query);
}
