// The four authorization.k8s.io review kinds as pure functions: body in,
// the object kube answers out (spec echoed as kube re-encodes it, status
// filled), or a StatusError for input kube refuses. The HTTP layer answers
// 201 with the returned object.

import { badRequest, invalid, parseFieldSelector, parseLabelSelector, field } from '@logbook/apimachinery';
import { decodeReview, metadataEmpty, validateSpec, type DecodedReview, type ResourceAttributesJson, type ReviewSpec, type SelectorAttributes } from './review-spec.ts';
import { attributes, type Attributes, type Authorizer, type RuleResolver, type UserInfo } from './types.ts';

export const AUTHORIZATION_GROUP = 'authorization.k8s.io';
const GROUP_KIND = { group: AUTHORIZATION_GROUP, kind: '' } as const;

export interface ReviewOptions {
  /** `authorization.k8s.io/v1` unless the request came in on another version. */
  readonly apiVersion?: string;
}

export interface AccessReviewStatus {
  readonly allowed: boolean;
  readonly denied?: true;
  readonly reason?: string;
  readonly evaluationError?: string;
}

export interface AccessReview {
  readonly kind: string;
  readonly apiVersion: string;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly spec: ReviewSpec;
  readonly status: AccessReviewStatus;
}

/** POST selfsubjectaccessreviews: may the caller do this? */
export async function selfSubjectAccessReview(body: unknown, caller: UserInfo, authorizer: Authorizer, opts: ReviewOptions = {}): Promise<AccessReview> {
  const kind = 'SelfSubjectAccessReview';
  const review = decodeReview(kind, body, false);
  const errs = validateSpec(review.spec, false);
  if (!metadataEmpty(review.metadata)) errs.push(field.invalid('metadata', review.metadata, 'must be empty'));
  if (errs.length > 0) throw invalid(GROUP_KIND, '', errs);
  return answer(kind, review, attributesFrom(caller, review.spec), authorizer, opts);
}

/** POST subjectaccessreviews: may spec.user/groups do this? */
export async function subjectAccessReview(body: unknown, authorizer: Authorizer, opts: ReviewOptions = {}): Promise<AccessReview> {
  const kind = 'SubjectAccessReview';
  const review = decodeReview(kind, body, true);
  const errs = validateSpec(review.spec, true);
  if (!metadataEmpty(review.metadata)) errs.push(field.invalid('metadata', review.metadata, 'must be empty'));
  if (errs.length > 0) throw invalid(GROUP_KIND, '', errs);
  return answer(kind, review, attributesFrom(subjectOf(review.spec), review.spec), authorizer, opts);
}

/**
 * POST namespaces/{ns}/localsubjectaccessreviews. A missing metadata.namespace
 * takes the URL's (as kube's create handler does before the storage sees it).
 */
export async function localSubjectAccessReview(body: unknown, namespaceFromUrl: string, authorizer: Authorizer, opts: ReviewOptions = {}): Promise<AccessReview> {
  const kind = 'LocalSubjectAccessReview';
  const decoded = decodeReview(kind, body, true);
  const objNs = typeof decoded.metadata['namespace'] === 'string' ? decoded.metadata['namespace'] : '';
  if (objNs !== '' && namespaceFromUrl !== '' && objNs !== namespaceFromUrl) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const namespace = objNs !== '' ? objNs : namespaceFromUrl;
  const review: DecodedReview = { metadata: namespace === '' ? decoded.metadata : { ...decoded.metadata, namespace }, spec: decoded.spec };
  const errs = validateSpec(review.spec, true);
  if (!metadataEmpty(review.metadata, ['namespace'])) errs.push(field.invalid('metadata', review.metadata, 'must be empty except for namespace'));
  const ra = review.spec.resourceAttributes;
  if (ra !== undefined && (ra.namespace ?? '') !== namespace) {
    errs.push(field.invalid('spec.resourceAttributes.namespace', ra.namespace ?? '', 'must match metadata.namespace'));
  }
  if (review.spec.nonResourceAttributes !== undefined) {
    errs.push(field.invalid('spec.nonResourceAttributes', review.spec.nonResourceAttributes, 'disallowed on this kind of request'));
  }
  if (errs.length > 0) throw invalid(GROUP_KIND, '', errs);
  if (namespaceFromUrl === '') throw badRequest('namespace is required on this type: ');
  if (namespaceFromUrl !== namespace) throw badRequest(`spec.resourceAttributes.namespace must match namespace: ${namespaceFromUrl}`);
  return answer(kind, review, attributesFrom(subjectOf(review.spec), review.spec), authorizer, opts);
}

export interface RulesReview {
  readonly kind: 'SelfSubjectRulesReview';
  readonly apiVersion: string;
  readonly metadata: { readonly creationTimestamp: null };
  readonly spec: Record<string, never>;
  readonly status: {
    readonly resourceRules: readonly { verbs: readonly string[]; apiGroups?: readonly string[]; resources?: readonly string[]; resourceNames?: readonly string[] }[];
    readonly nonResourceRules: readonly { verbs: readonly string[]; nonResourceURLs?: readonly string[] }[];
    readonly incomplete: boolean;
    readonly evaluationError?: string;
  };
}

