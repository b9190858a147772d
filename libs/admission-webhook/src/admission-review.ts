// The AdmissionReview a webhook receives and the checks on the one it sends
// back, as kube's webhook/request package builds and verifies them (v1, and
// v1beta1 for webhooks that list only it).

import type { StatusDetails } from '@logbook/apimachinery';
import type { AdmissionAttributes } from '@logbook/registry';
import type { WebhookResultStatus } from './errors.ts';
import type { AdmissionRequest, UserInfo, WebhookSpec } from './types.ts';

export const ADMISSION_GROUP = 'admission.k8s.io';

/**
 * Optional request facts the registry's AdmissionAttributes does not carry
 * yet. When the attributes object has them (the lead may add them there),
 * they go to the webhook as given; otherwise userInfo comes from `ctx` and
 * options are the bare Create/Update/DeleteOptions kube would send.
 */
export interface AdmissionRequestExtras {
  /** The full user: kube sends uid and extra too. */
  readonly userInfo?: UserInfo;
  /** The request's CreateOptions / UpdateOptions / DeleteOptions (meta.k8s.io/v1), as decoded from the request. */
  readonly options?: Readonly<Record<string, unknown>>;
}

const OPTIONS_KIND = { CREATE: 'CreateOptions', UPDATE: 'UpdateOptions', DELETE: 'DeleteOptions' } as const;

function userInfoOf(attrs: AdmissionAttributes & AdmissionRequestExtras): UserInfo {
  if (attrs.userInfo !== undefined) return attrs.userInfo;
  const ctx = attrs.ctx;
  if (ctx === undefined) return {};
  return { username: ctx.user, ...(ctx.groups !== undefined && ctx.groups.length > 0 ? { groups: ctx.groups } : {}) };
}

function optionsOf(attrs: AdmissionAttributes & AdmissionRequestExtras): Readonly<Record<string, unknown>> {
  const base = { kind: OPTIONS_KIND[attrs.operation], apiVersion: 'meta.k8s.io/v1' };
  if (attrs.options !== undefined) return { ...base, ...attrs.options };
  return attrs.dryRun ? { ...base, dryRun: ['All'] } : base;
}

/**
 * The AdmissionRequest for `attrs`. A DELETE carries the stored object as
 * oldObject and no object, as kube's delete handler admits it.
 */
export function buildAdmissionRequest(uid: string, attrs: AdmissionAttributes): AdmissionRequest {
  const a = attrs as AdmissionAttributes & AdmissionRequestExtras;
  const kind = { group: attrs.group, version: attrs.version, kind: attrs.kind };
  const resource = { group: attrs.group, version: attrs.version, resource: attrs.resource };
  const isDelete = attrs.operation === 'DELETE';
  return {
    uid,
    kind,
    resource,
    ...(attrs.subresource !== '' ? { subResource: attrs.subresource } : {}),
    requestKind: kind,
    requestResource: resource,
    ...(attrs.subresource !== '' ? { requestSubResource: attrs.subresource } : {}),
    ...(attrs.name !== '' ? { name: attrs.name } : {}),
    ...(attrs.namespace !== '' ? { namespace: attrs.namespace } : {}),
    operation: attrs.operation,
    userInfo: userInfoOf(a),
    object: isDelete ? null : attrs.object,
    oldObject: isDelete ? (attrs.oldObject ?? attrs.object) : (attrs.oldObject ?? null),
    dryRun: attrs.dryRun,
    options: optionsOf(a),
  };
}

/** The first AdmissionReview version the webhook accepts that we speak, or undefined (kube's error then). */
export function reviewVersionFor(hook: WebhookSpec): 'v1' | 'v1beta1' | undefined {
  for (const v of hook.admissionReviewVersions) if (v === 'v1' || v === 'v1beta1') return v;
  return undefined;
}

export const NO_KNOWN_REVIEW_VERSION = 'webhook does not accept known AdmissionReview versions (v1, v1beta1)';

export function admissionReview(version: 'v1' | 'v1beta1', request: AdmissionRequest): unknown {
  return { kind: 'AdmissionReview', apiVersion: `${ADMISSION_GROUP}/${version}`, request };
}

/** A response that does not decode into an AdmissionReview (kube: a failed call). */
export class ReviewDecodeError extends Error {
  override readonly name = 'ReviewDecodeError';
}

/** A decoded response that breaks the protocol (kube: "received invalid webhook response"). */
export class ReviewInvalidError extends Error {
  override readonly name = 'ReviewInvalidError';
}

export interface WebhookResponse {
  readonly allowed: boolean;
  readonly patch: Buffer | undefined;
  readonly patchType: string;
  readonly result: WebhookResultStatus | undefined;
  readonly warnings: readonly string[];
  readonly auditAnnotations: Readonly<Record<string, string>>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'object' ? 'object' : typeof v;
}

// Go's encoding/json wording for a field of the wrong type.
function wrongType(field: string, v: unknown, goType: string): ReviewDecodeError {
  return new ReviewDecodeError(`json: cannot unmarshal ${jsonType(v)} into Go struct field ${field} of type ${goType}`);
}

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function decodeBase64(s: string): Buffer {
  if (!STRICT_BASE64.test(s)) {
    let i = 0;
    while (i < s.length && /[A-Za-z0-9+/]/.test(s[i]!)) i++;
    throw new ReviewDecodeError(`illegal base64 data at input byte ${i}`);
  }
  return Buffer.from(s, 'base64');
}

