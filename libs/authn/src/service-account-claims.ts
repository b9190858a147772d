// The claims of a bound service-account token (pkg/serviceaccount/claims.go):
// standard JWT claims plus a private "kubernetes.io" object naming the
// service account and, optionally, the pod, secret or node it is bound to.
// Decoded once from the verified payload; inside, data is typed.

export interface ObjectRef {
  readonly name: string;
  readonly uid: string;
}

export interface KubernetesClaims {
  readonly namespace: string;
  readonly serviceaccount: ObjectRef;
  readonly pod?: ObjectRef;
  readonly secret?: ObjectRef;
  readonly node?: ObjectRef;
  readonly warnafter?: number;
}

export interface ServiceAccountClaims {
  readonly iss: string;
  readonly sub: string;
  readonly aud: readonly string[];
  readonly exp?: number;
  readonly iat?: number;
  readonly nbf?: number;
  readonly jti?: string;
  readonly kubernetes: KubernetesClaims;
}

/** Seconds of clock skew tolerated on exp, nbf and iat (go-jose's DefaultLeeway). */
export const CLAIM_LEEWAY_SECONDS = 60;

/** Returns the claims, or a reason the payload is not a bound service-account token. */
export function decodeClaims(payload: unknown): ServiceAccountClaims | string {
  if (!isObject(payload)) return 'token payload is not a JSON object';
  const iss = payload.iss;
  const sub = payload.sub;
  if (typeof iss !== 'string' || typeof sub !== 'string') return 'token is missing iss or sub';
  const aud = typeof payload.aud === 'string' ? [payload.aud] : Array.isArray(payload.aud) && payload.aud.every((a) => typeof a === 'string') ? payload.aud : undefined;
  if (aud === undefined) return 'token has an invalid aud claim';
  for (const k of ['exp', 'iat', 'nbf'] as const) {
    if (payload[k] !== undefined && typeof payload[k] !== 'number') return `token has an invalid ${k} claim`;
  }
  const k8s = payload['kubernetes.io'];
  if (!isObject(k8s)) return 'token does not carry kubernetes.io claims';
  const namespace = k8s.namespace;
  const sa = ref(k8s.serviceaccount);
  if (typeof namespace !== 'string' || namespace === '' || sa === undefined) return 'token does not name a service account';
  const kubernetes: { -readonly [K in keyof KubernetesClaims]: KubernetesClaims[K] } = { namespace, serviceaccount: sa };
  for (const key of ['pod', 'secret', 'node'] as const) {
    if (k8s[key] === undefined) continue;
    const r = ref(k8s[key]);
    if (r === undefined) return `token has an invalid kubernetes.io.${key} claim`;
    kubernetes[key] = r;
  }
  if (typeof k8s.warnafter === 'number') kubernetes.warnafter = k8s.warnafter;
  const out: { -readonly [K in keyof ServiceAccountClaims]: ServiceAccountClaims[K] } = { iss, sub, aud, kubernetes };
  if (typeof payload.exp === 'number') out.exp = payload.exp;
  if (typeof payload.iat === 'number') out.iat = payload.iat;
  if (typeof payload.nbf === 'number') out.nbf = payload.nbf;
  if (typeof payload.jti === 'string') out.jti = payload.jti;
  return out;
}

/** Kube's time-claim messages; undefined when the token is valid at `nowSeconds`. */
export function timeClaimError(c: { readonly exp?: number; readonly nbf?: number; readonly iat?: number }, nowSeconds: number): string | undefined {
  if (c.exp !== undefined && nowSeconds > c.exp + CLAIM_LEEWAY_SECONDS) return 'service account token has expired';
  if (c.nbf !== undefined && nowSeconds + CLAIM_LEEWAY_SECONDS < c.nbf) return 'service account token is not valid yet';
  if (c.iat !== undefined && nowSeconds + CLAIM_LEEWAY_SECONDS < c.iat) return 'service account token is issued in the future';
  return undefined;
}

function ref(v: unknown): ObjectRef | undefined {
  if (!isObject(v) || typeof v.name !== 'string' || typeof v.uid !== 'string' || v.name === '') return undefined;
  return { name: v.name, uid: v.uid };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
