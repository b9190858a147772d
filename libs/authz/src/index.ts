// @logbook/authz: kube-apiserver's authorization — the authorizer contract,
// AlwaysAllow/AlwaysDeny/RBAC and their union, the 403 wording, the four
// access-review kinds, RBAC escalation checks and the bootstrap policy.
// Pure apart from the injected RbacSource: no I/O, no clock.

export { attributes, userInfo, DECISIONS, RBAC_GROUP, AUTOUPDATE_ANNOTATION, SYSTEM_PRIVILEGED_GROUP } from './types.ts';
export type {
  UserInfo, Attributes, Decision, DecisionKind, Authorizer, RuleResolver, RulesResult, ResourceRuleInfo, NonResourceRuleInfo,
  PolicyRule, Subject, RoleRef, AggregationRule, LabelSelectorJson, Role, ClusterRole, RoleBinding, ClusterRoleBinding, RbacSource,
} from './types.ts';

export { alwaysAllowAuthorizer, alwaysDenyAuthorizer, privilegedGroupsAuthorizer, unionAuthorizer, unionRuleResolver } from './simple-authorizers.ts';
export { AUTHORIZATION_MODES, AuthorizationConfigError, parseAuthorizationModes, buildAuthorizerChain } from './authorizer-chain.ts';
export type { AuthorizationMode, AuthorizerChain } from './authorizer-chain.ts';

export { RbacAuthorizer, rbacAuthorizer } from './rbac-authorizer.ts';
export { RuleResolver as RbacRuleResolver, RoleRefError, appliesToUser } from './rule-resolver.ts';
export { ruleAllows, rulesAllow } from './rule-matching.ts';
export { aggregatedRulesFor } from './aggregation.ts';
export type { AggregatedRules } from './aggregation.ts';
export { covers, compactString } from './policy-comparator.ts';

export { forbiddenMessage, forbiddenReason, forbiddenError } from './forbidden.ts';

export { selfSubjectAccessReview, subjectAccessReview, localSubjectAccessReview, selfSubjectRulesReview, attributesFrom, AUTHORIZATION_GROUP } from './access-reviews.ts';
export type { AccessReview, AccessReviewStatus, RulesReview, ReviewOptions } from './access-reviews.ts';

export { confirmNoEscalation, escalationAllowed, checkRoleWrite, checkBindingWrite, bindingAuthorized, EscalationError } from './escalation.ts';
export type { RbacWriteContext, RoleWrite, BindingWrite, RoleResource, BindingResource } from './escalation.ts';

export { bootstrapNamespacedPolicy, bootstrapPolicy, bootstrapClusterRoles, bootstrapClusterRoleBindings, reconcileBootstrapPolicy, reconcileRole } from './bootstrap-policy.ts';
export type { BootstrapPolicy, NamespacedPolicy, ReconcileAction } from './bootstrap-policy.ts';

export { NodeGraph, GRAPH_EVENTS, GRAPH_KINDS, VERTEX_TYPES } from './node-graph.ts';
export type { GraphEvent, GraphKind, VertexType, NodeGraphReader } from './node-graph.ts';
export { podReferences, persistentVolumeReferences } from './object-references.ts';
export type { PodReferences, PersistentVolumeReferences, NamespacedName } from './object-references.ts';
export { NodeAuthorizer, nodeAuthorizer, nodeIdentity, NODE_USER_PREFIX, NODES_GROUP, NODE_LEASE_NAMESPACE } from './node-authorizer.ts';
export type { NodeAttributes, NodeAuthorizerOptions } from './node-authorizer.ts';
export { WebhookAuthorizer, webhookAuthorizer, subjectAccessReviewSpec, WEBHOOK_VERSIONS, WEBHOOK_DEFAULTS } from './webhook-authorizer.ts';
export type { WebhookVersion, WebhookAuthorizerOptions, WebhookLogger, SubjectAccessReviewStatus } from './webhook-authorizer.ts';
export { WebhookClient, WebhookError, DEFAULT_RETRY_BACKOFF, MAX_RESPONSE_BYTES } from './webhook-client.ts';
export type { RetryBackoff, WebhookErrorCode, WebhookClientOptions } from './webhook-client.ts';
export { ExpiringLru } from './expiring-lru.ts';
export type { Clock } from './expiring-lru.ts';
export { validateWebhookFlags, webhookModeAuthorizer, nodeModeAuthorizer } from './mode-factories.ts';
export type { WebhookFlags } from './mode-factories.ts';
