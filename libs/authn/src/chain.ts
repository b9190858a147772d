// The whole authentication chain in kube-apiserver's order
// (pkg/kubeapiserver/authenticator/config.go): front proxy, client
// certificates, then bearer tokens (Authorization header and WebSocket
// protocol) over one union of token authenticators; system:authenticated is
// added to whoever passed; anonymous comes last and only when nothing failed.

import { NONE, authError, authOk, type AuthRequest, type AuthResult, type Authenticator, type TokenAuthenticator } from './authenticator.ts';
import { bearerTokenAuthenticator, websocketProtocolAuthenticator } from './bearer-token.ts';
import { ALL_AUTHENTICATED, ALL_UNAUTHENTICATED, ANONYMOUS_USER, userInfo } from './user-info.ts';
import { unionAuthenticator, unionTokenAuthenticator } from './union.ts';

export interface AnonymousConfig {
  /** --anonymous-auth. */
  readonly enabled: boolean;
  /**
   * AuthenticationConfiguration anonymous.conditions: when given, anonymous
   * access is allowed only on these exact paths (e.g. /healthz, /readyz, /livez).
   */
  readonly paths?: readonly string[];
}

export interface ChainConfig {
  readonly requestHeader?: Authenticator;
  readonly x509?: Authenticator;
  /** Token authenticators, in order: token file, service accounts, bootstrap tokens, OIDC. */
  readonly tokens?: readonly TokenAuthenticator[];
  readonly anonymous?: AnonymousConfig;
  /** --api-audiences: a result whose audiences share none with these is refused. */
  readonly apiAudiences?: readonly string[];
}

export const UNABLE_TO_MATCH_AUDIENCE = 'unable to match audience';

export function anonymousUser(): AuthResult {
  return authOk(userInfo(ANONYMOUS_USER, { groups: [ALL_UNAUTHENTICATED] }));
}

/**
 * The request authenticator the server's filter calls. `kind:'none'` and
 * `kind:'error'` both mean 401 "Unauthorized"; the message of an error is for
 * the log and never contains the credential.
 */
export function buildAuthenticator(config: ChainConfig): Authenticator {
  const parts: Authenticator[] = [];
  if (config.requestHeader !== undefined) parts.push(config.requestHeader);
  if (config.x509 !== undefined) parts.push(config.x509);
  const tokens = config.tokens ?? [];
  if (tokens.length > 0) {
    const tokenUnion = unionTokenAuthenticator(tokens);
    parts.push(bearerTokenAuthenticator(tokenUnion), websocketProtocolAuthenticator(tokenUnion));
  }
  const union = unionAuthenticator(parts);
  const apiAudiences = config.apiAudiences ?? [];
  const anonymous = config.anonymous;
  return {
    async authenticate(req: AuthRequest): Promise<AuthResult> {
      const r = await union.authenticate(req);
      if (r.kind === 'ok') {
        // TokenReview asks for its own audiences; the server's apply to ordinary requests only.
        if (req.audiences === undefined && !audiencesAcceptable(apiAudiences, r.audiences)) return authError(UNABLE_TO_MATCH_AUDIENCE);
        return withAuthenticatedGroup(r);
      }
      if (r.kind === 'error') return r;
      if (anonymous?.enabled !== true) return NONE;
      if (anonymous.paths !== undefined && !anonymous.paths.includes(req.path ?? '')) return NONE;
      return anonymousUser();
    },
  };
}

function audiencesAcceptable(apiAudiences: readonly string[], got: readonly string[] | undefined): boolean {
  if (apiAudiences.length === 0 || got === undefined || got.length === 0) return true;
  return got.some((a) => apiAudiences.includes(a));
}

function withAuthenticatedGroup(r: AuthResult & { kind: 'ok' }): AuthResult {
  const u = r.user;
  if (u.name === ANONYMOUS_USER || u.groups.some((g) => g === ALL_AUTHENTICATED || g === ALL_UNAUTHENTICATED)) return r;
  return { ...r, user: { ...u, groups: [...u.groups, ALL_AUTHENTICATED] } };
}
