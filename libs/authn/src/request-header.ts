// The authenticating front proxy (--requestheader-*): a proxy that presents a
// client certificate signed by --requestheader-client-ca-file (and, when
// --requestheader-allowed-names is set, with one of those CNs) may assert the
// user in X-Remote-User / -Group / -Uid / -Extra-*. Anyone else's headers of
// that name are ignored, and the caller strips them (stripCredentials).

import type { X509Certificate } from 'node:crypto';
import { NONE, authError, authOk, type AuthRequest, type AuthResult, type Authenticator } from './authenticator.ts';
import { certificateIdentifier, commonName, verifyChain } from './certificate.ts';
import type { HeaderMap } from './headers.ts';
import { userInfo } from './user-info.ts';

export interface RequestHeaderConfig {
  /** --requestheader-client-ca-file, parsed. */
  readonly clientCa: readonly X509Certificate[];
  /** --requestheader-allowed-names; empty allows any CN the CA signed. */
  readonly allowedNames: readonly string[];
  /** --requestheader-username-headers (kube's default: X-Remote-User). */
  readonly usernameHeaders: readonly string[];
  /** --requestheader-uid-headers. */
  readonly uidHeaders: readonly string[];
  /** --requestheader-group-headers (X-Remote-Group). */
  readonly groupHeaders: readonly string[];
  /** --requestheader-extra-headers-prefix (X-Remote-Extra-). */
  readonly extraHeaderPrefixes: readonly string[];
  readonly now: () => number;
}

export function requestHeaderAuthenticator(config: RequestHeaderConfig): Authenticator {
  if (config.clientCa.length === 0) throw new RangeError('the front proxy authenticator needs --requestheader-client-ca-file');
  const usernameHeaders = normalize(config.usernameHeaders);
  const uidHeaders = normalize(config.uidHeaders);
  const groupHeaders = normalize(config.groupHeaders);
  const extraPrefixes = normalize(config.extraHeaderPrefixes);
  const allowed = new Set(config.allowedNames);
  return {
    authenticate(req: AuthRequest): Promise<AuthResult> {
      const leaf = req.peerCertificates[0];
      if (leaf === undefined) return Promise.resolve(NONE);
      const chainError = verifyChain(req.peerCertificates, config.clientCa, config.now());
      if (chainError !== undefined) return Promise.resolve(authError(`verifying certificate ${certificateIdentifier(leaf)} failed: ${chainError}`));
      const cn = commonName(leaf);
      if (allowed.size > 0 && !allowed.has(cn)) return Promise.resolve(authError(`x509: subject with cn=${cn} is not in the allowed list`));
      const name = firstValue(req.headers, usernameHeaders);
      if (name === '') return Promise.resolve(NONE);
      return Promise.resolve(authOk(userInfo(name, {
        uid: firstValue(req.headers, uidHeaders),
        groups: allValues(req.headers, groupHeaders),
        extra: extras(req.headers, extraPrefixes),
      })));
    },
  };
}

function normalize(names: readonly string[]): string[] {
  return names.map((n) => n.trim().toLowerCase()).filter((n) => n !== '');
}

function firstValue(headers: HeaderMap, names: readonly string[]): string {
  for (const n of names) {
    const v = headers.get(n)?.[0] ?? '';
    if (v !== '') return v;
  }
  return '';
}

function allValues(headers: HeaderMap, names: readonly string[]): string[] {
  return names.flatMap((n) => (headers.get(n) ?? []).filter((v) => v !== ''));
}

function extras(headers: HeaderMap, prefixes: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, values] of headers) {
    const prefix = prefixes.find((p) => name.startsWith(p));
    if (prefix === undefined) continue;
    const key = unescapeExtraKey(name.slice(prefix.length));
    (out[key] ??= []).push(...values);
  }
  return out;
}

/** Extra keys are %-encoded in header names (url.PathUnescape); malformed encodings are kept as sent. */
export function unescapeExtraKey(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded;
  }
}
