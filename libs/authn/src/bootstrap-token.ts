// --enable-bootstrap-token-auth: tokens "<id>.<secret>" backed by Secrets
// kube-system/bootstrap-token-<id> of type bootstrap.kubernetes.io/token.
// Every mismatch is "not mine" (kube logs it at a high verbosity and moves
// on); only a failure to read the store is an error.

import { timingSafeEqual } from 'node:crypto';
import { NONE, authError, authOk, type AuthResult, type TokenAuthenticator } from './authenticator.ts';
import { userInfo } from './user-info.ts';

export const BOOTSTRAP_TOKEN_SECRET_TYPE = 'bootstrap.kubernetes.io/token';
export const BOOTSTRAP_TOKEN_SECRET_PREFIX = 'bootstrap-token-';
export const BOOTSTRAP_USER_PREFIX = 'system:bootstrap:';
export const BOOTSTRAPPERS_GROUP = 'system:bootstrappers';

const TOKEN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
const EXTRA_GROUP = /^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$/;

/** A Secret as the API stores it: data values base64-encoded. */
export interface SecretLike {
  readonly type?: string;
  readonly metadata?: { readonly deletionTimestamp?: string };
  readonly data?: Readonly<Record<string, string>>;
}

export interface BootstrapTokenOptions {
  /** Reads kube-system/<name>; undefined when it does not exist. Throws when the store fails. */
  readonly getSecret: (namespace: string, name: string) => Promise<SecretLike | undefined>;
  readonly now: () => number;
}

export function bootstrapTokenAuthenticator(options: BootstrapTokenOptions): TokenAuthenticator {
  return {
    async authenticateToken(token: string): Promise<AuthResult> {
      const m = TOKEN.exec(token);
      if (m === null) return NONE;
      const id = m[1] ?? '';
      const secretValue = m[2] ?? '';
      let secret: SecretLike | undefined;
      try {
        secret = await options.getSecret('kube-system', BOOTSTRAP_TOKEN_SECRET_PREFIX + id);
      } catch (err) {
        return authError(`failed to get bootstrap token secret kube-system/${BOOTSTRAP_TOKEN_SECRET_PREFIX}${id}: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (secret === undefined) return NONE;
      if (secret.metadata?.deletionTimestamp !== undefined) return NONE;
      if (secret.type !== BOOTSTRAP_TOKEN_SECRET_TYPE) return NONE;
      if (!constantTimeEqual(field(secret, 'token-secret'), secretValue)) return NONE;
      if (field(secret, 'token-id') !== id) return NONE;
      if (expired(field(secret, 'expiration'), options.now())) return NONE;
      if (field(secret, 'usage-bootstrap-authentication') !== 'true') return NONE;
      const groups = bootstrapGroups(field(secret, 'auth-extra-groups'));
      if (groups === undefined) return NONE;
      return authOk(userInfo(BOOTSTRAP_USER_PREFIX + id, { groups }));
    },
  };
}

function field(secret: SecretLike, key: string): string {
  const v = secret.data?.[key];
  return v === undefined ? '' : Buffer.from(v, 'base64').toString('utf8');
}

function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** No expiration never expires; one that does not parse as RFC 3339 counts as expired. */
function expired(expiration: string, nowMs: number): boolean {
  if (expiration === '') return false;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(expiration)) return true;
  const t = Date.parse(expiration);
  return Number.isNaN(t) || nowMs > t;
}

/** system:bootstrappers plus the extra groups, de-duplicated and sorted; undefined if one is invalid. */
function bootstrapGroups(extra: string): string[] | undefined {
  const groups = new Set([BOOTSTRAPPERS_GROUP]);
  if (extra !== '') {
    for (const g of extra.split(',')) {
      if (!EXTRA_GROUP.test(g)) return undefined;
      groups.add(g);
    }
  }
  return [...groups].sort();
}
