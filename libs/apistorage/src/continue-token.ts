// The list continue token, byte-compatible with kube-apiserver's (so a token
// issued by one apiserver replica, or by kube-apiserver itself, is accepted
// by another): unpadded base64url of {"v":"meta.k8s.io/v1","rv":<revision>,
// "start":"<next key relative to the prefix>"}. Messages match
// kube-apiserver's, since clients show them verbatim.

import { StorageError } from './errors.ts';

const TOKEN_VERSION = 'meta.k8s.io/v1';

export interface ContinuePosition {
  /** The full key to resume from (inclusive). */
  readonly startKey: string;
  /** The revision the first page was read at; kube also issues -1 ("read at latest") after an expired token. */
  readonly revision: number;
}

/** `nextKey` is the first key the next page starts at; it must lie under `prefix`. */
export function encodeContinue(nextKey: string, prefix: string, revision: number): string {
  if (!nextKey.startsWith(prefix) || nextKey === prefix) {
    throw new StorageError('invalidContinue', nextKey, `unable to encode next field: the key and key prefix do not match`);
  }
  const json = JSON.stringify({ v: TOKEN_VERSION, rv: revision, start: nextKey.slice(prefix.length) });
  return Buffer.from(json, 'utf8').toString('base64url');
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

function invalid(prefix: string, detail: string, cause?: unknown): StorageError {
  return new StorageError('invalidContinue', prefix, `continue key is not valid: ${detail}`, cause === undefined ? {} : { cause });
}

/**
 * Decodes a token for a list under `prefix`. The start key is cleaned the
 * way kube does (a path that `..` or `//` would move is refused), so a forged
 * token can never reach a key outside the prefix.
 */
export function decodeContinue(token: string, prefix: string): ContinuePosition {
  // Node's decoder skips characters it does not know; Go's refuses them, and so do we.
  if (!BASE64URL.test(token) || token.length % 4 === 1) throw invalid(prefix, 'illegal base64 data');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch (e) {
    throw invalid(prefix, e instanceof Error ? e.message : String(e), e);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid(prefix, 'not a JSON object');
  const { v, rv, start } = parsed as { v?: unknown; rv?: unknown; start?: unknown };
  if (v !== TOKEN_VERSION) {
    throw invalid(prefix, `server does not recognize this encoded version ${JSON.stringify(typeof v === 'string' ? v : '')}`);
  }
  if (rv !== undefined && !Number.isSafeInteger(rv)) throw invalid(prefix, 'incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  if (rv === undefined || rv === 0) throw invalid(prefix, 'incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  if (start !== undefined && typeof start !== 'string') throw invalid(prefix, 'encoded start key is not a string');
  if (start === undefined || start === '') throw invalid(prefix, 'encoded start key empty (version meta.k8s.io/v1)');
  const rooted = start.startsWith('/') ? start : `/${start}`;
  if (cleanPath(rooted) !== rooted) throw invalid(prefix, start);
  return { startKey: prefix + rooted.slice(1), revision: rv as number };
}

/**
 * Go's path.Clean for a rooted path, minus the one case it never meets here
 * (a token's start key ends in "\x00", never in "/", when this server made it).
 */
function cleanPath(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}
