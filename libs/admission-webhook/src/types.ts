// The webhook configuration as this package uses it: admissionregistration.k8s.io/v1
// MutatingWebhook / ValidatingWebhook decoded once from the stored object, with
// v1's defaults filled in, so the dispatch code never touches `unknown`.

import type { AdmissionUserInfo, GroupVersionKind, GroupVersionResource } from '@logbook/admission';

export type { GroupVersionKind, GroupVersionResource };
export type UserInfo = AdmissionUserInfo;

import type { LabelSelector } from '@logbook/apimachinery';

export const FAILURE_POLICIES = ['Fail', 'Ignore'] as const;
export type FailurePolicy = (typeof FAILURE_POLICIES)[number];

export const MATCH_POLICIES = ['Exact', 'Equivalent'] as const;
export type MatchPolicy = (typeof MATCH_POLICIES)[number];

export const SIDE_EFFECT_CLASSES = ['Unknown', 'None', 'Some', 'NoneOnDryRun'] as const;
export type SideEffectClass = (typeof SIDE_EFFECT_CLASSES)[number];

export const REINVOCATION_POLICIES = ['Never', 'IfNeeded'] as const;
export type ReinvocationPolicy = (typeof REINVOCATION_POLICIES)[number];

export const RULE_SCOPES = ['Cluster', 'Namespaced', '*'] as const;
export type RuleScope = (typeof RULE_SCOPES)[number];

/** The AdmissionReview versions this package speaks, in no particular preference (the webhook's list orders them). */
export const ADMISSION_REVIEW_VERSIONS = ['v1', 'v1beta1'] as const;

/** v1 RuleWithOperations. */
export interface WebhookRule {
  readonly operations: readonly string[];
  readonly apiGroups: readonly string[];
  readonly apiVersions: readonly string[];
  readonly resources: readonly string[];
  readonly scope: RuleScope;
}

/** v1 MatchCondition: a CEL expression the injected evaluator understands. */
export interface MatchCondition {
  readonly name: string;
  readonly expression: string;
}

/** v1 ServiceReference (port defaulted to 443). */
export interface ServiceReference {
  readonly namespace: string;
  readonly name: string;
  readonly path: string;
  readonly port: number;
}

/** v1 WebhookClientConfig: exactly one of url and service. */
export interface ClientConfig {
  readonly url: string | undefined;
  readonly service: ServiceReference | undefined;
  /** PEM (decoded from the object's base64); undefined = the system's roots. */
  readonly caBundlePem: string | undefined;
}

export interface WebhookSpec {
  /** `<configuration>/<webhook>/<index>`: kube's accessor UID, unique even when webhook names repeat. */
  readonly uid: string;
  readonly configurationName: string;
  readonly name: string;
  readonly clientConfig: ClientConfig;
  readonly rules: readonly WebhookRule[];
  readonly failurePolicy: FailurePolicy;
  readonly matchPolicy: MatchPolicy;
  readonly namespaceSelector: LabelSelector;
  readonly objectSelector: LabelSelector;
  /** undefined only when the object left it out (v1 requires it; kube then refuses dry runs with "Webhook SideEffects is nil"). */
  readonly sideEffects: SideEffectClass | undefined;
  readonly timeoutSeconds: number;
  readonly admissionReviewVersions: readonly string[];
  readonly matchConditions: readonly MatchCondition[];
  /** Always 'Never' for validating webhooks. */
  readonly reinvocationPolicy: ReinvocationPolicy;
}




/** admission.k8s.io/v1 AdmissionRequest, fields in kube's JSON order. */
export interface AdmissionRequest {
  readonly uid: string;
  readonly kind: GroupVersionKind;
  readonly resource: GroupVersionResource;
  readonly subResource?: string;
  readonly requestKind: GroupVersionKind;
  readonly requestResource: GroupVersionResource;
  readonly requestSubResource?: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly operation: string;
  readonly userInfo: UserInfo;
  readonly object: unknown;
  readonly oldObject: unknown;
  readonly dryRun: boolean;
  readonly options: unknown;
}
