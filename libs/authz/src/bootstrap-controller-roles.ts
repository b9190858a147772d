// The `system:controller:*` ClusterRoles kube-apiserver 1.33 reconciles at
// start, one per kube-controller-manager controller, each bound to the
// kube-system ServiceAccount named after the controller. Roles behind feature
// gates that are off by default in 1.33 are left out: resource-claim-controller
// and device-taint-eviction-controller (DynamicResourceAllocation),
// kube-apiserver-serving-clustertrustbundle-publisher (ClusterTrustBundle),
// storage-version-garbage-collector (StorageVersionAPI),
// storage-version-migrator-controller (StorageVersionMigrator) and
// volumeattributesclass-protection-controller (VolumeAttributesClass).

import { LEGACY, READ, clusterRole, clusterRoleBinding, eventsRule, rule, serviceAccount } from './bootstrap-builders.ts';
import type { ClusterRole, ClusterRoleBinding, PolicyRule } from './types.ts';

export const CONTROLLER_ROLE_PREFIX = 'system:controller:';
export const CONTROLLER_NAMESPACE = 'kube-system';

const STORAGE = 'storage.k8s.io';
const BATCH = 'batch';
const APPS = 'apps';
const EXT = 'extensions';
const CERTS = 'certificates.k8s.io';
const NETWORKING = 'networking.k8s.io';
const DISCOVERY = 'discovery.k8s.io';
const ADMISSION = 'admissionregistration.k8s.io';

