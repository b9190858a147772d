// @logbook/pod-security: the PodSecurity admission plugin — the Pod
// Security Standards (privileged, baseline, restricted; v1.0 .. latest)
// enforced, warned and audited per namespace labels, as kube-apiserver 1.33.

export { podSecurityAdmission, PLUGIN_NAME } from './plugin.ts';
export type { PodSecurityOptions } from './plugin.ts';
export { evaluatePod, forbiddenDetail, forbiddenReason } from './evaluator.ts';
export type { EvaluationResult } from './evaluator.ts';
export { parsePodSecurityConfiguration, DEFAULT_CONFIGURATION, CONFIG_GROUP } from './configuration.ts';
export type { PodSecurityConfiguration } from './configuration.ts';
export { LEVELS, parseLevelVersion, formatLevelVersion } from './level-version.ts';
export type { Level, LevelVersion, PolicyVersion } from './level-version.ts';
export type { Policy } from './policy.ts';
export { PodSecurityError, POD_SECURITY_ERROR_CODES } from './errors.ts';
export type { PodSecurityErrorCode } from './errors.ts';
export { NAMESPACE_MAX_PODS_TO_CHECK, NAMESPACE_POD_CHECK_TIMEOUT_MS } from './namespace-pods.ts';
