// Request headers as authenticators need them: names lower-cased and every
// value kept. Node's `req.headers` joins repeated headers with ", ", which
// would turn two Impersonate-Group or X-Remote-Group headers into one group
// whose name contains a comma; so callers build this map from rawHeaders.
// Size is bounded before it gets here: Node refuses header blocks over
// --max-http-header-size (16 KiB by default) with 431.

import type { IncomingHttpHeaders } from 'node:http';

export type HeaderMap = ReadonlyMap<string, readonly string[]>;

/** From Node's rawHeaders: [name, value, name, value, …]. */
export function headerMapFromRaw(raw: readonly string[]): HeaderMap {
  if (raw.length % 2 !== 0) throw new RangeError('rawHeaders must hold name/value pairs');
  const out = new Map<string, string[]>();
  for (let i = 0; i < raw.length; i += 2) {
    const name = (raw[i] ?? '').toLowerCase();
    // HTTP/2 pseudo-headers (:path, :method) are not request headers.
    if (name.startsWith(':')) continue;
    const values = out.get(name);
    if (values === undefined) out.set(name, [raw[i + 1] ?? '']);
    else values.push(raw[i + 1] ?? '');
  }
  return out;
}

/** From a plain object (tests, or a caller without rawHeaders); an array value keeps its items. */
export function headerMapFromObject(headers: IncomingHttpHeaders | Readonly<Record<string, string | readonly string[] | undefined>>): HeaderMap {
  const out = new Map<string, string[]>();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name.startsWith(':')) continue;
    const key = name.toLowerCase();
    const list = out.get(key) ?? [];
    if (typeof value === 'string') list.push(value);
    else list.push(...value);
    out.set(key, list);
  }
  return out;
}

/** The first value of a header, or '' (Go's Header.Get). */
export function firstHeader(headers: HeaderMap, name: string): string {
  return headers.get(name)?.[0] ?? '';
}

export interface StripOptions {
  /** Front-proxy header names configured with --requestheader-*-headers, removed as well as the standard ones. */
  readonly requestHeader?: {
    readonly usernameHeaders: readonly string[];
    readonly uidHeaders: readonly string[];
    readonly groupHeaders: readonly string[];
    readonly extraHeaderPrefixes: readonly string[];
  };
}

const STANDARD_FRONT_PROXY = {
  usernameHeaders: ['x-remote-user'],
  uidHeaders: ['x-remote-uid'],
  groupHeaders: ['x-remote-group'],
  extraHeaderPrefixes: ['x-remote-extra-'],
} as const;

/** The WebSocket subprotocol that carries a bearer token where browsers cannot set Authorization. */
export const WEBSOCKET_BEARER_PROTOCOL_PREFIX = 'base64url.bearer.authorization.k8s.io.';

/**
 * The headers without the credentials an authenticated request arrived with,
 * as kube's authentication filter leaves them: Authorization, the front-proxy
 * identity headers (standard and configured), and a bearer token smuggled in
 * Sec-WebSocket-Protocol. Handlers and audit see only what is left.
 */
export function stripCredentials(headers: HeaderMap, options: StripOptions = {}): HeaderMap {
  const names = new Set<string>(['authorization']);
  const prefixes: string[] = [];
  for (const cfg of options.requestHeader === undefined ? [STANDARD_FRONT_PROXY] : [STANDARD_FRONT_PROXY, options.requestHeader]) {
    for (const n of [...cfg.usernameHeaders, ...cfg.uidHeaders, ...cfg.groupHeaders]) names.add(n.toLowerCase());
    for (const p of cfg.extraHeaderPrefixes) prefixes.push(p.toLowerCase());
  }
  const out = new Map<string, readonly string[]>();
  for (const [name, values] of headers) {
    if (names.has(name) || prefixes.some((p) => name.startsWith(p))) continue;
    if (name === 'sec-websocket-protocol') {
      const kept = withoutBearerProtocol(values);
      if (kept.length > 0) out.set(name, kept);
      continue;
    }
    out.set(name, values);
  }
  return out;
}

function withoutBearerProtocol(values: readonly string[]): string[] {
  const kept: string[] = [];
  for (const v of values) {
    const protocols = v.split(',').map((p) => p.trim()).filter((p) => p !== '' && !p.startsWith(WEBSOCKET_BEARER_PROTOCOL_PREFIX));
    if (protocols.length > 0) kept.push(protocols.join(', '));
  }
  return kept;
}
