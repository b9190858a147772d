// Where OIDC verification keys come from: a JWKS given in configuration, or
// the issuer's discovery document (/.well-known/openid-configuration →
// jwks_uri). A remote key set is fetched on first use and again when a
// token names a kid it does not hold, at most once per refresh interval, so
// a stream of tokens with made-up kids cannot turn into a stream of fetches.

import { createLocalJWKSet, errors, type JSONWebKeySet, type JWSHeaderParameters, type FlattenedJWSInput, type KeyObject, type CryptoKey } from 'jose';

/** GETs a URL and returns its decoded JSON body; throws on transport errors and non-2xx answers. */
export type FetchJson = (url: string) => Promise<unknown>;

export const MIN_JWKS_REFRESH_MS = 10_000;

type KeyFunction = (header: JWSHeaderParameters, input: FlattenedJWSInput) => Promise<CryptoKey | KeyObject>;

export interface KeySourceOptions {
  readonly issuerUrl: string;
  /** A static key set; when given, no discovery happens. */
  readonly jwks?: JSONWebKeySet;
  readonly fetchJson: FetchJson;
  readonly now: () => number;
}

export function oidcKeySource(o: KeySourceOptions): KeyFunction {
  if (o.jwks !== undefined) {
    const local = createLocalJWKSet(o.jwks);
    return (header, input) => local(header, input);
  }
  let current: ReturnType<typeof createLocalJWKSet> | undefined;
  let fetchedAt = -Infinity;
  let inflight: Promise<void> | undefined;
  const refresh = (): Promise<void> => {
    // One fetch at a time: concurrent requests wait for the same answer.
    inflight ??= fetchKeySet(o).then((set) => { current = createLocalJWKSet(set); fetchedAt = o.now(); }).finally(() => { inflight = undefined; });
    return inflight;
  };
  return async (header, input) => {
    if (current === undefined) await refresh();
    try {
      return await lookup(current, header, input);
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey) || o.now() - fetchedAt < MIN_JWKS_REFRESH_MS) throw err;
      await refresh();
      return lookup(current, header, input);
    }
  };
}

function lookup(set: ReturnType<typeof createLocalJWKSet> | undefined, header: JWSHeaderParameters, input: FlattenedJWSInput): Promise<CryptoKey | KeyObject> {
  if (set === undefined) throw new Error('no key set');
  return set(header, input);
}

async function fetchKeySet(o: KeySourceOptions): Promise<JSONWebKeySet> {
  const wellKnown = `${o.issuerUrl.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const doc = await o.fetchJson(wellKnown);
  if (!isObject(doc)) throw new Error('oidc: failed to decode provider discovery object');
  if (doc.issuer !== o.issuerUrl) throw new Error(`oidc: issuer did not match the issuer returned by provider, expected ${JSON.stringify(o.issuerUrl)} got ${JSON.stringify(doc.issuer)}`);
  if (typeof doc.jwks_uri !== 'string' || doc.jwks_uri === '') throw new Error('oidc: provider discovery object has no jwks_uri');
  const set = await o.fetchJson(doc.jwks_uri);
  if (!isObject(set) || !Array.isArray(set.keys)) throw new Error('oidc: failed to decode keys');
  return set as unknown as JSONWebKeySet;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The default FetchJson: global fetch, bounded by a timeout and a body size. */
export function defaultFetchJson(timeoutMs = 10_000, maxBytes = 1 << 20): FetchJson {
  return async (url) => {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
    const text = await res.text();
    if (text.length > maxBytes) throw new Error(`response from ${url} exceeds ${maxBytes} bytes`);
    return JSON.parse(text) as unknown;
  };
}
