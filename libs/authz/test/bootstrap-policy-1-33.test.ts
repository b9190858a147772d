// The bootstrap policy against kube-apiserver 1.33's goldens
// (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata/*.yaml, default
// feature gates): names, rule counts, exact sample rules, every binding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attributes, bootstrapClusterRoleBindings, bootstrapClusterRoles, rbacAuthorizer, reconcileBootstrapPolicy, userInfo, type ClusterRole, type PolicyRule, type RoleBinding, type Subject } from '../src/index.ts';
import { bootstrapNamespacedPolicy } from '../src/bootstrap-policy.ts';
import { staticSource } from './fixtures.ts';

const roles = bootstrapClusterRoles();
const bindings = bootstrapClusterRoleBindings();
const ns = bootstrapNamespacedPolicy();
const RBAC = 'rbac.authorization.k8s.io';

function role(name: string): ClusterRole {
  const found = roles.find((r) => r.metadata.name === name);
  assert.ok(found !== undefined, `missing ClusterRole ${name}`);
  return found;
}
const ruleAt = (name: string, i: number): PolicyRule | undefined => role(name).rules?.[i];

// null = aggregated (rules filled by the aggregation controller).
const DEFAULT_ROLES: Record<string, number | null> = {
  'admin': null, 'cluster-admin': 2, 'edit': null,
  'system:aggregate-to-admin': 2, 'system:aggregate-to-edit': 13, 'system:aggregate-to-view': 10,
  'system:auth-delegator': 2, 'system:basic-user': 2,
  'system:certificates.k8s.io:certificatesigningrequests:nodeclient': 1,
  'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient': 1,
  'system:certificates.k8s.io:kube-apiserver-client-approver': 1,
  'system:certificates.k8s.io:kube-apiserver-client-kubelet-approver': 1,
  'system:certificates.k8s.io:kubelet-serving-approver': 1,
  'system:certificates.k8s.io:legacy-unknown-approver': 1,
  'system:discovery': 1, 'system:heapster': 2, 'system:kube-aggregator': 1, 'system:kube-controller-manager': 11,
  'system:kube-dns': 1, 'system:kube-scheduler': 18, 'system:kubelet-api-admin': 3, 'system:monitoring': 1,
  'system:node': 22, 'system:node-bootstrapper': 1, 'system:node-problem-detector': 3, 'system:node-proxier': 4,
  'system:persistent-volume-provisioner': 5, 'system:public-info-viewer': 1, 'system:service-account-issuer-discovery': 1,
  'system:volume-scheduler': 3, 'view': null,
};

const CONTROLLER_ROLES: Record<string, number> = {
  'attachdetach-controller': 8, 'certificate-controller': 6, 'clusterrole-aggregation-controller': 1, 'cronjob-controller': 6,
  'daemon-set-controller': 8, 'deployment-controller': 6, 'disruption-controller': 9, 'endpoint-controller': 4,
  'endpointslice-controller': 4, 'endpointslicemirroring-controller': 5, 'ephemeral-volume-controller': 4, 'expand-controller': 5,
  'generic-garbage-collector': 2, 'horizontal-pod-autoscaler': 8, 'job-controller': 5, 'legacy-service-account-token-cleaner': 2,
  'namespace-controller': 3, 'node-controller': 5, 'persistent-volume-binder': 10, 'pod-garbage-collector': 3,
  'pv-protection-controller': 2, 'pvc-protection-controller': 3, 'replicaset-controller': 5, 'replication-controller': 5,
  'resourcequota-controller': 3, 'root-ca-cert-publisher': 2, 'route-controller': 3, 'selinux-warning-controller': 5,
  'service-account-controller': 2, 'service-cidrs-controller': 5, 'service-controller': 4, 'statefulset-controller': 10,
  'ttl-after-finished-controller': 2, 'ttl-controller': 2, 'validatingadmissionpolicy-status-controller': 3,
};

