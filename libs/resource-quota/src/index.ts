// @logbook/resource-quota: kube's ResourceQuota — what objects use, which
// quotas apply to them, the admission plugin that charges usage atomically
// with the write, and the status computation the control loop runs.

export { resourceQuotaAdmission, RESOURCE_QUOTA_PLUGIN_NAME } from './admission.ts';
export type { ResourceQuotaAdmissionOptions } from './admission.ts';
export { usageOf } from './usage.ts';
export { quotaMatches, chargedResources, scopeRequirementsOf } from './scopes.ts';
export { computeQuotaStatus, quotaStatusChanged, resourcesToList } from './status.ts';
export type { QuotaStatus, ListObjects } from './status.ts';
export type { ResourceList } from './resource-list.ts';
export type { GroupResource, ScopeRequirement } from './evaluators/evaluator.ts';
export { podIsCharged } from './evaluators/pods.ts';
