// OpenID Connect ID tokens (--oidc-*): a JWT from --oidc-issuer-url whose
// audience includes --oidc-client-id, signed with one of the issuer's keys;
// the user is a claim (--oidc-username-claim, default "sub") with a prefix,
// the groups another claim with a prefix. Messages follow go-oidc and kube's
// oidc plugin, wrapped as "oidc: verify token: …"; none contains the token.

import { compactVerify, decodeJwt, type JSONWebKeySet } from 'jose';
import { NONE, authError, authOk, type AuthResult, type TokenAuthenticator } from './authenticator.ts';
import { oidcKeySource, type FetchJson } from './oidc-keys.ts';
import { userInfo } from './user-info.ts';

export interface OidcConfig {
  /** --oidc-issuer-url; must be https. */
  readonly issuerUrl: string;
  /** --oidc-client-id. */
  readonly clientId: string;
  /** --oidc-username-claim (default "sub"). */
  readonly usernameClaim?: string;
  /**
   * --oidc-username-prefix. Absent: claims other than "email" are prefixed
   * with "<issuer>#". "-" disables prefixing.
   */
  readonly usernamePrefix?: string;
  readonly groupsClaim?: string;
  readonly groupsPrefix?: string;
  /** --oidc-required-claim key=value pairs. */
  readonly requiredClaims?: Readonly<Record<string, string>>;
  /** --oidc-signing-algs (default RS256). */
  readonly signingAlgs?: readonly string[];
  /** Keys given directly instead of discovered. */
  readonly jwks?: JSONWebKeySet;
  readonly fetchJson: FetchJson;
  readonly now: () => number;
}

/** Checks the flags as kube's options validation does; returns every problem. */
export function validateOidcConfig(c: Pick<OidcConfig, 'issuerUrl' | 'clientId'>): string[] {
  const problems: string[] = [];
  let url: URL | undefined;
  try {
    url = new URL(c.issuerUrl);
  } catch {
    problems.push(`oidc-issuer-url: invalid URL ${JSON.stringify(c.issuerUrl)}`);
  }
  if (url !== undefined && url.protocol !== 'https:') problems.push(`oidc-issuer-url: URL scheme must be https, got ${JSON.stringify(url.protocol.replace(/:$/, ''))}`);
  if (c.clientId === '') problems.push('oidc-client-id is required when oidc-issuer-url is set');
  return problems;
}

export function oidcAuthenticator(config: OidcConfig): TokenAuthenticator {
  const problems = validateOidcConfig(config);
  if (problems.length > 0) throw new RangeError(problems.join('; '));
  const keys = oidcKeySource(config);
  const algorithms = [...(config.signingAlgs ?? ['RS256'])];
  const usernameClaim = config.usernameClaim ?? 'sub';
  const usernamePrefix = config.usernamePrefix === '-' ? '' : config.usernamePrefix ?? (usernameClaim === 'email' ? '' : `${config.issuerUrl}#`);
  return {
    async authenticateToken(token: string): Promise<AuthResult> {
      let unverified: Record<string, unknown>;
      try {
        unverified = decodeJwt(token);
      } catch {
        return NONE; // not a JWT
      }
      if (unverified.iss !== config.issuerUrl) return NONE; // another issuer's token: not ours to judge
      const claimsError = standardClaimsError(unverified, config.clientId, Math.floor(config.now() / 1000));
      if (claimsError !== undefined) return authError(`oidc: verify token: ${claimsError}`);
      try {
        await compactVerify(token, keys, { algorithms });
      } catch (err) {
        return authError(`oidc: verify token: failed to verify signature: ${describe(err)}`);
      }
      return userFromClaims(unverified, config, usernameClaim, usernamePrefix);
    },
  };
}

function standardClaimsError(c: Record<string, unknown>, clientId: string, nowSeconds: number): string | undefined {
  const aud = typeof c.aud === 'string' ? [c.aud] : Array.isArray(c.aud) ? c.aud.filter((a): a is string => typeof a === 'string') : [];
  if (!aud.includes(clientId)) return `oidc: expected audience ${JSON.stringify(clientId)} got [${aud.map((a) => JSON.stringify(a)).join(' ')}]`;
  if (typeof c.exp !== 'number') return 'oidc: token has no expiry';
  if (nowSeconds > c.exp) return `oidc: token is expired (Token Expiry: ${goTime(c.exp)})`;
  if (typeof c.nbf === 'number' && nowSeconds < c.nbf) return `oidc: current time ${goTime(nowSeconds)} before the nbf (not before) time: ${goTime(c.nbf)}`;
  return undefined;
}

function userFromClaims(c: Record<string, unknown>, config: OidcConfig, usernameClaim: string, usernamePrefix: string): AuthResult {
  const username = c[usernameClaim];
  if (username === undefined) return authError(`oidc: parse username claims ${JSON.stringify(usernameClaim)}: claim not present`);
  if (typeof username !== 'string') return authError(`oidc: parse username claims ${JSON.stringify(usernameClaim)}: claim is not a string`);
  if (usernameClaim === 'email' && c.email_verified !== undefined) {
    if (typeof c.email_verified !== 'boolean') return authError("oidc: parse 'email_verified' claim: claim is not a boolean");
    if (!c.email_verified) return authError('oidc: email not verified');
  }
  let groups: string[] = [];
  if (config.groupsClaim !== undefined && config.groupsClaim !== '' && c[config.groupsClaim] !== undefined) {
    const g = c[config.groupsClaim];
    if (typeof g === 'string') groups = [g];
    else if (Array.isArray(g) && g.every((x) => typeof x === 'string')) groups = g;
    else return authError(`oidc: parse groups claim ${JSON.stringify(config.groupsClaim)}: claim is not a string or an array of strings`);
    groups = groups.map((x) => `${config.groupsPrefix ?? ''}${x}`);
  }
  for (const [key, want] of Object.entries(config.requiredClaims ?? {})) {
    const got = c[key];
    if (got === undefined) return authError(`oidc: required claim ${key} not present in ID token`);
    if (got !== want) return authError(`oidc: required claim ${key} value does not match. Got = ${typeof got === 'string' ? got : JSON.stringify(got)}, want = ${want}`);
  }
  return authOk(userInfo(`${usernamePrefix}${username}`, { groups }));
}

/** Go's time.Time String() in UTC. */
function goTime(seconds: number): string {
  return `${new Date(seconds * 1000).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, '')} +0000 UTC`;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