/** POST selfsubjectrulesreviews (`kubectl auth can-i --list`). kube answers a fresh object: the spec is not echoed. */
export async function selfSubjectRulesReview(body: unknown, caller: UserInfo, resolver: RuleResolver, opts: ReviewOptions = {}): Promise<RulesReview> {
  const kind = 'SelfSubjectRulesReview';
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest(`${kind} in version "v1" cannot be handled as a ${kind}: json: cannot unmarshal ${Array.isArray(body) ? 'array' : typeof body} into Go value of type v1.${kind}`);
  }
  const spec: unknown = (body as Record<string, unknown>)['spec'];
  let namespace = '';
  if (typeof spec === 'object' && spec !== null && !Array.isArray(spec)) {
    const ns: unknown = (spec as Record<string, unknown>)['namespace'];
    if (ns !== undefined && ns !== null && typeof ns !== 'string') {
      throw badRequest(`${kind} in version "v1" cannot be handled as a ${kind}: json: cannot unmarshal ${typeof ns} into Go struct field SelfSubjectRulesReviewSpec.spec.namespace of type string`);
    }
    namespace = typeof ns === 'string' ? ns : '';
  }
  if (namespace === '') throw badRequest('no namespace on request');
  const res = await resolver.rulesFor(caller, namespace);
  const status: RulesReview['status'] = {
    resourceRules: res.resourceRules.map((r) => ({
      verbs: r.verbs,
      ...(r.apiGroups.length > 0 ? { apiGroups: r.apiGroups } : {}),
      ...(r.resources.length > 0 ? { resources: r.resources } : {}),
      ...(r.resourceNames.length > 0 ? { resourceNames: r.resourceNames } : {}),
    })),
    nonResourceRules: res.nonResourceRules.map((r) => ({ verbs: r.verbs, ...(r.nonResourceURLs.length > 0 ? { nonResourceURLs: r.nonResourceURLs } : {}) })),
    incomplete: res.incomplete,
    ...(res.error !== undefined && res.error !== '' ? { evaluationError: res.error } : {}),
  };
  return { kind, apiVersion: opts.apiVersion ?? `${AUTHORIZATION_GROUP}/v1`, metadata: { creationTimestamp: null }, spec: {}, status };
}

function subjectOf(spec: ReviewSpec): UserInfo {
  return { name: spec.user ?? '', uid: spec.uid ?? '', groups: spec.groups ?? [], extra: spec.extra ?? {} };
}

/** kube's ResourceAttributesFrom / NonResourceAttributesFrom: an empty version means any (`*`). */
export function attributesFrom(user: UserInfo, spec: ReviewSpec): Attributes {
  const ra = spec.resourceAttributes;
  if (ra !== undefined) {
    return attributes(user, {
      verb: ra.verb ?? '', namespace: ra.namespace ?? '', apiGroup: ra.group ?? '', apiVersion: ra.version ?? '*',
      resource: ra.resource ?? '', subresource: ra.subresource ?? '', name: ra.name ?? '', resourceRequest: true,
    });
  }
  const nra = spec.nonResourceAttributes ?? {};
  return attributes(user, { verb: nra.verb ?? '', path: nra.path ?? '', resourceRequest: false });
}

async function answer(kind: string, review: DecodedReview, attrs: Attributes, authorizer: Authorizer, opts: ReviewOptions): Promise<AccessReview> {
  const d = await authorizer.authorize(attrs);
  const evaluationError = buildEvaluationError(d.error, review.spec.resourceAttributes);
  const status: AccessReviewStatus = {
    allowed: d.decision === 'Allow',
    ...(d.decision === 'Deny' ? { denied: true as const } : {}),
    ...(d.reason !== '' ? { reason: d.reason } : {}),
    ...(evaluationError !== '' ? { evaluationError } : {}),
  };
  // kube re-encodes the decoded metadata; an absent creationTimestamp comes back as null.
  const metadata = { ...review.metadata, creationTimestamp: review.metadata['creationTimestamp'] ?? null };
  return { kind, apiVersion: opts.apiVersion ?? `${AUTHORIZATION_GROUP}/v1`, metadata, spec: review.spec, status };
}

/** kube's BuildEvaluationError: the authorizer's error, then any selector that had to be (partly) ignored. */
function buildEvaluationError(err: string | undefined, ra: ResourceAttributesJson | undefined): string {
  const parts: string[] = [];
  if (err !== undefined && err !== '') parts.push(err);
  if (ra !== undefined) {
    const fs = selectorHealth(ra.fieldSelector, 'field');
    if (fs !== 'ok') parts.push(`spec.resourceAttributes.fieldSelector ${fs === 'partial' ? 'partially ' : ''}ignored due to parse error`);
    const ls = selectorHealth(ra.labelSelector, 'label');
    if (ls !== 'ok') parts.push(`spec.resourceAttributes.labelSelector ${ls === 'partial' ? 'partially ' : ''}ignored due to parse error`);
  }
  return parts.join('; ');
}

const LABEL_OPS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

function selectorHealth(sel: SelectorAttributes | undefined, kind: 'field' | 'label'): 'ok' | 'partial' | 'ignored' {
  if (sel === undefined) return 'ok';
  const reqs = sel.requirements ?? [];
  if (reqs.length > 0) {
    let good = 0;
    for (const r of reqs) {
      const n = (r.values ?? []).length;
      const ok = kind === 'field' ? (r.operator === 'In' || r.operator === 'NotIn') && n === 1 : LABEL_OPS.has(r.operator) && r.key !== '';
      if (ok) good++;
    }
    return good === reqs.length ? 'ok' : good > 0 ? 'partial' : 'ignored';
  }
  const raw = sel.rawSelector ?? '';
  if (raw === '') return 'ok';
  try {
    if (kind === 'field') parseFieldSelector(raw);
    else parseLabelSelector(raw);
    return 'ok';
  } catch (err: unknown) {
    void err;
    return 'ignored';
  }
}
