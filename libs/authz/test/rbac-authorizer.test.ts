import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attributes, rbacAuthorizer, userInfo, ruleAllows, type PolicyRule, type Attributes } from '../src/index.ts';
import { crb, rb, staticSource } from './fixtures.ts';

const alice = userInfo('alice', { groups: ['devs', 'system:authenticated'] });

const matchCases: { name: string; rule: PolicyRule; attrs: Partial<Omit<Attributes, 'user'>>; want: boolean }[] = [
  { name: 'exact', rule: { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, attrs: { verb: 'get', resource: 'pods', namespace: 'ns' }, want: true },
  { name: 'wrong verb', rule: { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, attrs: { verb: 'list', resource: 'pods' }, want: false },
  { name: 'wrong group', rule: { verbs: ['get'], apiGroups: ['apps'], resources: ['pods'] }, attrs: { verb: 'get', resource: 'pods' }, want: false },
  { name: 'verb *', rule: { verbs: ['*'], apiGroups: [''], resources: ['pods'] }, attrs: { verb: 'delete', resource: 'pods' }, want: true },
  { name: 'group *', rule: { verbs: ['get'], apiGroups: ['*'], resources: ['deployments'] }, attrs: { verb: 'get', apiGroup: 'apps', resource: 'deployments' }, want: true },
  { name: 'resource * covers subresource', rule: { verbs: ['get'], apiGroups: [''], resources: ['*'] }, attrs: { verb: 'get', resource: 'pods', subresource: 'log' }, want: true },
  { name: 'pods does not cover pods/log', rule: { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, attrs: { verb: 'get', resource: 'pods', subresource: 'log' }, want: false },
  { name: 'pods/log exact', rule: { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }, attrs: { verb: 'get', resource: 'pods', subresource: 'log' }, want: true },
  { name: '*/status', rule: { verbs: ['update'], apiGroups: ['*'], resources: ['*/status'] }, attrs: { verb: 'update', apiGroup: 'apps', resource: 'deployments', subresource: 'status' }, want: true },
  { name: '*/status not the parent', rule: { verbs: ['update'], apiGroups: ['*'], resources: ['*/status'] }, attrs: { verb: 'update', resource: 'pods' }, want: false },
  { name: '*/status not */scale', rule: { verbs: ['update'], apiGroups: ['*'], resources: ['*/status'] }, attrs: { verb: 'update', resource: 'pods', subresource: 'scale' }, want: false },
  { name: 'resourceNames match', rule: { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }, attrs: { verb: 'get', resource: 'configmaps', name: 'a' }, want: true },
  { name: 'resourceNames other name', rule: { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }, attrs: { verb: 'get', resource: 'configmaps', name: 'b' }, want: false },
  { name: 'resourceNames with list (no name)', rule: { verbs: ['list'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }, attrs: { verb: 'list', resource: 'configmaps' }, want: false },
  { name: 'url exact', rule: { verbs: ['get'], nonResourceURLs: ['/healthz'] }, attrs: { verb: 'get', resourceRequest: false, path: '/healthz' }, want: true },
  { name: 'url prefix', rule: { verbs: ['get'], nonResourceURLs: ['/apis/*'] }, attrs: { verb: 'get', resourceRequest: false, path: '/apis/apps/v1' }, want: true },
  { name: 'url prefix excludes parent', rule: { verbs: ['get'], nonResourceURLs: ['/apis/*'] }, attrs: { verb: 'get', resourceRequest: false, path: '/apis' }, want: false },
  { name: 'url *', rule: { verbs: ['*'], nonResourceURLs: ['*'] }, attrs: { verb: 'post', resourceRequest: false, path: '/x' }, want: true },
  { name: 'url rule does not allow resources', rule: { verbs: ['*'], nonResourceURLs: ['*'] }, attrs: { verb: 'get', resource: 'pods' }, want: false },
  { name: 'resource rule does not allow urls', rule: { verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, attrs: { verb: 'get', resourceRequest: false, path: '/healthz' }, want: false },
  { name: 'empty rule allows nothing', rule: {}, attrs: { verb: 'get', resource: 'pods' }, want: false },
];

for (const c of matchCases) {
  test(`ruleAllows: ${c.name}`, () => {
    assert.equal(ruleAllows(attributes(alice, c.attrs), c.rule), c.want);
  });
}

const reader = { metadata: { name: 'pod-reader' }, rules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }] };

test('allow reason names the ClusterRoleBinding and subject', async () => {
  const a = rbacAuthorizer(staticSource({ clusterRoles: [reader], clusterRoleBindings: [crb('readers', 'pod-reader', [{ kind: 'Group', name: 'devs' }])] }));
  const d = await a.authorize(attributes(alice, { verb: 'get', resource: 'pods', namespace: 'x' }));
  assert.deepEqual(d, { decision: 'Allow', reason: 'RBAC: allowed by ClusterRoleBinding "readers" of ClusterRole "pod-reader" to Group "devs"' });
});

test('allow reason for a RoleBinding names binding/ns and the service account', async () => {
  const src = staticSource({
    roles: [{ metadata: { name: 'r', namespace: 'team' }, rules: [{ verbs: ['create'], apiGroups: ['apps'], resources: ['deployments'] }] }],
    roleBindings: [rb('team', 'b', 'Role', 'r', [{ kind: 'ServiceAccount', name: 'deployer' }])],
  });
  const sa = userInfo('system:serviceaccount:team:deployer', { groups: ['system:serviceaccounts', 'system:serviceaccounts:team'] });
  const d = await rbacAuthorizer(src).authorize(attributes(sa, { verb: 'create', apiGroup: 'apps', resource: 'deployments', namespace: 'team' }));
  assert.equal(d.reason, 'RBAC: allowed by RoleBinding "b/team" of Role "r" to ServiceAccount "deployer/team"');
  const other = await rbacAuthorizer(src).authorize(attributes(sa, { verb: 'create', apiGroup: 'apps', resource: 'deployments', namespace: 'other' }));
  assert.deepEqual(other, { decision: 'NoOpinion', reason: '' });
});

test('deny by default: no bindings is NoOpinion with empty reason', async () => {
  const d = await rbacAuthorizer(staticSource({})).authorize(attributes(alice, { verb: 'get', resource: 'pods' }));
  assert.deepEqual(d, { decision: 'NoOpinion', reason: '' });
});

test('a RoleBinding grants only in its namespace; a ClusterRoleBinding everywhere', async () => {
  const src = staticSource({ clusterRoles: [reader], roleBindings: [rb('a', 'x', 'ClusterRole', 'pod-reader', [{ kind: 'User', name: 'alice' }])] });
  const a = rbacAuthorizer(src);
  assert.equal((await a.authorize(attributes(alice, { verb: 'get', resource: 'pods', namespace: 'a' }))).decision, 'Allow');
  assert.equal((await a.authorize(attributes(alice, { verb: 'get', resource: 'pods', namespace: 'b' }))).decision, 'NoOpinion');
  assert.equal((await a.authorize(attributes(alice, { verb: 'get', resource: 'pods' }))).decision, 'NoOpinion');
});

test('missing roles are resolution errors in the reason, in kube wording', async () => {
  const src = staticSource({
    clusterRoleBindings: [crb('x', 'gone', [{ kind: 'User', name: 'alice' }])],
    roleBindings: [rb('ns', 'y', 'Role', 'missing', [{ kind: 'User', name: 'alice' }])],
  });
  const d = await rbacAuthorizer(src).authorize(attributes(alice, { verb: 'get', resource: 'pods', namespace: 'ns' }));
  assert.equal(d.decision, 'NoOpinion');
  assert.equal(d.reason, 'RBAC: [clusterrole.rbac.authorization.k8s.io "gone" not found, role.rbac.authorization.k8s.io "missing" not found]');
});

test('a failing source is reported, other bindings still count', async () => {
  const src = { ...staticSource({ clusterRoles: [reader], clusterRoleBindings: [crb('r', 'pod-reader', [{ kind: 'User', name: 'alice' }])] }), roleBindings: () => { throw new Error('cache not synced'); } };
  const a = rbacAuthorizer(src);
  assert.equal((await a.authorize(attributes(alice, { verb: 'get', resource: 'pods', namespace: 'n' }))).decision, 'Allow');
  assert.equal((await a.authorize(attributes(alice, { verb: 'delete', resource: 'pods', namespace: 'n' }))).reason, 'RBAC: cache not synced');
});

test('subjects: SA without namespace in a ClusterRoleBinding matches nobody; unknown kinds match nobody', async () => {
  const sa = userInfo('system:serviceaccount:default:x');
  const src = staticSource({ clusterRoles: [reader], clusterRoleBindings: [crb('b', 'pod-reader', [{ kind: 'ServiceAccount', name: 'x' }, { kind: 'Robot', name: 'system:serviceaccount:default:x' }])] });
  assert.equal((await rbacAuthorizer(src).authorize(attributes(sa, { verb: 'get', resource: 'pods' }))).decision, 'NoOpinion');
});

test('aggregation: rules come from labelled ClusterRoles, nested, and follow label changes', async () => {
  const agg = { metadata: { name: 'agg' }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'x/agg': 'true' } }] }, rules: [{ verbs: ['stale'], apiGroups: [''], resources: ['stale'] }] };
  const mid = { metadata: { name: 'mid', labels: { 'x/agg': 'true' } }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'x/mid': 'true' } }] }, rules: null };
  const leaf = { metadata: { name: 'leaf', labels: { 'x/mid': 'true' } }, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }] };
  const bind = [crb('b', 'agg', [{ kind: 'User', name: 'alice' }])];
  const a = rbacAuthorizer(staticSource({ clusterRoles: [agg, mid, leaf], clusterRoleBindings: bind }));
  assert.equal((await a.authorize(attributes(alice, { verb: 'get', resource: 'secrets' }))).decision, 'Allow');
  assert.equal((await a.authorize(attributes(alice, { verb: 'stale', resource: 'stale' }))).decision, 'NoOpinion');
  const unlabelled = { ...leaf, metadata: { name: 'leaf' } };
  const b = rbacAuthorizer(staticSource({ clusterRoles: [agg, mid, unlabelled], clusterRoleBindings: bind }));
  assert.equal((await b.authorize(attributes(alice, { verb: 'get', resource: 'secrets' }))).decision, 'NoOpinion');
});

test('aggregation cycles terminate', async () => {
  const a1 = { metadata: { name: 'a1', labels: { c: '1' } }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { c: '2' } }] }, rules: [] };
  const a2 = { metadata: { name: 'a2', labels: { c: '2' } }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { c: '1' } }] }, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['x'] }] };
  const a = rbacAuthorizer(staticSource({ clusterRoles: [a1, a2], clusterRoleBindings: [crb('b', 'a1', [{ kind: 'User', name: 'alice' }])] }));
  assert.equal((await a.authorize(attributes(alice, { verb: 'get', resource: 'x' }))).decision, 'NoOpinion');
});

test('rulesFor splits resource and non-resource rules', async () => {
  const role = { metadata: { name: 'r' }, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }, { verbs: ['get'], nonResourceURLs: ['/healthz'] }] };
  const res = await rbacAuthorizer(staticSource({ clusterRoles: [role], clusterRoleBindings: [crb('b', 'r', [{ kind: 'User', name: 'alice' }])] })).rulesFor(alice, 'default');
  assert.deepEqual(res, {
    resourceRules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: [] }],
    nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }],
    incomplete: false,
  });
});
