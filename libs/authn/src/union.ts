// Unions of authenticators, as kube's union package: the first user wins;
// errors are remembered and reported only when nobody accepted the request,
// so a client certificate that the front-proxy CA rejects can still pass as an
// ordinary client certificate.

import { NONE, authError, type AuthRequest, type AuthResult, type Authenticator, type TokenAuthenticator } from './authenticator.ts';

export function unionAuthenticator(authenticators: readonly Authenticator[]): Authenticator {
  const list = [...authenticators];
  return {
    async authenticate(req: AuthRequest): Promise<AuthResult> {
      const errors: string[] = [];
      for (const a of list) {
        const r = await a.authenticate(req);
        if (r.kind === 'ok') return r;
        if (r.kind === 'error') errors.push(r.message);
      }
      return errors.length === 0 ? NONE : authError(aggregate(errors));
    },
  };
}

export function unionTokenAuthenticator(authenticators: readonly TokenAuthenticator[]): TokenAuthenticator {
  const list = [...authenticators];
  return {
    async authenticateToken(token: string, audiences?: readonly string[]): Promise<AuthResult> {
      const errors: string[] = [];
      for (const a of list) {
        const r = await a.authenticateToken(token, audiences);
        if (r.kind === 'ok') return r;
        if (r.kind === 'error') errors.push(r.message);
      }
      return errors.length === 0 ? NONE : authError(aggregate(errors));
    },
  };
}

/** Go's utilerrors.Aggregate text: one error as itself, several in brackets. */
export function aggregate(messages: readonly string[]): string {
  const unique = [...new Set(messages)];
  if (unique.length === 1) return unique[0] ?? '';
  return `[${unique.join(', ')}]`;
}
