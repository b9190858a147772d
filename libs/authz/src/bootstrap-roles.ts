// The default ClusterRoles kube-apiserver 1.33 reconciles at start (the
// bootstrappolicy "cluster roles", default feature gates), as data. Roles are
// listed by name, rules in kube's order; controller roles live in
// bootstrap-controller-roles.ts.

import { EVENTS_GROUPS, LEGACY, READ, READ_WRITE, WRITE, clusterRole, eventsRule, rule, urls } from './bootstrap-builders.ts';
import { controllerClusterRoles } from './bootstrap-controller-roles.ts';
import type { ClusterRole, PolicyRule } from './types.ts';

export const AGGREGATE_TO = { admin: 'rbac.authorization.k8s.io/aggregate-to-admin', edit: 'rbac.authorization.k8s.io/aggregate-to-edit', view: 'rbac.authorization.k8s.io/aggregate-to-view' } as const;

const CERTS = 'certificates.k8s.io';
const STORAGE = 'storage.k8s.io';
const COORDINATION = 'coordination.k8s.io';
const AUTHN = 'authentication.k8s.io';
const AUTHZ = 'authorization.k8s.io';

const signerApprover = (signer: string): ClusterRole =>
  clusterRole(`system:certificates.k8s.io:${signer.slice('kubernetes.io/'.length)}-approver`, [rule(['approve'], [CERTS], ['signers'], [signer])]);

// Components that take a lease by their own name to elect a leader.
const leaderElection = (component: string): PolicyRule[] => [
  rule(['create'], [COORDINATION], ['leases']),
  rule(['get', 'update'], [COORDINATION], ['leases'], [component]),
];

function aggregateToEdit(): PolicyRule[] {
  return [
    rule(READ, [LEGACY], ['pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward', 'secrets', 'services/proxy']),
    rule(['impersonate'], [LEGACY], ['serviceaccounts']),
    rule(WRITE, [LEGACY], ['pods', 'pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward']),
    rule(['create'], [LEGACY], ['pods/eviction']),
    rule(WRITE, [LEGACY], ['replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/proxy', 'persistentvolumeclaims', 'configmaps', 'secrets', 'events']),
    rule(['create'], [LEGACY], ['serviceaccounts/token']),
    rule(WRITE, ['apps'], ['statefulsets', 'statefulsets/scale', 'daemonsets', 'deployments', 'deployments/scale', 'deployments/rollback', 'replicasets', 'replicasets/scale']),
    rule(WRITE, ['autoscaling'], ['horizontalpodautoscalers']),
    rule(WRITE, ['batch'], ['jobs', 'cronjobs']),
    rule(WRITE, ['extensions'], ['daemonsets', 'deployments', 'deployments/scale', 'deployments/rollback', 'ingresses', 'replicasets', 'replicasets/scale', 'replicationcontrollers/scale', 'networkpolicies']),
    rule(WRITE, ['policy'], ['poddisruptionbudgets']),
    rule(WRITE, ['networking.k8s.io'], ['networkpolicies', 'ingresses']),
    rule(READ_WRITE, [COORDINATION], ['leases']),
  ];
}

