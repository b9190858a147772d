// @logbook/admission: kube-apiserver's admission plugins that act on pods
// and namespaced workloads, and the catalogue that orders and configures them.

export type { ObjectReader, GroupResource } from './reader.ts';
export { MemoryObjectReader } from './memory-reader.ts';

export { AdmissionConfigError, ADMISSION_CONFIG_ERROR_CODES } from './errors.ts';
export type { AdmissionConfigErrorCode } from './errors.ts';
export { ALL_ORDERED_PLUGINS, DEFAULT_ON_PLUGINS, DEFAULT_OFF_PLUGINS, isAdmissionPluginName, resolveAdmissionPlugins } from './catalogue.ts';
export type { AdmissionPluginName, AdmissionPluginFlags } from './catalogue.ts';
export { readAdmissionConfigFile, ADMISSION_CONFIG_API_VERSIONS } from './config-file.ts';
export { buildAdmissionPlugins } from './build.ts';
export type { AdmissionPluginFactory } from './build.ts';
export { podAdmissionFactories } from './factories.ts';
export type { PodAdmissionDeps } from './factories.ts';
export { admissionForbidden } from './refusal.ts';

export { limitRanger, LIMIT_RANGER_ANNOTATION } from './limit-ranger.ts';
export type { LimitRangerOptions } from './limit-ranger.ts';
export {
  serviceAccountAdmission, tokenVolume, DEFAULT_SERVICE_ACCOUNT_NAME, SERVICE_ACCOUNT_TOKEN_MOUNT_PATH, SERVICE_ACCOUNT_VOLUME_PREFIX,
  ENFORCE_MOUNTABLE_SECRETS_ANNOTATION, MIRROR_POD_ANNOTATION, BOUND_TOKEN_EXPIRATION_SECONDS,
} from './service-account.ts';
export type { ServiceAccountAdmissionOptions } from './service-account.ts';
export { priorityAdmission, SYSTEM_PRIORITY_CLASSES, DEFAULT_PRIORITY_WHEN_NO_DEFAULT_CLASS } from './priority.ts';
export type { PriorityAdmissionOptions } from './priority.ts';
export { validatePriorityClassReserved, SYSTEM_PRIORITY_CLASS_PREFIX, HIGHEST_USER_DEFINABLE_PRIORITY } from './priority-class-validation.ts';
export { defaultTolerationSeconds, TAINT_NODE_NOT_READY, TAINT_NODE_UNREACHABLE } from './default-toleration-seconds.ts';
export type { DefaultTolerationSecondsOptions } from './default-toleration-seconds.ts';
export { taintNodesByCondition } from './taint-nodes-by-condition.ts';
export { runtimeClassAdmission } from './runtime-class.ts';
export type { RuntimeClassAdmissionOptions } from './runtime-class.ts';
export { mergeTolerations } from './tolerations.ts';
export type { GroupVersionKind, GroupVersionResource, AdmissionUserInfo } from './admission-request.ts';
