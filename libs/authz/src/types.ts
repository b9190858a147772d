// The authorizer contract (kube's authorizer.Attributes / Decision) and the
// rbac.authorization.k8s.io/v1 shapes RBAC reads. Objects arrive as plain JSON
// from the watch caches, so every list field is optional, as on the wire.

/** The authenticated identity; structurally the same as @logbook/authn's UserInfo. */
export interface UserInfo {
  readonly name: string;
  readonly uid: string;
  readonly groups: readonly string[];
  readonly extra: Readonly<Record<string, readonly string[]>>;
}

/** What is being asked: kube's authorizer.Attributes. Fields that do not apply are ''. */
export interface Attributes {
  readonly user: UserInfo;
  readonly verb: string;
  readonly namespace: string;
  readonly apiGroup: string;
  readonly apiVersion: string;
  readonly resource: string;
  readonly subresource: string;
  readonly name: string;
  /** true for /api and /apis object paths; false for everything else (/healthz, /version, …). */
  readonly resourceRequest: boolean;
  readonly path: string;
}

export const DECISIONS = ['Allow', 'Deny', 'NoOpinion'] as const;
export type DecisionKind = (typeof DECISIONS)[number];

export interface Decision {
  readonly decision: DecisionKind;
  /** Shown to users: appended to 403 messages and put in access reviews' status.reason. */
  readonly reason: string;
  /** An evaluation error (status.evaluationError); the decision still stands. */
  readonly error?: string;
}

export interface Authorizer {
  authorize(attrs: Attributes): Promise<Decision>;
}

/** authorizer.ResourceRuleInfo, as SelfSubjectRulesReview reports it. */
export interface ResourceRuleInfo {
  readonly verbs: readonly string[];
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly resourceNames: readonly string[];
}

export interface NonResourceRuleInfo {
  readonly verbs: readonly string[];
  readonly nonResourceURLs: readonly string[];
}

export interface RulesResult {
  readonly resourceRules: readonly ResourceRuleInfo[];
  readonly nonResourceRules: readonly NonResourceRuleInfo[];
  /** true when an authorizer could not list everything it would allow. */
  readonly incomplete: boolean;
  readonly error?: string;
}

/** kube's authorizer.RuleResolver: what a user may do in a namespace, for SelfSubjectRulesReview. */
export interface RuleResolver {
  rulesFor(user: UserInfo, namespace: string): Promise<RulesResult>;
}

// --- rbac.authorization.k8s.io/v1 -----------------------------------------

export interface PolicyRule {
  readonly verbs?: readonly string[];
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
}

export interface Subject {
  readonly kind: string;
  readonly apiGroup?: string;
  readonly name: string;
  readonly namespace?: string;
}

export interface RoleRef {
  readonly apiGroup: string;
  readonly kind: string;
  readonly name: string;
}

export interface LabelSelectorJson {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly { readonly key: string; readonly operator: string; readonly values?: readonly string[] }[];
}

export interface AggregationRule {
  readonly clusterRoleSelectors?: readonly LabelSelectorJson[];
}

export interface RbacObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface Role {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: RbacObjectMeta;
  readonly rules?: readonly PolicyRule[] | null;
}

export interface ClusterRole extends Role {
  readonly aggregationRule?: AggregationRule | null;
}

export interface RoleBinding {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: RbacObjectMeta;
  readonly subjects?: readonly Subject[] | null;
  readonly roleRef: RoleRef;
}

export type ClusterRoleBinding = RoleBinding;

type MaybePromise<T> = T | Promise<T>;

/**
 * Where RBAC objects come from; the apiserver backs it with its watch caches.
 * A method that throws (or rejects) is a resolution error: RBAC carries on
 * with what it could read, because rules only ever add permissions.
 */
export interface RbacSource {
  roles(namespace: string): MaybePromise<readonly Role[]>;
  clusterRoles(): MaybePromise<readonly ClusterRole[]>;
  roleBindings(namespace: string): MaybePromise<readonly RoleBinding[]>;
  clusterRoleBindings(): MaybePromise<readonly ClusterRoleBinding[]>;
}

export const RBAC_GROUP = 'rbac.authorization.k8s.io';
export const AUTOUPDATE_ANNOTATION = 'rbac.authorization.kubernetes.io/autoupdate';
export const SYSTEM_PRIVILEGED_GROUP = 'system:masters';
export const SERVICE_ACCOUNT_USERNAME_PREFIX = 'system:serviceaccount:';

/** Builds Attributes with '' for everything not given; `resourceRequest` defaults to true. */
export function attributes(user: UserInfo, fields: Partial<Omit<Attributes, 'user'>>): Attributes {
  return {
    user,
    verb: fields.verb ?? '',
    namespace: fields.namespace ?? '',
    apiGroup: fields.apiGroup ?? '',
    apiVersion: fields.apiVersion ?? '',
    resource: fields.resource ?? '',
    subresource: fields.subresource ?? '',
    name: fields.name ?? '',
    resourceRequest: fields.resourceRequest ?? true,
    path: fields.path ?? '',
  };
}

export function userInfo(name: string, fields: { uid?: string; groups?: readonly string[]; extra?: Readonly<Record<string, readonly string[]>> } = {}): UserInfo {
  return { name, uid: fields.uid ?? '', groups: fields.groups ?? [], extra: fields.extra ?? {} };
}