// Controller name (without the prefix) → rules, in kube's registration order.
const CONTROLLERS: readonly (readonly [string, () => PolicyRule[]])[] = [
  ['attachdetach-controller', () => [
    rule(['list', 'watch'], [LEGACY], ['persistentvolumes', 'persistentvolumeclaims']),
    rule(READ, [LEGACY], ['nodes']),
    rule(['patch', 'update'], [LEGACY], ['nodes/status']),
    rule(['list', 'watch'], [LEGACY], ['pods']),
    eventsRule(),
    rule(['get', 'create', 'delete', 'list', 'watch'], [STORAGE], ['volumeattachments']),
    rule(READ, [STORAGE], ['csidrivers']),
    rule(READ, [STORAGE], ['csinodes']),
  ]],
  ['clusterrole-aggregation-controller', () => [
    // It must hold every permission it aggregates, hence escalate.
    rule(['escalate', 'get', 'list', 'watch', 'update', 'patch'], ['rbac.authorization.k8s.io'], ['clusterroles']),
  ]],
  ['cronjob-controller', () => [
    rule(['get', 'list', 'watch', 'update'], [BATCH], ['cronjobs']),
    rule(['get', 'list', 'watch', 'create', 'update', 'delete', 'patch'], [BATCH], ['jobs']),
    rule(['update'], [BATCH], ['cronjobs/status']),
    rule(['update'], [BATCH], ['cronjobs/finalizers']),
    rule(['list', 'watch', 'delete'], [LEGACY], ['pods']),
    eventsRule(),
  ]],
  ['daemon-set-controller', () => [
    rule(READ, [EXT, APPS], ['daemonsets']),
    rule(['update'], [EXT, APPS], ['daemonsets/status']),
    rule(['update'], [EXT, APPS], ['daemonsets/finalizers']),
    rule(['list', 'watch'], [LEGACY], ['nodes']),
    rule(['list', 'watch', 'create', 'delete', 'patch'], [LEGACY], ['pods']),
    rule(['create'], [LEGACY], ['pods/binding']),
    rule(['get', 'list', 'watch', 'create', 'delete', 'update', 'patch'], [APPS], ['controllerrevisions']),
    eventsRule(),
  ]],
  ['deployment-controller', () => [
    rule(['get', 'list', 'watch', 'update'], [EXT, APPS], ['deployments']),
    rule(['update'], [EXT, APPS], ['deployments/status']),
    rule(['update'], [EXT, APPS], ['deployments/finalizers']),
    rule(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'], [APPS, EXT], ['replicasets']),
    rule(['get', 'list', 'watch', 'update'], [LEGACY], ['pods']),
    eventsRule(),
  ]],
  ['disruption-controller', () => [
    rule(READ, [EXT, APPS], ['deployments']),
    rule(READ, [APPS, EXT], ['replicasets']),
    rule(READ, [LEGACY], ['replicationcontrollers']),
    rule(READ, ['policy'], ['poddisruptionbudgets']),
    rule(READ, [APPS], ['statefulsets']),
    rule(['update'], ['policy'], ['poddisruptionbudgets/status']),
    rule(['patch', 'update'], [LEGACY], ['pods/status']),
    rule(['get'], ['*'], ['*/scale']),
    eventsRule(),
  ]],
  ['endpoint-controller', () => [
    rule(READ, [LEGACY], ['services', 'pods']),
    rule(['get', 'list', 'watch', 'create', 'update', 'delete'], [LEGACY], ['endpoints']),
    rule(['create'], [LEGACY], ['endpoints/restricted']),
    eventsRule(),
  ]],
  ['endpointslice-controller', () => [
    rule(READ, [LEGACY], ['services', 'pods', 'nodes']),
    // Setting blockOwnerDeletion on a slice owned by a Service needs the Service's finalizers.
    rule(['update'], [LEGACY], ['services/finalizers']),
    rule(['get', 'list', 'watch', 'create', 'update', 'delete'], [DISCOVERY], ['endpointslices']),
    eventsRule(),
  ]],
  ['endpointslicemirroring-controller', () => [
    rule(READ, [LEGACY], ['services', 'endpoints']),
    rule(['update'], [LEGACY], ['services/finalizers']),
    rule(['update'], [LEGACY], ['endpoints/finalizers']),
    rule(['get', 'list', 'watch', 'create', 'update', 'delete'], [DISCOVERY], ['endpointslices']),
    eventsRule(),
  ]],
  ['expand-controller', () => [
    rule(['get', 'list', 'watch', 'update', 'patch'], [LEGACY], ['persistentvolumes']),
    rule(['update', 'patch'], [LEGACY], ['persistentvolumeclaims/status']),
    rule(READ, [LEGACY], ['persistentvolumeclaims']),
    eventsRule(),
    // The in-tree portworx volume plugin still reads its Service in 1.33.
    rule(['get'], [LEGACY], ['services']),
  ]],
  ['ephemeral-volume-controller', () => [
    rule(READ, [LEGACY], ['pods']),
    rule(['update'], [LEGACY], ['pods/finalizers']),
    rule(['get', 'list', 'watch', 'create'], [LEGACY], ['persistentvolumeclaims']),
    eventsRule(),
  ]],
  ['generic-garbage-collector', () => [
    rule(['get', 'list', 'watch', 'patch', 'update', 'delete'], ['*'], ['*']),
    eventsRule(),
  ]],
  ['horizontal-pod-autoscaler', () => [
    rule(READ, ['autoscaling'], ['horizontalpodautoscalers']),
    rule(['update'], ['autoscaling'], ['horizontalpodautoscalers/status']),
    rule(['get', 'update'], ['*'], ['*/scale']),
    rule(['list', 'watch'], [LEGACY], ['pods']),
    rule(['list', 'watch'], ['metrics.k8s.io'], ['pods']),
    rule(READ, ['custom.metrics.k8s.io'], ['*']),
    rule(READ, ['external.metrics.k8s.io'], ['*']),
    eventsRule(),
  ]],
  ['job-controller', () => [
    rule(['get', 'list', 'watch', 'update', 'patch'], [BATCH], ['jobs']),
    rule(['update'], [BATCH], ['jobs/status']),
    rule(['update'], [BATCH], ['jobs/finalizers']),
    rule(['list', 'watch', 'create', 'delete', 'patch'], [LEGACY], ['pods']),
    eventsRule(),
  ]],
  ['namespace-controller', () => [
    rule(['get', 'list', 'watch', 'delete'], [LEGACY], ['namespaces']),
    rule(['update'], [LEGACY], ['namespaces/finalize', 'namespaces/status']),
    rule(['get', 'list', 'watch', 'delete', 'deletecollection'], ['*'], ['*']),
  ]],
  ['node-controller', () => [
    rule(['get', 'list', 'watch', 'update', 'delete', 'patch'], [LEGACY], ['nodes']),
    rule(['patch', 'update'], [LEGACY], ['nodes/status']),
    rule(['patch', 'update'], [LEGACY], ['pods/status']),
    rule(['list', 'watch', 'get', 'delete'], [LEGACY], ['pods']),
    eventsRule(),
  ]],
  ['persistent-volume-binder', () => [
    rule(['get', 'list', 'watch', 'update', 'create', 'delete'], [LEGACY], ['persistentvolumes']),
    rule(['update'], [LEGACY], ['persistentvolumes/status']),
    rule(['get', 'list', 'watch', 'update'], [LEGACY], ['persistentvolumeclaims']),
    rule(['update'], [LEGACY], ['persistentvolumeclaims/status']),
    rule(['list', 'watch', 'get', 'create', 'delete'], [LEGACY], ['pods']),
    rule(READ, [STORAGE], ['storageclasses']),
    rule(['list', 'watch'], [LEGACY], ['nodes']),
    eventsRule(),
    // The recycler watches its pod's events.
    rule(['watch'], [LEGACY], ['events']),
    rule(['get'], [LEGACY], ['services']),
  ]],
  ['pod-garbage-collector', () => [
    rule(['list', 'watch', 'delete'], [LEGACY], ['pods']),
    rule(READ, [LEGACY], ['nodes']),
    rule(['patch'], [LEGACY], ['pods/status']),
  ]],
  ['replicaset-controller', () => [
    rule(['get', 'list', 'watch', 'update'], [APPS, EXT], ['replicasets']),
    rule(['update'], [APPS, EXT], ['replicasets/status']),
    rule(['update'], [APPS, EXT], ['replicasets/finalizers']),
    rule(['list', 'watch', 'patch', 'create', 'delete'], [LEGACY], ['pods']),
    eventsRule(),
  ]],
  ['replication-controller', () => [
    rule(['get', 'list', 'watch', 'update'], [LEGACY], ['replicationcontrollers']),
    rule(['update'], [LEGACY], ['replicationcontrollers/status']),
    rule(['update'], [LEGACY], ['replicationcontrollers/finalizers']),
    rule(['list', 'watch', 'patch', 'create', 'delete'], [LEGACY], ['pods']),
    eventsRule(),
  ]],
  ['resourcequota-controller', () => [
    // Quota can count anything, so it must see everything.
    rule(['list', 'watch'], ['*'], ['*']),
    rule(['update'], [LEGACY], ['resourcequotas/status']),
    eventsRule(),
  ]],
  ['route-controller', () => [
    rule(['list', 'watch'], [LEGACY], ['nodes']),
    rule(['patch'], [LEGACY], ['nodes/status']),
    eventsRule(),
  ]],
  ['service-account-controller', () => [rule(['create'], [LEGACY], ['serviceaccounts']), eventsRule()]],
  ['service-controller', () => [
    rule(READ, [LEGACY], ['services']),
    rule(['patch', 'update'], [LEGACY], ['services/status']),
    rule(['list', 'watch'], [LEGACY], ['nodes']),
    eventsRule(),
  ]],
  // MultiCIDRServiceAllocator is GA (on) in 1.33.
  ['service-cidrs-controller', () => [
    rule(['get', 'list', 'watch', 'patch', 'update'], [NETWORKING], ['servicecidrs']),
    rule(['patch', 'update'], [NETWORKING], ['servicecidrs/finalizers']),
    rule(['patch', 'update'], [NETWORKING], ['servicecidrs/status']),
    rule(READ, [NETWORKING], ['ipaddresses']),
    eventsRule(),
  ]],
  ['statefulset-controller', () => [
    rule(['list', 'watch'], [LEGACY], ['pods']),
    rule(READ, [APPS], ['statefulsets']),
    rule(['update'], [APPS], ['statefulsets/status']),
    rule(['update'], [APPS], ['statefulsets/finalizers']),
    rule(['get', 'create', 'delete', 'update', 'patch'], [LEGACY], ['pods']),
    rule(['get', 'create', 'delete', 'update', 'patch', 'list', 'watch'], [APPS], ['controllerrevisions']),
    rule(['get', 'create', 'list', 'watch'], [LEGACY], ['persistentvolumeclaims']),
    rule(['update', 'delete'], [LEGACY], ['persistentvolumeclaims']),
    rule(['update'], [LEGACY], ['pods/finalizers']),
    eventsRule(),
  ]],
  ['ttl-controller', () => [rule(['update', 'patch', 'list', 'watch'], [LEGACY], ['nodes']), eventsRule()]],
  ['certificate-controller', () => [
    rule(['get', 'list', 'watch', 'delete'], [CERTS], ['certificatesigningrequests']),
    rule(['update'], [CERTS], ['certificatesigningrequests/status', 'certificatesigningrequests/approval']),
    rule(['approve'], [CERTS], ['signers'], ['kubernetes.io/kube-apiserver-client-kubelet']),
    rule(['sign'], [CERTS], ['signers'], ['kubernetes.io/legacy-unknown', 'kubernetes.io/kube-apiserver-client', 'kubernetes.io/kube-apiserver-client-kubelet', 'kubernetes.io/kubelet-serving']),
    rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
    eventsRule(),
  ]],
  ['pvc-protection-controller', () => [
    rule(['get', 'list', 'watch', 'update'], [LEGACY], ['persistentvolumeclaims']),
    rule(['list', 'watch', 'get'], [LEGACY], ['pods']),
    eventsRule(),
  ]],
  ['pv-protection-controller', () => [rule(['get', 'list', 'watch', 'update'], [LEGACY], ['persistentvolumes']), eventsRule()]],
  ['ttl-after-finished-controller', () => [rule(['get', 'list', 'watch', 'delete'], [BATCH], ['jobs']), eventsRule()]],
  ['root-ca-cert-publisher', () => [rule(['create', 'update'], [LEGACY], ['configmaps']), eventsRule()]],
  ['validatingadmissionpolicy-status-controller', () => [
    rule(READ, [ADMISSION], ['validatingadmissionpolicies']),
    rule(['get', 'patch', 'update'], [ADMISSION], ['validatingadmissionpolicies/status']),
    eventsRule(),
  ]],
  ['legacy-service-account-token-cleaner', () => [
    rule(['get'], [LEGACY], ['configmaps'], ['kube-apiserver-legacy-service-account-token-tracking']),
    rule(['patch', 'delete'], [LEGACY], ['secrets']),
  ]],
  // SELinuxChangePolicy is beta and on by default in 1.33.
  ['selinux-warning-controller', () => [
    eventsRule(),
    rule(READ, [LEGACY], ['persistentvolumes']),
    rule(READ, [LEGACY], ['persistentvolumeclaims']),
    rule(READ, [LEGACY], ['pods']),
    rule(READ, [STORAGE], ['csidrivers']),
  ]],
];

/** The controller names (the ServiceAccount names in kube-system) in kube's registration order. */
export function controllerNames(): string[] {
  return CONTROLLERS.map(([name]) => name);
}

export function controllerClusterRoles(): ClusterRole[] {
  return CONTROLLERS.map(([name, rules]) => clusterRole(CONTROLLER_ROLE_PREFIX + name, rules()));
}

export function controllerClusterRoleBindings(): ClusterRoleBinding[] {
  return CONTROLLERS.map(([name]) => clusterRoleBinding(CONTROLLER_ROLE_PREFIX + name, CONTROLLER_ROLE_PREFIX + name, [serviceAccount(CONTROLLER_NAMESPACE, name)]));
}
