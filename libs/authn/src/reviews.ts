// TokenReview and SelfSubjectReview (authentication.k8s.io): pure
// evaluators from a decoded request body and the authenticated caller to the
// object kube-apiserver answers with. The caller decodes the body (content
// type, strict decoding) and writes the response.

import { badRequest, internalError } from '@logbook/apimachinery';
import type { Authenticator } from './authenticator.ts';
import type { UserInfo } from './user-info.ts';

export const AUTHENTICATION_GROUP = 'authentication.k8s.io';
export const SELF_SUBJECT_REVIEW_VERSIONS = ['v1', 'v1beta1'] as const;
export type SelfSubjectReviewVersion = (typeof SELF_SUBJECT_REVIEW_VERSIONS)[number];

/** status.user / status.userInfo as kube serialises it: empty fields omitted. */
export interface UserInfoJson {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export interface TokenReviewJson {
  readonly kind: 'TokenReview';
  readonly apiVersion: 'authentication.k8s.io/v1';
  readonly metadata: Record<string, unknown>;
  readonly spec: { readonly token?: string; readonly audiences?: readonly string[] };
  readonly status: { authenticated?: boolean; user?: UserInfoJson; audiences?: string[]; error?: string };
}

export interface TokenReviewOptions {
  /** The server's request authenticator (buildAuthenticator). */
  readonly authenticator: Authenticator;
  /** --api-audiences: what spec.audiences defaults to. */
  readonly apiAudiences: readonly string[];
}

/**
 * POST /apis/authentication.k8s.io/v1/tokenreviews. The token is
 * authenticated as if it came in an Authorization header. Throws a 400
 * StatusError for a body kube rejects. The answer echoes spec (with the
 * token) as kube does, so audit must log this resource at Metadata level.
 */
export async function evaluateTokenReview(body: unknown, options: TokenReviewOptions): Promise<TokenReviewJson> {
  if (!isObject(body)) throw badRequest('not a TokenReview');
  const metadata = isObject(body.metadata) ? body.metadata : {};
  if (typeof metadata.namespace === 'string' && metadata.namespace !== '') throw badRequest(`namespace is not allowed on this type: ${metadata.namespace}`);
  const spec = isObject(body.spec) ? body.spec : {};
  const token = typeof spec.token === 'string' ? spec.token : '';
  const specAudiences = Array.isArray(spec.audiences) ? spec.audiences.filter((a): a is string => typeof a === 'string') : [];
  if (token === '') throw badRequest('token is required for TokenReview in authentication');
  const auds = specAudiences.length > 0 ? specAudiences : [...options.apiAudiences];
  const outSpec = { ...spec } as TokenReviewJson['spec'];
  const base = { kind: 'TokenReview', apiVersion: 'authentication.k8s.io/v1', metadata: { ...metadata, creationTimestamp: null }, spec: outSpec } as const;

  const r = await options.authenticator.authenticate({
    headers: new Map([['authorization', [`Bearer ${token}`]]]),
    peerCertificates: [],
    clientCertVerified: false,
    audiences: auds,
  });
  if (r.kind === 'none') return { ...base, status: {} };
  if (r.kind === 'error') return { ...base, status: { error: r.message } };
  let audiences: string[];
  if (r.audiences === undefined) {
    // An audience-agnostic authenticator (token file, bootstrap) vouches only for the server's own audiences.
    audiences = auds.filter((a) => options.apiAudiences.includes(a));
    if (auds.length > 0 && options.apiAudiences.length > 0 && audiences.length === 0) return { ...base, status: { error: 'invalid bearer token' } };
  } else {
    audiences = r.audiences.filter((a) => auds.length === 0 || auds.includes(a));
    if (auds.length > 0 && audiences.length === 0) throw internalError(new Error('error validating audiences'));
  }
  const status: TokenReviewJson['status'] = { authenticated: true, user: userInfoJson(r.user) };
  if (audiences.length > 0) status.audiences = audiences;
  return { ...base, status };
}

export interface SelfSubjectReviewJson {
  readonly kind: 'SelfSubjectReview';
  readonly apiVersion: string;
  readonly metadata: { readonly creationTimestamp: string };
  readonly status: { readonly userInfo: UserInfoJson };
}

/** POST /apis/authentication.k8s.io/{v1,v1beta1}/selfsubjectreviews (kubectl auth whoami). */
export function evaluateSelfSubjectReview(body: unknown, user: UserInfo, version: SelfSubjectReviewVersion, nowMs: number): SelfSubjectReviewJson {
  if (!isObject(body)) throw badRequest('not a SelfSubjectReview');
  if (body.kind !== undefined && body.kind !== 'SelfSubjectReview') throw badRequest(`not a SelfSubjectReview: ${JSON.stringify(body.kind)}`);
  return {
    kind: 'SelfSubjectReview',
    apiVersion: `${AUTHENTICATION_GROUP}/${version}`,
    metadata: { creationTimestamp: new Date(Math.floor(nowMs / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') },
    status: { userInfo: userInfoJson(user) },
  };
}

export function userInfoJson(u: UserInfo): UserInfoJson {
  const out: UserInfoJson = {};
  if (u.name !== '') out.username = u.name;
  if (u.uid !== '') out.uid = u.uid;
  if (u.groups.length > 0) out.groups = [...u.groups];
  const keys = Object.keys(u.extra);
  if (keys.length > 0) out.extra = Object.fromEntries(keys.sort().map((k) => [k, [...(u.extra[k] ?? [])]]));
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
