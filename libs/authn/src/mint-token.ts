// Minting bound service-account tokens (TokenRequest). Pure given the key,
// the clock and the token ID: the caller decides defaults and validation
// (see token-request.ts) and passes the results here.

import { SignJWT } from 'jose';
import { AuthnError } from './authn-error.ts';
import type { ObjectRef } from './service-account-claims.ts';
import type { SigningKey } from './service-account-keys.ts';
import { serviceAccountUsername } from './user-info.ts';

export interface MintOptions {
  readonly key: SigningKey;
  readonly issuer: string;
  readonly audiences: readonly string[];
  readonly expirationSeconds: number;
  readonly nowMs: number;
  /** The JWT ID (kube: a random UUID); becomes the credential-id extra. */
  readonly jti: string;
  readonly namespace: string;
  readonly serviceAccount: ObjectRef;
  readonly pod?: ObjectRef;
  readonly secret?: ObjectRef;
  readonly node?: ObjectRef;
  /** Seconds since the epoch after which clients are warned the token is stale (extended tokens). */
  readonly warnAfter?: number;
}

export interface MintedToken {
  readonly token: string;
  /** RFC 3339, seconds precision, as TokenRequest's status.expirationTimestamp. */
  readonly expirationTimestamp: string;
}

export async function mintServiceAccountToken(o: MintOptions): Promise<MintedToken> {
  if (!Number.isInteger(o.expirationSeconds) || o.expirationSeconds <= 0) throw new RangeError(`expirationSeconds must be a positive integer, got ${o.expirationSeconds}`);
  if (o.audiences.length === 0) throw new RangeError('a token needs at least one audience');
  const iat = Math.floor(o.nowMs / 1000);
  const exp = iat + o.expirationSeconds;
  const kubernetes: Record<string, unknown> = { namespace: o.namespace };
  if (o.node !== undefined) kubernetes.node = { ...o.node };
  if (o.pod !== undefined) kubernetes.pod = { ...o.pod };
  if (o.secret !== undefined) kubernetes.secret = { ...o.secret };
  kubernetes.serviceaccount = { ...o.serviceAccount };
  if (o.warnAfter !== undefined) kubernetes.warnafter = o.warnAfter;
  let token: string;
  try {
    token = await new SignJWT({ 'kubernetes.io': kubernetes })
      .setProtectedHeader({ alg: o.key.alg, kid: o.key.kid })
      .setAudience([...o.audiences])
      .setExpirationTime(exp)
      .setIssuedAt(iat)
      .setIssuer(o.issuer)
      .setJti(o.jti)
      .setNotBefore(iat)
      .setSubject(serviceAccountUsername(o.namespace, o.serviceAccount.name))
      .sign(o.key.privateKey);
  } catch (err) {
    throw new AuthnError('signing-failed', 'failed to sign service account token', { cause: err });
  }
  return { token, expirationTimestamp: new Date(exp * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') };
}