function decodeStatus(v: unknown): WebhookResultStatus | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isRecord(v)) throw wrongType('AdmissionResponse.response.status', v, 'v1.Status');
  const out: { code?: number; message?: string; reason?: string; details?: StatusDetails } = {};
  if (v['code'] !== undefined && v['code'] !== null) {
    if (typeof v['code'] !== 'number' || !Number.isInteger(v['code'])) throw wrongType('Status.response.status.code', v['code'], 'int32');
    out.code = v['code'];
  }
  for (const k of ['message', 'reason'] as const) {
    const s = v[k];
    if (s === undefined || s === null) continue;
    if (typeof s !== 'string') throw wrongType(`Status.response.status.${k}`, s, 'string');
    out[k] = s;
  }
  if (isRecord(v['details'])) out.details = v['details'];
  return out;
}

/**
 * Decodes and verifies a webhook's answer to a request with `uid`. Throws
 * ReviewDecodeError when the body is not an AdmissionReview and
 * ReviewInvalidError when it breaks kube's rules (uid, kind, patch fields).
 */
export function verifyAdmissionResponse(version: 'v1' | 'v1beta1', uid: string, mutating: boolean, body: unknown): WebhookResponse {
  if (!isRecord(body)) throw new ReviewDecodeError(`json: cannot unmarshal ${jsonType(body)} into Go value of type ${version}.AdmissionReview`);
  const r = body['response'];
  if (r !== undefined && r !== null && !isRecord(r)) throw wrongType('AdmissionReview.response', r, `${version}.AdmissionResponse`);
  if (!isRecord(r)) throw new ReviewInvalidError('webhook response was absent');
  const allowed = r['allowed'] ?? false;
  if (typeof allowed !== 'boolean') throw wrongType('AdmissionResponse.response.allowed', allowed, 'bool');
  const respUid = r['uid'] ?? '';
  if (typeof respUid !== 'string') throw wrongType('AdmissionResponse.response.uid', respUid, 'types.UID');
  const rawPatch = r['patch'] ?? null;
  if (rawPatch !== null && typeof rawPatch !== 'string') throw wrongType('AdmissionResponse.response.patch', rawPatch, '[]uint8');
  const patch = rawPatch === null || rawPatch === '' ? undefined : decodeBase64(rawPatch);
  const rawPatchType = r['patchType'] ?? null;
  if (rawPatchType !== null && typeof rawPatchType !== 'string') throw wrongType('AdmissionResponse.response.patchType', rawPatchType, 'v1.PatchType');
  const warnings = r['warnings'] ?? [];
  if (!Array.isArray(warnings) || !warnings.every((w) => typeof w === 'string')) throw wrongType('AdmissionResponse.response.warnings', warnings, '[]string');
  const annotations = r['auditAnnotations'] ?? {};
  if (!isRecord(annotations) || !Object.values(annotations).every((x) => typeof x === 'string')) {
    throw wrongType('AdmissionResponse.response.auditAnnotations', annotations, 'map[string]string');
  }
  const result = decodeStatus(r['status']);
  const common = { allowed, result, warnings, auditAnnotations: annotations as Record<string, string> };

  if (version === 'v1beta1') {
    // v1beta1 never checked uid or patchType; a patch is taken as a JSON patch.
    return mutating && patch !== undefined ? { ...common, patch, patchType: 'JSONPatch' } : { ...common, patch: undefined, patchType: '' };
  }
  if (respUid !== uid) throw new ReviewInvalidError(`expected response.uid=${JSON.stringify(uid)}, got ${JSON.stringify(respUid)}`);
  const apiVersion = typeof body['apiVersion'] === 'string' ? body['apiVersion'] : '';
  const kind = typeof body['kind'] === 'string' ? body['kind'] : '';
  if (apiVersion !== `${ADMISSION_GROUP}/v1` || kind !== 'AdmissionReview') {
    const slash = apiVersion.indexOf('/');
    const gv = slash < 0 ? `/${apiVersion}` : apiVersion;
    throw new ReviewInvalidError(`expected webhook response of ${ADMISSION_GROUP}/v1, Kind=AdmissionReview, got ${gv}, Kind=${kind}`);
  }
  if (mutating) {
    if (patch !== undefined && rawPatchType === null) throw new ReviewInvalidError('webhook returned response.patch but not response.patchType');
    if (patch === undefined && rawPatchType !== null) throw new ReviewInvalidError('webhook returned response.patchType but not response.patch');
    if (rawPatchType === '') throw new ReviewInvalidError('webhook returned invalid response.patchType of ""');
    return { ...common, patch, patchType: rawPatchType ?? '' };
  }
  if (patch !== undefined) throw new ReviewInvalidError('validating webhook may not return response.patch');
  if (rawPatchType !== null) throw new ReviewInvalidError('validating webhook may not return response.patchType');
  return { ...common, patch: undefined, patchType: '' };
}