test('cluster roles: exactly the 1.33 default set plus one role per controller, with golden rule counts', () => {
  const expected = [...Object.keys(DEFAULT_ROLES), ...Object.keys(CONTROLLER_ROLES).map((c) => `system:controller:${c}`)].sort();
  assert.deepEqual(roles.map((r) => r.metadata.name).sort(), expected);
  assert.equal(roles.length, 31 + 35);
  for (const [name, count] of Object.entries(DEFAULT_ROLES)) assert.equal(role(name).rules?.length ?? null, count, name);
  for (const [name, count] of Object.entries(CONTROLLER_ROLES)) assert.equal(role(`system:controller:${name}`).rules?.length, count, name);
});

test('cluster roles: gated-off controllers of 1.33 are absent', () => {
  for (const c of ['resource-claim-controller', 'device-taint-eviction-controller', 'storage-version-garbage-collector', 'storage-version-migrator-controller',
    'volumeattributesclass-protection-controller', 'kube-apiserver-serving-clustertrustbundle-publisher', 'podcertificaterequestcleaner']) {
    assert.equal(roles.some((r) => r.metadata.name === `system:controller:${c}`), false, c);
  }
});

test('cluster roles: labels, annotations and aggregation rules as kube writes them', () => {
  for (const r of roles) {
    assert.equal(r.apiVersion, 'rbac.authorization.k8s.io/v1');
    assert.equal(r.kind, 'ClusterRole');
    assert.equal(r.metadata.labels?.['kubernetes.io/bootstrapping'], 'rbac-defaults', r.metadata.name);
    assert.deepEqual(r.metadata.annotations, { 'rbac.authorization.kubernetes.io/autoupdate': 'true' }, r.metadata.name);
  }
  const agg = (to: string) => ({ clusterRoleSelectors: [{ matchLabels: { [`rbac.authorization.k8s.io/aggregate-to-${to}`]: 'true' } }] });
  assert.deepEqual(role('admin').aggregationRule, agg('admin'));
  assert.deepEqual(role('edit').aggregationRule, agg('edit'));
  assert.deepEqual(role('view').aggregationRule, agg('view'));
  assert.equal(role('edit').metadata.labels?.['rbac.authorization.k8s.io/aggregate-to-admin'], 'true');
  assert.equal(role('view').metadata.labels?.['rbac.authorization.k8s.io/aggregate-to-edit'], 'true');
  assert.equal(role('system:aggregate-to-view').metadata.labels?.['rbac.authorization.k8s.io/aggregate-to-view'], 'true');
  assert.equal(roles.filter((r) => r.aggregationRule !== undefined).length, 3);
});

