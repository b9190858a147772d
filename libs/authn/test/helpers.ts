// Shared test fixtures: requests, and the check that a secret never leaks into a message.

import assert from 'node:assert/strict';
import type { X509Certificate } from 'node:crypto';
import { headerMapFromObject, type AuthRequest, type AuthResult } from '../src/index.ts';

export function request(headers: Record<string, string | string[]> = {}, certs: readonly X509Certificate[] = [], verified = false, path?: string): AuthRequest {
  const base = { headers: headerMapFromObject(headers), peerCertificates: certs, clientCertVerified: verified };
  return path === undefined ? base : { ...base, path };
}

export function bearer(token: string): AuthRequest {
  return request({ authorization: `Bearer ${token}` });
}

/** Asserts the result is an error whose text does not contain the secret. */
export function assertErrorWithoutSecret(r: AuthResult, secret: string, message?: string | RegExp): void {
  assert.equal(r.kind, 'error', `expected an error, got ${JSON.stringify(r)}`);
  if (r.kind !== 'error') return;
  assert.ok(!r.message.includes(secret), `error message leaks the credential: ${r.message}`);
  if (typeof message === 'string') assert.equal(r.message, message);
  else if (message !== undefined) assert.match(r.message, message);
}

export function okUser(r: AuthResult): { name: string; uid: string; groups: readonly string[]; extra: Readonly<Record<string, readonly string[]>> } {
  assert.equal(r.kind, 'ok', `expected a user, got ${JSON.stringify(r)}`);
  if (r.kind !== 'ok') throw new Error('unreachable');
  return r.user;
}