function aggregateToView(): PolicyRule[] {
  return [
    rule(READ, [LEGACY], ['pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'configmaps']),
    rule(READ, [LEGACY], ['limitranges', 'resourcequotas', 'bindings', 'events', 'pods/status', 'resourcequotas/status', 'namespaces/status', 'replicationcontrollers/status', 'pods/log']),
    rule(READ, [LEGACY], ['namespaces']),
    rule(READ, ['discovery.k8s.io'], ['endpointslices']),
    rule(READ, ['apps'], ['controllerrevisions', 'statefulsets', 'statefulsets/status', 'statefulsets/scale', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/status', 'deployments/scale', 'replicasets', 'replicasets/status', 'replicasets/scale']),
    rule(READ, ['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
    rule(READ, ['batch'], ['jobs', 'cronjobs', 'cronjobs/status', 'jobs/status']),
    rule(READ, ['extensions'], ['daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'ingresses', 'ingresses/status', 'replicasets', 'replicasets/scale', 'replicasets/status', 'replicationcontrollers/scale', 'networkpolicies']),
    rule(READ, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
    rule(READ, ['networking.k8s.io'], ['ingresses', 'ingresses/status', 'networkpolicies']),
  ];
}

function kubeControllerManager(): PolicyRule[] {
  return [
    eventsRule(),
    ...leaderElection('kube-controller-manager'),
    rule(['create'], [LEGACY], ['secrets', 'serviceaccounts']),
    rule(['delete'], [LEGACY], ['secrets']),
    rule(['get'], [LEGACY], ['namespaces', 'secrets', 'serviceaccounts', 'configmaps']),
    rule(['update'], [LEGACY], ['secrets', 'serviceaccounts']),
    rule(['create'], [AUTHN], ['tokenreviews']),
    rule(['create'], [AUTHZ], ['subjectaccessreviews']),
    rule(['list', 'watch'], ['*'], ['*']),
    rule(['create'], [LEGACY], ['serviceaccounts/token']),
  ];
}

function kubeScheduler(): PolicyRule[] {
  return [
    eventsRule(),
    ...leaderElection('kube-scheduler'),
    rule(READ, [LEGACY], ['nodes']),
    rule(['get', 'list', 'watch', 'delete'], [LEGACY], ['pods']),
    rule(['create'], [LEGACY], ['pods/binding', 'bindings']),
    rule(['patch', 'update'], [LEGACY], ['pods/status']),
    rule(READ, [LEGACY], ['replicationcontrollers', 'services']),
    rule(READ, ['apps', 'extensions'], ['replicasets']),
    rule(READ, ['apps'], ['statefulsets']),
    rule(READ, ['policy'], ['poddisruptionbudgets']),
    rule(READ, [LEGACY], ['persistentvolumeclaims', 'persistentvolumes']),
    rule(['create'], [AUTHN], ['tokenreviews']),
    rule(['create'], [AUTHZ], ['subjectaccessreviews']),
    rule(READ, [STORAGE], ['csinodes']),
    rule(READ, [LEGACY], ['namespaces']),
    rule(READ, [STORAGE], ['csidrivers']),
    rule(READ, [STORAGE], ['csistoragecapacities']),
  ];
}

function node(): PolicyRule[] {
  return [
    rule(['create'], [AUTHN], ['tokenreviews']),
    rule(['create'], [AUTHZ], ['subjectaccessreviews', 'localsubjectaccessreviews']),
    rule(READ, [LEGACY], ['services']),
    rule(['create', 'get', 'list', 'watch'], [LEGACY], ['nodes']),
    rule(['update', 'patch'], [LEGACY], ['nodes/status']),
    rule(['update', 'patch'], [LEGACY], ['nodes']),
    rule(['create', 'update', 'patch'], [LEGACY], ['events']),
    rule(READ, [LEGACY], ['pods']),
    rule(['create', 'delete'], [LEGACY], ['pods']),
    rule(['update', 'patch'], [LEGACY], ['pods/status']),
    rule(['create'], [LEGACY], ['pods/eviction']),
    rule(READ, [LEGACY], ['secrets', 'configmaps']),
    rule(['get'], [LEGACY], ['persistentvolumeclaims', 'persistentvolumes']),
    rule(['get'], [LEGACY], ['endpoints']),
    rule(['create', 'get', 'list', 'watch'], [CERTS], ['certificatesigningrequests']),
    rule(['get', 'create', 'update', 'patch', 'delete'], [COORDINATION], ['leases']),
    rule(['get'], [STORAGE], ['volumeattachments']),
    rule(['create'], [LEGACY], ['serviceaccounts/token']),
    rule(['get', 'update', 'patch'], [LEGACY], ['persistentvolumeclaims/status']),
    rule(READ, [STORAGE], ['csidrivers']),
    rule(['get', 'create', 'update', 'patch', 'delete'], [STORAGE], ['csinodes']),
    rule(READ, ['node.k8s.io'], ['runtimeclasses']),
  ];
}

/** The non-controller ClusterRoles, sorted by name. */
export function defaultClusterRoles(): ClusterRole[] {
  return [
    clusterRole('admin', null, { aggregateFrom: AGGREGATE_TO.admin }),
    clusterRole('cluster-admin', [rule(['*'], ['*'], ['*']), urls(['*'], ['*'])]),
    clusterRole('edit', null, { aggregateFrom: AGGREGATE_TO.edit, labels: { [AGGREGATE_TO.admin]: 'true' } }),
    clusterRole('system:aggregate-to-admin', [
      rule(['create'], [AUTHZ], ['localsubjectaccessreviews']),
      rule(READ_WRITE, ['rbac.authorization.k8s.io'], ['roles', 'rolebindings']),
    ], { labels: { [AGGREGATE_TO.admin]: 'true' } }),
    clusterRole('system:aggregate-to-edit', aggregateToEdit(), { labels: { [AGGREGATE_TO.edit]: 'true' } }),
    clusterRole('system:aggregate-to-view', aggregateToView(), { labels: { [AGGREGATE_TO.view]: 'true' } }),
    clusterRole('system:auth-delegator', [rule(['create'], [AUTHN], ['tokenreviews']), rule(['create'], [AUTHZ], ['subjectaccessreviews'])]),
    clusterRole('system:basic-user', [
      rule(['create'], [AUTHZ], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
      rule(['create'], [AUTHN], ['selfsubjectreviews']),
    ]),
    clusterRole('system:certificates.k8s.io:certificatesigningrequests:nodeclient', [rule(['create'], [CERTS], ['certificatesigningrequests/nodeclient'])]),
    clusterRole('system:certificates.k8s.io:certificatesigningrequests:selfnodeclient', [rule(['create'], [CERTS], ['certificatesigningrequests/selfnodeclient'])]),
    signerApprover('kubernetes.io/kube-apiserver-client'),
    signerApprover('kubernetes.io/kube-apiserver-client-kubelet'),
    signerApprover('kubernetes.io/kubelet-serving'),
    signerApprover('kubernetes.io/legacy-unknown'),
    clusterRole('system:discovery', [urls(['get'], ['/livez', '/readyz', '/healthz', '/version', '/version/', '/openapi', '/openapi/*', '/api', '/api/*', '/apis', '/apis/*'])]),
    clusterRole('system:heapster', [rule(READ, [LEGACY], ['events', 'pods', 'nodes', 'namespaces']), rule(READ, ['extensions'], ['deployments'])]),
    clusterRole('system:kube-aggregator', [rule(READ, [LEGACY], ['services', 'endpoints'])]),
    clusterRole('system:kube-controller-manager', kubeControllerManager()),
    clusterRole('system:kube-dns', [rule(['list', 'watch'], [LEGACY], ['endpoints', 'services'])]),
    clusterRole('system:kube-scheduler', kubeScheduler()),
    clusterRole('system:kubelet-api-admin', [
      rule(READ, [LEGACY], ['nodes']),
      rule(['proxy'], [LEGACY], ['nodes']),
      rule(['*'], [LEGACY], ['nodes/proxy', 'nodes/metrics', 'nodes/stats', 'nodes/log']),
    ]),
    clusterRole('system:monitoring', [urls(['get'], ['/livez', '/readyz', '/healthz', '/livez/*', '/readyz/*', '/healthz/*', '/metrics', '/metrics/slis'])]),
    clusterRole('system:node', node()),
    clusterRole('system:node-bootstrapper', [rule(['create', 'get', 'list', 'watch'], [CERTS], ['certificatesigningrequests'])]),
    clusterRole('system:node-problem-detector', [rule(['get'], [LEGACY], ['nodes']), rule(['patch'], [LEGACY], ['nodes/status']), eventsRule()]),
    clusterRole('system:node-proxier', [
      rule(['list', 'watch'], [LEGACY], ['services', 'endpoints']),
      rule(READ, [LEGACY], ['nodes']),
      eventsRule(),
      rule(['list', 'watch'], ['discovery.k8s.io'], ['endpointslices']),
    ]),
    clusterRole('system:persistent-volume-provisioner', [
      rule(['get', 'list', 'watch', 'create', 'delete'], [LEGACY], ['persistentvolumes']),
      rule(['get', 'list', 'watch', 'update'], [LEGACY], ['persistentvolumeclaims']),
      rule(READ, [STORAGE], ['storageclasses']),
      rule(['watch'], [LEGACY], ['events']),
      rule(['create', 'update', 'patch'], EVENTS_GROUPS, ['events']),
    ]),
    clusterRole('system:public-info-viewer', [urls(['get'], ['/livez', '/readyz', '/healthz', '/version', '/version/'])]),
    clusterRole('system:service-account-issuer-discovery', [urls(['get'], ['/.well-known/openid-configuration', '/openid/v1/jwks'])]),
    clusterRole('system:volume-scheduler', [
      rule(['get', 'list', 'watch', 'update', 'patch'], [LEGACY], ['persistentvolumes']),
      rule(READ, [STORAGE], ['storageclasses']),
      rule(['get', 'list', 'watch', 'update', 'patch'], [LEGACY], ['persistentvolumeclaims']),
    ]),
    clusterRole('view', null, { aggregateFrom: AGGREGATE_TO.view, labels: { [AGGREGATE_TO.edit]: 'true' } }),
  ];
}

/** Every ClusterRole kube-apiserver 1.33 reconciles at start: the defaults, then the `system:controller:*` roles. */
export function bootstrapClusterRoles(): ClusterRole[] {
  return [...defaultClusterRoles(), ...controllerClusterRoles()];
}
