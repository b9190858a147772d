// What a request is about — verb, group, version, namespace, resource, name,
// subresource — derived from method, path and query exactly as kube's
// RequestInfoFactory does. Authorization, audit, metrics and routing all key
// on this, so it must agree with kube-apiserver's reading of the same URL.

import { decodeListOptions, type RawListOptions } from './list-options.ts';
import { internalError, StatusError } from './status.ts';

export const REQUEST_VERBS = [
  'get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', 'proxy',
] as const;
export type RequestVerb = (typeof REQUEST_VERBS)[number];

export interface ResourceRequestInfo {
  readonly isResourceRequest: true;
  readonly path: string;
  /** '' for an HTTP method kube has no verb for (e.g. OPTIONS). */
  readonly verb: RequestVerb | '';
  /** 'api' or 'apis'. */
  readonly apiPrefix: string;
  /** '' for the core group. */
  readonly apiGroup: string;
  readonly apiVersion: string;
  /** '' when cluster-scoped or all namespaces. For `namespaces/NS` itself, NS. */
  readonly namespace: string;
  readonly resource: string;
  readonly subresource: string;
  readonly name: string;
  /** The path from the resource on: resource/name/subresource/... */
  readonly parts: readonly string[];
}

export interface NonResourceRequestInfo {
  readonly isResourceRequest: false;
  readonly path: string;
  /** The lower-cased HTTP method, as kube records it for non-resource requests. */
  readonly verb: string;
  /** Set when the path starts like an API path but stops short (`/apis/apps/v1`). */
  readonly apiPrefix: string;
}

export type RequestInfo = ResourceRequestInfo | NonResourceRequestInfo;

const API_PREFIXES: ReadonlySet<string> = new Set(['api', 'apis']);
const GROUPLESS_API_PREFIXES: ReadonlySet<string> = new Set(['api']);
const SPECIAL_VERBS: ReadonlySet<string> = new Set(['proxy', 'watch']);
const NAMESPACE_SUBRESOURCES: ReadonlySet<string> = new Set(['status', 'finalize']);

function splitPath(path: string): string[] {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? [] : trimmed.split('/');
}

function methodVerb(method: string): RequestVerb | '' {
  switch (method) {
    case 'POST': return 'create';
    case 'GET':
    case 'HEAD': return 'get';
    case 'PUT': return 'update';
    case 'PATCH': return 'patch';
    case 'DELETE': return 'delete';
    default: return '';
  }
}

// kube's path.IsValidPathSegmentName: a name that could not be a path segment is never taken from a selector.
function isValidPathSegmentName(name: string): boolean {
  return name !== '.' && name !== '..' && !name.includes('/') && !name.includes('%');
}

/**
 * Classifies a request. `path` is the URL path (not decoded further); `query`
 * its parameters. Throws StatusError (500, as kube's filter answers) only for
 * a special-verb prefix with nothing after it (`/api/v1/watch`).
 */
export function parseRequestInfo(method: string, path: string, query: URLSearchParams): RequestInfo {
  const nonResource: NonResourceRequestInfo = { isResourceRequest: false, path, verb: method.toLowerCase(), apiPrefix: '' };
  let parts = splitPath(path);
  if (parts.length < 3 || !API_PREFIXES.has(parts[0] ?? '')) return nonResource;
  const apiPrefix = parts[0] ?? '';
  parts = parts.slice(1);
  let apiGroup = '';
  if (!GROUPLESS_API_PREFIXES.has(apiPrefix)) {
    if (parts.length < 3) return { ...nonResource, apiPrefix };
    apiGroup = parts[0] ?? '';
    parts = parts.slice(1);
  }
  const apiVersion = parts[0] ?? '';
  parts = parts.slice(1);

  let verb: RequestVerb | '';
  const first = parts[0] ?? '';
  if (SPECIAL_VERBS.has(first)) {
    if (parts.length < 2) {
      throw statusFor(`failed to create RequestInfo: unable to determine kind and namespace from url, ${path}`);
    }
    verb = first === 'watch' ? 'watch' : 'proxy';
    parts = parts.slice(1);
  } else {
    verb = methodVerb(method);
  }

  let namespace = '';
  if (parts[0] === 'namespaces' && parts.length > 1) {
    namespace = parts[1] ?? '';
    // `namespaces/NS/<x>` is a namespaced resource x, unless x is a subresource of the Namespace object itself.
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2] ?? '')) parts = parts.slice(2);
  }

  const resource = parts[0] ?? '';
  let name = parts[1] ?? '';
  // proxy keeps everything after the name as the proxied path, not a subresource.
  const subresource = parts.length >= 3 && verb !== 'proxy' ? (parts[2] ?? '') : '';

  if (name === '' && verb === 'get') {
    const opts = decodeForRequestInfo(query);
    verb = opts.watch ? 'watch' : 'list';
    const selected = opts.nameFromSelector;
    if (selected !== undefined && isValidPathSegmentName(selected)) name = selected;
  }
  if (name === '' && verb === 'delete') verb = 'deletecollection';

  return { isResourceRequest: true, path, verb, apiPrefix, apiGroup, apiVersion, namespace, resource, subresource, name, parts };
}

// kube decodes the full ListOptions here. If that fails the request still
// classifies (as list, or watch when `watch` reads as true) but takes no name
// from the field selector; the handler reports the decode error itself.
function decodeForRequestInfo(query: URLSearchParams): { watch: boolean; nameFromSelector: string | undefined } {
  let opts: RawListOptions;
  try {
    opts = decodeListOptions(query, true);
  } catch (err: unknown) {
    if (!(err instanceof StatusError)) throw err;
    const raw = query.get('watch');
    return { watch: raw !== null && raw !== '0' && raw.toLowerCase() !== 'false', nameFromSelector: undefined };
  }
  return { watch: opts.watch, nameFromSelector: opts.fieldSelector.exactName() };
}

function statusFor(message: string): StatusError {
  return internalError(new Error(message));
}
