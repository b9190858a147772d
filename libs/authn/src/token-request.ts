// The TokenRequest subresource (POST …/serviceaccounts/<name>/token): from
// the decoded body and the service account to kube's TokenRequest answer.
// Defaults, validation, binding and their errors follow
// pkg/registry/core/serviceaccount/storage/token.go: audiences default to
// the API audiences, expirationSeconds to 3600 (at least 600, at most 2^32,
// clamped to --service-account-max-token-expiration), and a bound pod,
// secret or node must exist with the UID the request names.

import { badRequest, conflict, field, invalid, notFound, type StatusError } from '@logbook/apimachinery';
import { mintServiceAccountToken } from './mint-token.ts';
import type { ObjectRef } from './service-account-claims.ts';
import type { SigningKey } from './service-account-keys.ts';

export const DEFAULT_EXPIRATION_SECONDS = 3600;
export const MIN_EXPIRATION_SECONDS = 600;
export const MAX_EXPIRATION_SECONDS = 2 ** 32;

/** What the registry knows of a bound object. */
export interface BoundObject {
  readonly uid: string;
  /** Pods: spec.serviceAccountName. */
  readonly serviceAccountName?: string;
  /** Pods: spec.nodeName, when scheduled. */
  readonly nodeName?: string;
}

export type BoundObjectGetter = (kind: 'Pod' | 'Secret' | 'Node', namespace: string, name: string) => Promise<BoundObject | undefined>;

export interface TokenRequestOptions {
  readonly key: SigningKey;
  /** The first --service-account-issuer. */
  readonly issuer: string;
  readonly apiAudiences: readonly string[];
  /** --service-account-max-token-expiration in seconds; 0 for none. */
  readonly maxExpirationSeconds: number;
  readonly namespace: string;
  readonly serviceAccount: ObjectRef;
  readonly getBoundObject: BoundObjectGetter;
  readonly nowMs: number;
  /** A fresh random UUID for the token's jti. */
  readonly jti: string;
}

export interface TokenRequestJson {
  readonly kind: 'TokenRequest';
  readonly apiVersion: 'authentication.k8s.io/v1';
  readonly metadata: Record<string, unknown>;
  readonly spec: { audiences: string[]; expirationSeconds: number; boundObjectRef?: Record<string, string> };
  readonly status: { token: string; expirationTimestamp: string };
}

const BINDABLE = { Pod: 'pods', Secret: 'secrets', Node: 'nodes' } as const;

export async function evaluateTokenRequest(body: unknown, o: TokenRequestOptions): Promise<TokenRequestJson> {
  if (!isObject(body)) throw badRequest('not a TokenRequest');
  const spec = isObject(body.spec) ? body.spec : {};
  const audiences = Array.isArray(spec.audiences) && spec.audiences.length > 0 ? spec.audiences.filter((a): a is string => typeof a === 'string') : [...o.apiAudiences];
  const requested = spec.expirationSeconds === undefined || spec.expirationSeconds === null ? DEFAULT_EXPIRATION_SECONDS : spec.expirationSeconds;
  validate(requested, o.serviceAccount.name);
  let expirationSeconds = requested as number;
  if (o.maxExpirationSeconds > 0 && expirationSeconds > o.maxExpirationSeconds) expirationSeconds = o.maxExpirationSeconds;

  const binding = isObject(spec.boundObjectRef) ? await bind(spec.boundObjectRef, o) : {};
  const minted = await mintServiceAccountToken({
    key: o.key, issuer: o.issuer, audiences, expirationSeconds, nowMs: o.nowMs, jti: o.jti,
    namespace: o.namespace, serviceAccount: o.serviceAccount, ...binding,
  });
  const outSpec: TokenRequestJson['spec'] = { audiences, expirationSeconds };
  if (isObject(spec.boundObjectRef)) outSpec.boundObjectRef = Object.fromEntries(Object.entries(spec.boundObjectRef).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
  return {
    kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1',
    metadata: isObject(body.metadata) ? { ...body.metadata } : { creationTimestamp: null },
    spec: outSpec,
    status: { token: minted.token, expirationTimestamp: minted.expirationTimestamp },
  };
}

function validate(seconds: unknown, name: string): void {
  const path = 'spec.expirationSeconds';
  let err;
  if (typeof seconds !== 'number' || !Number.isInteger(seconds)) err = field.invalid(path, seconds, 'must be an integer');
  else if (seconds < MIN_EXPIRATION_SECONDS) err = field.invalid(path, seconds, 'may not specify a duration less than 10 minutes');
  else if (seconds > MAX_EXPIRATION_SECONDS) err = field.invalid(path, seconds, 'may not specify a duration larger than 2^32 seconds');
  if (err !== undefined) throw invalid({ group: 'authentication.k8s.io', kind: 'TokenRequest' }, name, [err]);
}

async function bind(ref: Record<string, unknown>, o: TokenRequestOptions): Promise<{ pod?: ObjectRef; secret?: ObjectRef; node?: ObjectRef }> {
  const kind = typeof ref.kind === 'string' ? ref.kind : '';
  const apiVersion = typeof ref.apiVersion === 'string' ? ref.apiVersion : '';
  const name = typeof ref.name === 'string' ? ref.name : '';
  const wantUid = typeof ref.uid === 'string' ? ref.uid : '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  if (group !== '' || !(kind in BINDABLE)) {
    const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
    throw badRequest(`cannot bind token to object of type ${group}/${version}, Kind=${kind}`);
  }
  const k = kind as keyof typeof BINDABLE;
  const namespace = k === 'Node' ? '' : o.namespace;
  const live = await o.getBoundObject(k, namespace, name);
  if (live === undefined) throw notFound({ group: '', resource: BINDABLE[k] }, name);
  if (k === 'Pod' && live.serviceAccountName !== o.serviceAccount.name) {
    throw badRequest(`cannot bind token for serviceaccount ${JSON.stringify(o.serviceAccount.name)} to pod running with different serviceaccount name.`);
  }
  if (wantUid !== '' && wantUid !== live.uid) throw uidConflict(kind, name, wantUid);
  const self = { name, uid: live.uid };
  if (k === 'Secret') return { secret: self };
  if (k === 'Node') return { node: self };
  // A pod-bound token also names the pod's node, for audit and for the node authorizer.
  if (live.nodeName !== undefined && live.nodeName !== '') {
    const node = await o.getBoundObject('Node', '', live.nodeName);
    if (node !== undefined) return { pod: self, node: { name: live.nodeName, uid: node.uid } };
  }
  return { pod: self };
}

function uidConflict(kind: string, name: string, uid: string): StatusError {
  return conflict({ group: '', resource: kind }, name, `the UID in the bound object reference (${uid}) does not match the UID in record. The object might have been deleted and then recreated`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
