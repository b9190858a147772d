// The contract every authenticator meets. Three outcomes, as in kube's
// authenticator.Request: a user; "not mine" (the next authenticator tries);
// or an error (the credential was presented and is bad). The distinction
// matters: an error stops anonymous access, "not mine" does not.

import type { X509Certificate } from 'node:crypto';
import type { HeaderMap } from './headers.ts';
import type { UserInfo } from './user-info.ts';

export interface AuthRequest {
  /** Request headers, names lower-case, every value kept (see headerMapFromRaw). */
  readonly headers: HeaderMap;
  /** The TLS peer's certificate chain, leaf first; empty when none was sent. */
  readonly peerCertificates: readonly X509Certificate[];
  /** Whether the TLS layer verified that chain against --client-ca-file (for client-certificate usage). */
  readonly clientCertVerified: boolean;
  /** The request path; only anonymous access with path conditions reads it. */
  readonly path?: string;
  /**
   * Audiences a bearer token must be valid for; absent means the server's
   * --api-audiences. Only TokenReview sets it (spec.audiences).
   */
  readonly audiences?: readonly string[];
}

export type AuthResult =
  | { readonly kind: 'ok'; readonly user: UserInfo; readonly audiences?: readonly string[] }
  | { readonly kind: 'none' }
  | { readonly kind: 'error'; readonly message: string };

export interface Authenticator {
  authenticate(req: AuthRequest): Promise<AuthResult>;
}

/**
 * A bearer-token authenticator. `audiences` are the audiences the caller wants
 * the token to be valid for (TokenReview's spec.audiences); absent means the
 * API server's own audiences.
 */
export interface TokenAuthenticator {
  authenticateToken(token: string, audiences?: readonly string[]): Promise<AuthResult>;
}

export const NONE: AuthResult = Object.freeze({ kind: 'none' });

export function authError(message: string): AuthResult {
  return { kind: 'error', message };
}

export function authOk(user: UserInfo, audiences?: readonly string[]): AuthResult {
  return audiences === undefined ? { kind: 'ok', user } : { kind: 'ok', user, audiences };
}
