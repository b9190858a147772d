// The default ClusterRoles kube-apiserver installs (bootstrappolicy), as data.
// Lists are sorted as kube's rule builder sorts them, so objects compare equal
// to what a real cluster shows with `kubectl get clusterrole -o yaml`.

import type { ClusterRole, PolicyRule } from './types.ts';

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const RW = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function r(verbs: readonly string[], apiGroups: readonly string[], resources: readonly string[], resourceNames?: readonly string[]): PolicyRule {
  const rule: PolicyRule = { apiGroups: [...apiGroups], resources: [...resources].sort(), verbs: [...verbs].sort() };
  return resourceNames === undefined ? rule : { ...rule, resourceNames: [...resourceNames] };
}

function urls(verbs: readonly string[], paths: readonly string[]): PolicyRule {
  return { nonResourceURLs: [...paths].sort(), verbs: [...verbs].sort() };
}

export const AGGREGATE_TO = { admin: 'rbac.authorization.k8s.io/aggregate-to-admin', edit: 'rbac.authorization.k8s.io/aggregate-to-edit', view: 'rbac.authorization.k8s.io/aggregate-to-view' } as const;

function role(name: string, rules: readonly PolicyRule[] | null, extra: { labels?: Record<string, string>; aggregateFrom?: string } = {}): ClusterRole {
  const cr: ClusterRole = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: {
      name,
      labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults', ...(extra.labels ?? {}) },
      annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' },
    },
    rules,
  };
  return extra.aggregateFrom === undefined ? cr : { ...cr, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [extra.aggregateFrom]: 'true' } }] } };
}

export function bootstrapClusterRoles(): ClusterRole[] {
  return [
    role('admin', null, { aggregateFrom: AGGREGATE_TO.admin }),
    role('cluster-admin', [r(['*'], ['*'], ['*']), urls(['*'], ['*'])]),
    role('edit', null, { aggregateFrom: AGGREGATE_TO.edit, labels: { [AGGREGATE_TO.admin]: 'true' } }),
    role('system:aggregate-to-admin', [
      r(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']),
      r(RW, ['rbac.authorization.k8s.io'], ['rolebindings', 'roles']),
    ], { labels: { [AGGREGATE_TO.admin]: 'true' } }),
    role('system:aggregate-to-edit', [
      r(READ, [''], ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy']),
      r(['impersonate'], [''], ['serviceaccounts']),
      r(WRITE, [''], ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy']),
      r(['create'], [''], ['pods/eviction']),
      r(WRITE, [''], ['configmaps', 'events', 'persistentvolumeclaims', 'replicationcontrollers', 'replicationcontrollers/scale', 'secrets', 'serviceaccounts', 'services', 'services/proxy']),
      r(['create'], [''], ['serviceaccounts/token']),
      r(WRITE, ['apps'], ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'replicasets', 'replicasets/scale', 'statefulsets', 'statefulsets/scale']),
      r(WRITE, ['autoscaling'], ['horizontalpodautoscalers']),
      r(WRITE, ['batch'], ['cronjobs', 'jobs']),
      r(WRITE, ['extensions'], ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'ingresses', 'networkpolicies', 'replicasets', 'replicasets/scale', 'replicationcontrollers/scale']),
      r(WRITE, ['policy'], ['poddisruptionbudgets']),
      r(WRITE, ['networking.k8s.io'], ['ingresses', 'networkpolicies']),
      r(RW, ['coordination.k8s.io'], ['leases']),
    ], { labels: { [AGGREGATE_TO.edit]: 'true' } }),
    role('system:aggregate-to-view', [
      r(READ, [''], ['configmaps', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status']),
      r(READ, [''], ['bindings', 'events', 'limitranges', 'namespaces/status', 'pods/log', 'pods/status', 'replicationcontrollers/status', 'resourcequotas', 'resourcequotas/status']),
      r(READ, [''], ['namespaces']),
      r(READ, ['discovery.k8s.io'], ['endpointslices']),
      r(READ, ['apps'], ['controllerrevisions', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'replicasets', 'replicasets/scale', 'replicasets/status', 'statefulsets', 'statefulsets/scale', 'statefulsets/status']),
      r(READ, ['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
      r(READ, ['batch'], ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status']),
      r(READ, ['extensions'], ['daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'ingresses', 'ingresses/status', 'networkpolicies', 'replicasets', 'replicasets/scale', 'replicasets/status', 'replicationcontrollers/scale']),
      r(READ, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
      r(READ, ['networking.k8s.io'], ['ingresses', 'ingresses/status', 'networkpolicies']),
    ], { labels: { [AGGREGATE_TO.view]: 'true' } }),
    role('system:auth-delegator', [
      r(['create'], ['authentication.k8s.io'], ['tokenreviews']),
      r(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
    ]),
    role('system:basic-user', [
      r(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
      r(['create'], ['authentication.k8s.io'], ['selfsubjectreviews']),
    ]),
    role('system:discovery', [urls(['get'], ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'])]),
    role('system:monitoring', [urls(['get'], ['/healthz', '/healthz/*', '/livez', '/livez/*', '/metrics', '/metrics/slis', '/readyz', '/readyz/*'])]),
    role('system:node', [
      r(['create'], ['authentication.k8s.io'], ['tokenreviews']),
      r(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews', 'subjectaccessreviews']),
      r(READ, [''], ['services']),
      r(['create', 'get', 'list', 'watch'], [''], ['nodes']),
      r(['patch', 'update'], [''], ['nodes/status']),
      r(['patch', 'update'], [''], ['nodes']),
      r(['create', 'patch', 'update'], [''], ['events']),
      r(READ, [''], ['pods']),
      r(['create', 'delete'], [''], ['pods']),
      r(['patch', 'update'], [''], ['pods/status']),
      r(['create'], [''], ['pods/eviction']),
      r(READ, [''], ['configmaps', 'secrets']),
      r(['get'], [''], ['persistentvolumeclaims', 'persistentvolumes']),
      r(['get'], [''], ['endpoints']),
      r(['create', 'get', 'list', 'watch'], ['certificates.k8s.io'], ['certificatesigningrequests']),
      r(['create', 'delete', 'get', 'patch', 'update'], ['coordination.k8s.io'], ['leases']),
      r(['get'], ['storage.k8s.io'], ['volumeattachments']),
      r(['create'], [''], ['serviceaccounts/token']),
      r(['get', 'patch', 'update'], [''], ['persistentvolumeclaims/status']),
      r(READ, ['storage.k8s.io'], ['csidrivers']),
      r(['create', 'delete', 'get', 'patch', 'update'], ['storage.k8s.io'], ['csinodes']),
      r(READ, ['node.k8s.io'], ['runtimeclasses']),
    ]),
    role('system:node-proxier', [
      r(['list', 'watch'], [''], ['endpoints', 'services']),
      r(READ, [''], ['nodes']),
      r(['create', 'patch', 'update'], ['', 'events.k8s.io'], ['events']),
      r(['list', 'watch'], ['discovery.k8s.io'], ['endpointslices']),
    ]),
    role('system:public-info-viewer', [urls(['get'], ['/healthz', '/livez', '/readyz', '/version', '/version/'])]),
    role('system:service-account-issuer-discovery', [urls(['get'], ['/.well-known/openid-configuration', '/openid/v1/jwks'])]),
    role('view', null, { aggregateFrom: AGGREGATE_TO.view, labels: { [AGGREGATE_TO.edit]: 'true' } }),
  ];
}