// Sample rules copied from the goldens, lists sorted as kube's rule builder sorts them.
const SAMPLES: readonly [string, number, PolicyRule][] = [
  ['system:discovery', 0, { nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'], verbs: ['get'] }],
  ['system:monitoring', 0, { nonResourceURLs: ['/healthz', '/healthz/*', '/livez', '/livez/*', '/metrics', '/metrics/slis', '/readyz', '/readyz/*'], verbs: ['get'] }],
  ['system:aggregate-to-edit', 4, { apiGroups: [''], resources: ['configmaps', 'events', 'persistentvolumeclaims', 'replicationcontrollers', 'replicationcontrollers/scale', 'secrets', 'serviceaccounts', 'services', 'services/proxy'], verbs: ['create', 'delete', 'deletecollection', 'patch', 'update'] }],
  ['system:aggregate-to-edit', 12, { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] }],
  ['system:aggregate-to-view', 4, { apiGroups: ['apps'], resources: ['controllerrevisions', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'replicasets', 'replicasets/scale', 'replicasets/status', 'statefulsets', 'statefulsets/scale', 'statefulsets/status'], verbs: ['get', 'list', 'watch'] }],
  ['system:certificates.k8s.io:kubelet-serving-approver', 0, { apiGroups: ['certificates.k8s.io'], resourceNames: ['kubernetes.io/kubelet-serving'], resources: ['signers'], verbs: ['approve'] }],
  ['system:heapster', 1, { apiGroups: ['extensions'], resources: ['deployments'], verbs: ['get', 'list', 'watch'] }],
  ['system:kube-controller-manager', 0, { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['create', 'patch', 'update'] }],
  ['system:kube-controller-manager', 2, { apiGroups: ['coordination.k8s.io'], resourceNames: ['kube-controller-manager'], resources: ['leases'], verbs: ['get', 'update'] }],
  ['system:kube-controller-manager', 5, { apiGroups: [''], resources: ['configmaps', 'namespaces', 'secrets', 'serviceaccounts'], verbs: ['get'] }],
  ['system:kube-controller-manager', 10, { apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] }],
  ['system:kube-scheduler', 5, { apiGroups: [''], resources: ['bindings', 'pods/binding'], verbs: ['create'] }],
  ['system:kube-scheduler', 8, { apiGroups: ['apps', 'extensions'], resources: ['replicasets'], verbs: ['get', 'list', 'watch'] }],
  ['system:kube-scheduler', 17, { apiGroups: ['storage.k8s.io'], resources: ['csistoragecapacities'], verbs: ['get', 'list', 'watch'] }],
  ['system:kubelet-api-admin', 2, { apiGroups: [''], resources: ['nodes/log', 'nodes/metrics', 'nodes/proxy', 'nodes/stats'], verbs: ['*'] }],
  ['system:node', 15, { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create', 'delete', 'get', 'patch', 'update'] }],
  ['system:node', 21, { apiGroups: ['node.k8s.io'], resources: ['runtimeclasses'], verbs: ['get', 'list', 'watch'] }],
  ['system:node-proxier', 1, { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] }],
  ['system:persistent-volume-provisioner', 3, { apiGroups: [''], resources: ['events'], verbs: ['watch'] }],
  ['system:volume-scheduler', 2, { apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: ['get', 'list', 'patch', 'update', 'watch'] }],
  ['system:controller:certificate-controller', 3, { apiGroups: ['certificates.k8s.io'], resourceNames: ['kubernetes.io/kube-apiserver-client', 'kubernetes.io/kube-apiserver-client-kubelet', 'kubernetes.io/kubelet-serving', 'kubernetes.io/legacy-unknown'], resources: ['signers'], verbs: ['sign'] }],
  ['system:controller:clusterrole-aggregation-controller', 0, { apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['escalate', 'get', 'list', 'patch', 'update', 'watch'] }],
  ['system:controller:daemon-set-controller', 0, { apiGroups: ['apps', 'extensions'], resources: ['daemonsets'], verbs: ['get', 'list', 'watch'] }],
  ['system:controller:disruption-controller', 7, { apiGroups: ['*'], resources: ['*/scale'], verbs: ['get'] }],
  ['system:controller:expand-controller', 4, { apiGroups: [''], resources: ['services'], verbs: ['get'] }],
  ['system:controller:horizontal-pod-autoscaler', 5, { apiGroups: ['custom.metrics.k8s.io'], resources: ['*'], verbs: ['get', 'list', 'watch'] }],
  ['system:controller:legacy-service-account-token-cleaner', 0, { apiGroups: [''], resourceNames: ['kube-apiserver-legacy-service-account-token-tracking'], resources: ['configmaps'], verbs: ['get'] }],
  ['system:controller:namespace-controller', 2, { apiGroups: ['*'], resources: ['*'], verbs: ['delete', 'deletecollection', 'get', 'list', 'watch'] }],
  ['system:controller:persistent-volume-binder', 8, { apiGroups: [''], resources: ['events'], verbs: ['watch'] }],
  ['system:controller:selinux-warning-controller', 0, { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['create', 'patch', 'update'] }],
  ['system:controller:service-cidrs-controller', 0, { apiGroups: ['networking.k8s.io'], resources: ['servicecidrs'], verbs: ['get', 'list', 'patch', 'update', 'watch'] }],
  ['system:controller:statefulset-controller', 7, { apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: ['delete', 'update'] }],
  ['system:controller:validatingadmissionpolicy-status-controller', 1, { apiGroups: ['admissionregistration.k8s.io'], resources: ['validatingadmissionpolicies/status'], verbs: ['get', 'patch', 'update'] }],
];

test('cluster roles: sample rules match the goldens exactly, in kube\'s order', () => {
  for (const [name, i, want] of SAMPLES) assert.deepEqual(ruleAt(name, i), want, `${name} rule ${i}`);
});

test('cluster roles: one controller role in full, as the golden lists it', () => {
  const ev = { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['create', 'patch', 'update'] };
  assert.deepEqual(role('system:controller:job-controller'), {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole',
    metadata: { name: 'system:controller:job-controller', labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' }, annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' } },
    rules: [
      { apiGroups: ['batch'], resources: ['jobs'], verbs: ['get', 'list', 'patch', 'update', 'watch'] },
      { apiGroups: ['batch'], resources: ['jobs/status'], verbs: ['update'] },
      { apiGroups: ['batch'], resources: ['jobs/finalizers'], verbs: ['update'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['create', 'delete', 'list', 'patch', 'watch'] },
      ev,
    ],
  });
});

test('every rule list is sorted and free of duplicates, as kube\'s rule builder leaves it', () => {
  const all = [...roles, ...ns.roles];
  for (const r of all) {
    for (const rule of r.rules ?? []) {
      for (const list of [rule.verbs, rule.apiGroups, rule.resources, rule.resourceNames, rule.nonResourceURLs]) {
        if (list === undefined) continue;
        assert.ok(list.length > 0, r.metadata.name);
        assert.deepEqual([...list], [...new Set(list)].sort(), `${r.metadata.name}: ${JSON.stringify(rule)}`);
      }
      assert.ok((rule.resources === undefined) !== (rule.nonResourceURLs === undefined), `${r.metadata.name}: a rule is either resource or non-resource`);
    }
  }
});

const g = (name: string): Subject => ({ kind: 'Group', apiGroup: RBAC, name });
const u = (name: string): Subject => ({ kind: 'User', apiGroup: RBAC, name });
const sa = (namespace: string, name: string): Subject => ({ kind: 'ServiceAccount', name, namespace });

test('cluster role bindings: the 1.33 defaults with their exact subjects', () => {
  const expected: Record<string, Subject[] | null> = {
    'cluster-admin': [g('system:masters')],
    'system:basic-user': [g('system:authenticated')],
    'system:discovery': [g('system:authenticated')],
    'system:kube-controller-manager': [u('system:kube-controller-manager')],
    'system:kube-dns': [sa('kube-system', 'kube-dns')],
    'system:kube-scheduler': [u('system:kube-scheduler')],
    'system:monitoring': [g('system:monitoring')],
    'system:node': null,
    'system:node-proxier': [u('system:kube-proxy')],
    'system:public-info-viewer': [g('system:authenticated'), g('system:unauthenticated')],
    'system:service-account-issuer-discovery': [g('system:serviceaccounts')],
    'system:volume-scheduler': [u('system:kube-scheduler')],
  };
  const defaults = bindings.filter((b) => !b.metadata.name.startsWith('system:controller:'));
  assert.deepEqual(defaults.map((b) => b.metadata.name), Object.keys(expected));
  for (const b of defaults) {
    assert.deepEqual(b.subjects, expected[b.metadata.name], b.metadata.name);
    assert.deepEqual(b.roleRef, { apiGroup: RBAC, kind: 'ClusterRole', name: b.metadata.name });
  }
  assert.equal(bindings.length, 12 + 35);
});

test('invariants: unique names, every roleRef resolves, bindings carry the bootstrap label and annotation', () => {
  assert.equal(new Set(roles.map((r) => r.metadata.name)).size, roles.length);
  assert.equal(new Set(bindings.map((b) => b.metadata.name)).size, bindings.length);
  const names = new Set(roles.map((r) => r.metadata.name));
  for (const b of bindings) {
    assert.equal(b.kind, 'ClusterRoleBinding');
    assert.ok(names.has(b.roleRef.name), `${b.metadata.name} → ${b.roleRef.name}`);
    assert.deepEqual(b.metadata.labels, { 'kubernetes.io/bootstrapping': 'rbac-defaults' });
    assert.deepEqual(b.metadata.annotations, { 'rbac.authorization.kubernetes.io/autoupdate': 'true' });
  }
});

test('invariants: every controller role has exactly one binding, to its kube-system ServiceAccount', () => {
  const controllers = roles.filter((r) => r.metadata.name.startsWith('system:controller:'));
  assert.equal(controllers.length, 35);
  for (const r of controllers) {
    const controller = r.metadata.name.slice('system:controller:'.length);
    const bound = bindings.filter((b) => b.roleRef.name === r.metadata.name);
    assert.equal(bound.length, 1, r.metadata.name);
    assert.equal(bound[0]!.metadata.name, r.metadata.name);
    assert.deepEqual(bound[0]!.subjects, [sa('kube-system', controller)]);
  }
});

test('namespaced policy: kube-system and kube-public roles with golden rules', () => {
  const key = (r: { metadata: { namespace?: string; name: string } }) => `${r.metadata.namespace}/${r.metadata.name}`;
  assert.deepEqual(ns.roles.map(key).sort(), [
    'kube-public/system:controller:bootstrap-signer',
    'kube-system/extension-apiserver-authentication-reader',
    'kube-system/system::leader-locking-kube-controller-manager',
    'kube-system/system::leader-locking-kube-scheduler',
    'kube-system/system:controller:bootstrap-signer',
    'kube-system/system:controller:cloud-provider',
    'kube-system/system:controller:token-cleaner',
  ]);
  const get = (k: string) => ns.roles.find((r) => key(r) === k)!;
  assert.deepEqual(get('kube-system/extension-apiserver-authentication-reader').rules, [
    { apiGroups: [''], resourceNames: ['extension-apiserver-authentication'], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] },
  ]);
  assert.deepEqual(get('kube-system/system::leader-locking-kube-controller-manager').rules, [
    { apiGroups: [''], resources: ['configmaps'], verbs: ['watch'] },
    { apiGroups: [''], resourceNames: ['kube-controller-manager'], resources: ['configmaps'], verbs: ['get', 'update'] },
    { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create', 'get', 'list', 'update', 'watch'] },
  ]);
  assert.deepEqual(get('kube-public/system:controller:bootstrap-signer').rules, [
    { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: [''], resourceNames: ['cluster-info'], resources: ['configmaps'], verbs: ['update'] },
    { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['create', 'patch', 'update'] },
  ]);
  for (const r of ns.roles) {
    assert.equal(r.kind, 'Role');
    assert.deepEqual(r.metadata.annotations, { 'rbac.authorization.kubernetes.io/autoupdate': 'true' });
    assert.deepEqual(r.metadata.labels, { 'kubernetes.io/bootstrapping': 'rbac-defaults' });
  }
});

test('namespaced policy: every RoleBinding names a Role in its own namespace, with kube\'s subjects', () => {
  const expected: Record<string, [string, Subject[]]> = {
    'kube-system/system::extension-apiserver-authentication-reader': ['extension-apiserver-authentication-reader', [u('system:kube-controller-manager'), u('system:kube-scheduler')]],
    'kube-system/system::leader-locking-kube-controller-manager': ['system::leader-locking-kube-controller-manager', [u('system:kube-controller-manager'), sa('kube-system', 'kube-controller-manager'), sa('kube-system', 'leader-election-controller')]],
    'kube-system/system::leader-locking-kube-scheduler': ['system::leader-locking-kube-scheduler', [u('system:kube-scheduler'), sa('kube-system', 'kube-scheduler')]],
    'kube-system/system:controller:bootstrap-signer': ['system:controller:bootstrap-signer', [sa('kube-system', 'bootstrap-signer')]],
    'kube-system/system:controller:cloud-provider': ['system:controller:cloud-provider', [sa('kube-system', 'cloud-provider')]],
    'kube-system/system:controller:token-cleaner': ['system:controller:token-cleaner', [sa('kube-system', 'token-cleaner')]],
    'kube-public/system:controller:bootstrap-signer': ['system:controller:bootstrap-signer', [sa('kube-system', 'bootstrap-signer')]],
  };
  const key = (b: RoleBinding) => `${b.metadata.namespace}/${b.metadata.name}`;
  assert.deepEqual(ns.roleBindings.map(key).sort(), Object.keys(expected).sort());
  for (const b of ns.roleBindings) {
    const [roleName, subjects] = expected[key(b)]!;
    assert.deepEqual(b.roleRef, { apiGroup: RBAC, kind: 'Role', name: roleName });
    assert.deepEqual(b.subjects, subjects, key(b));
    assert.ok(ns.roles.some((r) => r.metadata.namespace === b.metadata.namespace && r.metadata.name === roleName), key(b));
  }
  // Each call builds fresh objects: callers may not mutate shared state.
  assert.notEqual(bootstrapNamespacedPolicy().roles, ns.roles);
});

test('the policy authorizes what kube components do, and not more', async () => {
  const a = rbacAuthorizer(staticSource({ clusterRoles: roles, clusterRoleBindings: bindings, roles: ns.roles, roleBindings: ns.roleBindings }));
  const saUser = (name: string) => userInfo(`system:serviceaccount:kube-system:${name}`, { groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'] });
  const cases: readonly [ReturnType<typeof userInfo>, Parameters<typeof attributes>[1], string][] = [
    [saUser('namespace-controller'), { verb: 'deletecollection', apiGroup: 'apps', resource: 'deployments', namespace: 'gone' }, 'Allow'],
    [saUser('namespace-controller'), { verb: 'create', resource: 'pods', namespace: 'x' }, 'NoOpinion'],
    [saUser('job-controller'), { verb: 'create', resource: 'pods', namespace: 'x' }, 'Allow'],
    [saUser('job-controller'), { verb: 'get', resource: 'secrets', namespace: 'x' }, 'NoOpinion'],
    [saUser('disruption-controller'), { verb: 'get', apiGroup: 'example.com', resource: 'widgets', subresource: 'scale', namespace: 'x' }, 'Allow'],
    [userInfo('system:kube-scheduler'), { verb: 'create', resource: 'pods', subresource: 'binding', namespace: 'x' }, 'Allow'],
    [userInfo('system:kube-scheduler'), { verb: 'update', resource: 'configmaps', name: 'kube-scheduler', namespace: 'kube-system' }, 'Allow'],
    [userInfo('system:kube-scheduler'), { verb: 'update', resource: 'configmaps', name: 'other', namespace: 'kube-system' }, 'NoOpinion'],
    [saUser('bootstrap-signer'), { verb: 'update', resource: 'configmaps', name: 'cluster-info', namespace: 'kube-public' }, 'Allow'],
    [saUser('bootstrap-signer'), { verb: 'update', resource: 'configmaps', name: 'cluster-info', namespace: 'default' }, 'NoOpinion'],
    [userInfo('system:kube-controller-manager'), { verb: 'update', apiGroup: 'coordination.k8s.io', resource: 'leases', name: 'kube-controller-manager', namespace: 'kube-system' }, 'Allow'],
    [userInfo('system:kube-controller-manager'), { verb: 'update', apiGroup: 'coordination.k8s.io', resource: 'leases', name: 'kube-scheduler', namespace: 'default' }, 'NoOpinion'],
  ];
  for (const [who, attrs, want] of cases) {
    const d = await a.authorize(attributes(who, attrs));
    assert.equal(d.decision, want, `${who.name} ${JSON.stringify(attrs)}`);
  }
});

test('reconcile: an empty cluster gets every cluster-scoped object created; the full policy is a fixed point', () => {
  const actions = reconcileBootstrapPolicy({ clusterRoles: [], clusterRoleBindings: [] });
  assert.equal(actions.length, 66 + 47);
  assert.ok(actions.every((x) => x.op === 'create'));
  assert.deepEqual(reconcileBootstrapPolicy({ clusterRoles: roles, clusterRoleBindings: bindings }), []);
});
