// Bound service-account tokens: verify a JWT issued by one of
// --service-account-issuer with one of the --service-account-key-file keys,
// check its times and audiences, then check that the service account and
// the object the token is bound to still exist with the same UID. A token
// bound to a pod dies with the pod.
//
// Messages never contain the token. Legacy Secret-based tokens
// (issuer "kubernetes/serviceaccount") are not accepted yet.

import { compactVerify, decodeJwt, decodeProtectedHeader } from 'jose';
import { NONE, authError, authOk, type AuthResult, type TokenAuthenticator } from './authenticator.ts';
import { decodeClaims, timeClaimError, type ServiceAccountClaims } from './service-account-claims.ts';
import type { VerificationKey } from './service-account-keys.ts';
import { serviceAccountGroups, serviceAccountUsername, userInfo } from './user-info.ts';

export const BOUND_OBJECT_KINDS = ['ServiceAccount', 'Pod', 'Secret', 'Node'] as const;
export type BoundObjectKind = (typeof BOUND_OBJECT_KINDS)[number];

/** The little the validator needs of a live object. */
export interface LiveObject {
  readonly uid: string;
  readonly deletionTimestamp?: string;
}

/** Reads a live object; undefined when it does not exist. Node is cluster-scoped: namespace ''. */
export type ObjectGetter = (kind: BoundObjectKind, namespace: string, name: string) => Promise<LiveObject | undefined>;

export interface ServiceAccountTokenOptions {
  /** --service-account-issuer values; the first is the one tokens are minted with. */
  readonly issuers: readonly string[];
  readonly keys: readonly VerificationKey[];
  /** --api-audiences (defaulting to the issuers, as kube does). */
  readonly apiAudiences: readonly string[];
  readonly getObject: ObjectGetter;
  readonly now: () => number;
}

export const INVALIDATED = 'service account token has been invalidated';
/** A deleted object's tokens keep working this long, as kube's (deletion races the kubelet's refresh). */
const DELETION_GRACE_MS = 60_000;

export const EXTRA_POD_NAME = 'authentication.kubernetes.io/pod-name';
export const EXTRA_POD_UID = 'authentication.kubernetes.io/pod-uid';
export const EXTRA_NODE_NAME = 'authentication.kubernetes.io/node-name';
export const EXTRA_NODE_UID = 'authentication.kubernetes.io/node-uid';
export const EXTRA_CREDENTIAL_ID = 'authentication.kubernetes.io/credential-id';

export function serviceAccountTokenAuthenticator(options: ServiceAccountTokenOptions): TokenAuthenticator {
  if (options.issuers.length === 0) throw new RangeError('service account token authenticator needs at least one issuer');
  if (options.keys.length === 0) throw new RangeError('service account token authenticator needs at least one key');
  return {
    async authenticateToken(token: string, audiences?: readonly string[]): Promise<AuthResult> {
      let unverifiedIssuer: unknown;
      let kid: string | undefined;
      try {
        unverifiedIssuer = decodeJwt(token).iss;
        kid = decodeProtectedHeader(token).kid;
      } catch {
        return NONE; // not a JWT: some other authenticator's token
      }
      if (typeof unverifiedIssuer !== 'string' || !options.issuers.includes(unverifiedIssuer)) return NONE;
      const payload = await verifySignature(token, options.keys, kid);
      if (payload === undefined) return authError('invalid signature');
      const claims = decodeClaims(payload);
      if (typeof claims === 'string') return authError(claims);
      const timeError = timeClaimError(claims, Math.floor(options.now() / 1000));
      if (timeError !== undefined) return authError(timeError);
      const requested = audiences ?? options.apiAudiences;
      const matched = claims.aud.filter((a) => requested.includes(a));
      if (matched.length === 0 && options.apiAudiences.length > 0) {
        return authError(`token audiences ${goQuoteList(claims.aud)} is invalid for the target audiences ${goQuoteList(requested)}`);
      }
      const bindingError = await checkBindings(claims, options);
      if (bindingError !== undefined) return authError(bindingError);
      return authOk(userFromClaims(claims), matched);
    },
  };
}

async function verifySignature(token: string, keys: readonly VerificationKey[], kid: string | undefined): Promise<unknown> {
  // A kid narrows the search; a token without one (or with an unknown one) tries every key, as kube does.
  const byKid = kid === undefined ? [] : keys.filter((k) => k.kid === kid);
  for (const k of byKid.length > 0 ? byKid : keys) {
    try {
      const { payload } = await compactVerify(token, k.key, { algorithms: [k.alg] });
      return JSON.parse(new TextDecoder().decode(payload)) as unknown;
    } catch {
      continue; // wrong key or bad signature: try the next key; no key at all is reported by the caller
    }
  }
  return undefined;
}

async function checkBindings(c: ServiceAccountClaims, o: ServiceAccountTokenOptions): Promise<string | undefined> {
  const ns = c.kubernetes.namespace;
  const checks: [BoundObjectKind, string, { name: string; uid: string } | undefined, string][] = [
    ['ServiceAccount', ns, c.kubernetes.serviceaccount, 'service account'],
    ['Pod', ns, c.kubernetes.pod, 'pod'],
    ['Secret', ns, c.kubernetes.secret, 'secret'],
    ['Node', '', c.kubernetes.node, 'node'],
  ];
  const invalidIfDeletedBefore = o.now() - DELETION_GRACE_MS;
  for (const [kind, namespace, ref, label] of checks) {
    if (ref === undefined) continue;
    // A pod-bound token names its node for information only; kube checks the node only when the token is bound to it.
    if (kind === 'Node' && c.kubernetes.pod !== undefined) continue;
    let live: LiveObject | undefined;
    try {
      live = await o.getObject(kind, namespace, ref.name);
    } catch (err) {
      return `failed to look up ${label} ${ref.name}: ${err instanceof Error ? err.message : String(err)}`;
    }
    if (live === undefined) return INVALIDATED;
    if (live.uid !== ref.uid) return `${label} UID (${live.uid}) does not match claim (${ref.uid})`;
    if (live.deletionTimestamp !== undefined && Date.parse(live.deletionTimestamp) < invalidIfDeletedBefore) return INVALIDATED;
  }
  return undefined;
}

function userFromClaims(c: ServiceAccountClaims): ReturnType<typeof userInfo> {
  const k = c.kubernetes;
  const extra: Record<string, string[]> = {};
  if (k.pod !== undefined) {
    extra[EXTRA_POD_NAME] = [k.pod.name];
    extra[EXTRA_POD_UID] = [k.pod.uid];
  }
  if (k.node !== undefined) {
    extra[EXTRA_NODE_NAME] = [k.node.name];
    extra[EXTRA_NODE_UID] = [k.node.uid];
  }
  if (c.jti !== undefined && c.jti !== '') extra[EXTRA_CREDENTIAL_ID] = [`JTI=${c.jti}`];
  return userInfo(serviceAccountUsername(k.namespace, k.serviceaccount.name), {
    uid: k.serviceaccount.uid,
    groups: serviceAccountGroups(k.namespace),
    extra,
  });
}

/** Go's %q of a []string: ["a" "b"]. */
export function goQuoteList(items: readonly string[]): string {
  return `[${items.map((s) => JSON.stringify(s)).join(' ')}]`;
}
