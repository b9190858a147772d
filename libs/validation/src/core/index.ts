// Object metadata and the non-workload everyday kinds (owned by the core author).
import type { RuleTable } from '../types.ts';
import { CONFIG_MAP_RULES } from './config-map.ts';
import { NAMESPACE_RULES, SERVICE_ACCOUNT_RULES } from './namespace.ts';
import { CLUSTER_ROLE_BINDING_RULES, CLUSTER_ROLE_RULES, ROLE_BINDING_RULES, ROLE_RULES } from './rbac.ts';
import { SECRET_RULES } from './secret.ts';
import { SERVICE_RULES } from './service-update.ts';
import { PV_RULES, PVC_RULES } from './storage.ts';
import { LEASE_RULES } from './lease.ts';
import { CORE_EVENT_RULES, EVENTS_V1_EVENT_RULES } from './event.ts';
import { NODE_RULES } from './node.ts';
import { INGRESS_RULES } from './ingress.ts';
import { LIMIT_RANGE_RULES, RESOURCE_QUOTA_RULES } from './quota.ts';

export { validateObjectMeta, validateObjectMetaUpdate, validateImmutable, validateOwnerReferences, validateFinalizers, validateKubeFinalizerName, validateManagedFields, STANDARD_FINALIZERS, FIELD_IMMUTABLE_MSG } from './object-meta.ts';
export type { ObjectMetaOptions } from './object-meta.ts';
export { NAME_RULES, checkName, validateName, isDNS1035Label, isValidPathSegmentName } from './names.ts';
export type { NameRule } from './names.ts';
export { parseIP, formatIP, parseCIDR, formatCIDR, cidrContains } from './ip.ts';
export type { IPAddr, CIDR, IPFamily } from './ip.ts';
export { defaultService, prepareServiceForUpdate, setServiceIPFamilies, externallyAccessible } from './service-defaults.ts';
export { validateService } from './service.ts';
export { validateServiceUpdate } from './service-update.ts';
export { validateConfigMap, validateConfigMapUpdate } from './config-map.ts';
export { isConfigMapKey, MAX_CONFIG_DATA_BYTES } from './config-data.ts';
export { defaultSecret, validateSecret, validateSecretUpdate, SECRET_TYPES } from './secret.ts';
export { defaultNamespace, validateNamespace, NAMESPACE_NAME_LABEL } from './namespace.ts';
export { RBAC_GROUP, defaultBinding, validateRole, validateClusterRole } from './rbac.ts';
export { defaultPersistentVolumeClaim, validatePersistentVolumeClaim, validatePersistentVolumeClaimUpdate, defaultPersistentVolume, validatePersistentVolume, validatePersistentVolumeUpdate } from './storage.ts';
export { validateLease } from './lease.ts';
export { defaultNode, validateNode, validateNodeUpdate } from './node.ts';
export { validateIngress, validateIngressCreate, isWildcardDNS1123Subdomain } from './ingress.ts';
export { validateResourceQuota, validateResourceQuotaUpdate, defaultLimitRange, validateLimitRange } from './quota.ts';
export * from './allocators/index.ts';

export const CORE_RULES: RuleTable = {
  '/Service': SERVICE_RULES,
  '/ConfigMap': CONFIG_MAP_RULES,
  '/Secret': SECRET_RULES,
  '/Namespace': NAMESPACE_RULES,
  '/ServiceAccount': SERVICE_ACCOUNT_RULES,
  '/PersistentVolumeClaim': PVC_RULES,
  '/PersistentVolume': PV_RULES,
  '/Node': NODE_RULES,
  '/ResourceQuota': RESOURCE_QUOTA_RULES,
  '/LimitRange': LIMIT_RANGE_RULES,
  '/Event': CORE_EVENT_RULES,
  'events.k8s.io/Event': EVENTS_V1_EVENT_RULES,
  'coordination.k8s.io/Lease': LEASE_RULES,
  'networking.k8s.io/Ingress': INGRESS_RULES,
  'rbac.authorization.k8s.io/Role': ROLE_RULES,
  'rbac.authorization.k8s.io/ClusterRole': CLUSTER_ROLE_RULES,
  'rbac.authorization.k8s.io/RoleBinding': ROLE_BINDING_RULES,
  'rbac.authorization.k8s.io/ClusterRoleBinding': CLUSTER_ROLE_BINDING_RULES,
};
