import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '@logbook/apimachinery';
import {
  attributes, bootstrapPolicy, buildAuthorizerChain, checkBindingWrite, checkRoleWrite, confirmNoEscalation, rbacAuthorizer, reconcileBootstrapPolicy, userInfo,
  type ClusterRole, type RbacWriteContext,
} from '../src/index.ts';
import { crb, staticSource } from './fixtures.ts';

const policy = bootstrapPolicy();
const objects = {
  clusterRoles: [...policy.clusterRoles, { metadata: { name: 'pod-reader' }, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }] }],
  clusterRoleBindings: [...policy.clusterRoleBindings, crb('bob-reads', 'pod-reader', [{ kind: 'User', name: 'bob' }])],
};
const source = staticSource(objects);
const chain = buildAuthorizerChain(['RBAC'], { rbacSource: source });
const bob = userInfo('bob', { groups: ['system:authenticated'] });
const ctx = (user = bob): RbacWriteContext => ({ user, authorizer: chain.authorizer, resolver: chain.rbac!.resolver });

test('bootstrap policy: admin/edit/view aggregate; discovery and basic-user for everyone', async () => {
  const a = rbacAuthorizer(source);
  const viewer = staticSource({ ...objects, clusterRoleBindings: [...objects.clusterRoleBindings, crb('v', 'view', [{ kind: 'User', name: 'v' }]), crb('e', 'edit', [{ kind: 'User', name: 'e' }]), crb('ad', 'admin', [{ kind: 'User', name: 'ad' }])] });
  const b = rbacAuthorizer(viewer);
  assert.equal((await b.authorize(attributes(userInfo('v'), { verb: 'list', resource: 'pods', namespace: 'x' }))).decision, 'Allow');
  assert.equal((await b.authorize(attributes(userInfo('v'), { verb: 'get', resource: 'secrets', namespace: 'x' }))).decision, 'NoOpinion');
  assert.equal((await b.authorize(attributes(userInfo('e'), { verb: 'get', resource: 'secrets', namespace: 'x' }))).decision, 'Allow');
  assert.equal((await b.authorize(attributes(userInfo('e'), { verb: 'create', apiGroup: 'rbac.authorization.k8s.io', resource: 'roles', namespace: 'x' }))).decision, 'NoOpinion');
  assert.equal((await b.authorize(attributes(userInfo('ad'), { verb: 'create', apiGroup: 'rbac.authorization.k8s.io', resource: 'roles', namespace: 'x' }))).decision, 'Allow');
  const d = await a.authorize(attributes(bob, { verb: 'get', resourceRequest: false, path: '/apis/apps/v1' }));
  assert.equal(d.reason, 'RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"');
  const anon = userInfo('system:anonymous', { groups: ['system:unauthenticated'] });
  assert.equal((await a.authorize(attributes(anon, { verb: 'get', resourceRequest: false, path: '/version' }))).decision, 'Allow');
  assert.equal((await a.authorize(attributes(anon, { verb: 'get', resourceRequest: false, path: '/api' }))).decision, 'NoOpinion');
});

test('confirmNoEscalation: covered rules pass; uncovered ones give kube\'s message, compacted and sorted', async () => {
  await confirmNoEscalation(bob, [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }], '', chain.rbac!.resolver);
  await assert.rejects(confirmNoEscalation(bob, [{ verbs: ['get', 'list', 'delete'], apiGroups: [''], resources: ['pods', 'secrets'] }], '', chain.rbac!.resolver), {
    code: 'Escalation',
    message: 'user "bob" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
      '{APIGroups:[""], Resources:["pods"], Verbs:["list" "delete"]}\n{APIGroups:[""], Resources:["secrets"], Verbs:["get" "list" "delete"]}',
  });
});

test('checkRoleWrite: 403 for escalation, allowed for system:masters and for holders of escalate', async () => {
  const role = { metadata: { name: 'r', namespace: 'ns' }, rules: [{ verbs: ['delete'], apiGroups: [''], resources: ['pods'] }] };
  await assert.rejects(checkRoleWrite(ctx(), { resource: 'roles', namespace: 'ns', requestName: '', object: role }), (e: unknown) =>
    e instanceof StatusError && e.code === 403 && e.status.message.startsWith('roles.rbac.authorization.k8s.io "r" is forbidden: user "bob" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}'));
  await checkRoleWrite(ctx(userInfo('root', { groups: ['system:masters'] })), { resource: 'roles', namespace: 'ns', requestName: '', object: role });
  const withEscalate = staticSource({ ...objects, clusterRoles: [...objects.clusterRoles, { metadata: { name: 'esc' }, rules: [{ verbs: ['escalate'], apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'] }] }], clusterRoleBindings: [...objects.clusterRoleBindings, crb('esc', 'esc', [{ kind: 'User', name: 'bob' }])] });
  const c2 = buildAuthorizerChain(['RBAC'], { rbacSource: withEscalate });
  await checkRoleWrite({ user: bob, authorizer: c2.authorizer, resolver: c2.rbac!.resolver }, { resource: 'roles', namespace: 'ns', requestName: '', object: role });
});

test('checkRoleWrite: aggregationRule needs full authority; GC-only updates pass', async () => {
  const agg: ClusterRole = { metadata: { name: 'a' }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { x: 'y' } }] }, rules: [] };
  await assert.rejects(checkRoleWrite(ctx(), { resource: 'clusterroles', namespace: '', requestName: '', object: agg }), (e: unknown) =>
    e instanceof StatusError && e.status.message === 'clusterroles.rbac.authorization.k8s.io "a" is forbidden: must have cluster-admin privileges to use the aggregationRule');
  const big: ClusterRole = { metadata: { name: 'big' }, rules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }] };
  const withOwner = { ...big, metadata: { ...big.metadata, ownerReferences: [{ uid: '1' }], finalizers: ['f'] } };
  await checkRoleWrite(ctx(), { resource: 'clusterroles', namespace: '', requestName: 'big', object: withOwner, oldObject: big });
  await assert.rejects(checkRoleWrite(ctx(), { resource: 'clusterroles', namespace: '', requestName: 'big', object: { ...withOwner, metadata: { ...withOwner.metadata, labels: { a: 'b' } } }, oldObject: big }), { code: 403 });
});

test('checkBindingWrite: binding a role you hold is fine; one you do not is 403; missing role is 404; bind verb suffices', async () => {
  const binding = (role: string) => ({ metadata: { name: 'b', namespace: 'ns' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role }, subjects: [{ kind: 'User', name: 'eve' }] });
  await checkBindingWrite(ctx(), { resource: 'rolebindings', namespace: 'ns', object: binding('pod-reader') });
  await assert.rejects(checkBindingWrite(ctx(), { resource: 'rolebindings', namespace: 'ns', object: binding('cluster-admin') }), (e: unknown) =>
    e instanceof StatusError && e.code === 403 && e.status.message.startsWith('rolebindings.rbac.authorization.k8s.io "b" is forbidden: user "bob"'));
  await assert.rejects(checkBindingWrite(ctx(), { resource: 'rolebindings', namespace: 'ns', object: binding('nope') }), (e: unknown) =>
    e instanceof StatusError && e.code === 404 && e.status.message === 'clusterroles.rbac.authorization.k8s.io "nope" not found');
  const withBind = staticSource({ ...objects, clusterRoles: [...objects.clusterRoles, { metadata: { name: 'binder' }, rules: [{ verbs: ['bind'], apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], resourceNames: ['cluster-admin'] }] }], clusterRoleBindings: [...objects.clusterRoleBindings, crb('binder', 'binder', [{ kind: 'User', name: 'bob' }])] });
  const c2 = buildAuthorizerChain(['RBAC'], { rbacSource: withBind });
  await checkBindingWrite({ user: bob, authorizer: c2.authorizer, resolver: c2.rbac!.resolver }, { resource: 'rolebindings', namespace: 'ns', object: binding('cluster-admin') });
});

const byName = <T extends { metadata: { name: string } }>(list: readonly T[], name: string): T => {
  const found = list.find((x) => x.metadata.name === name);
  assert.ok(found !== undefined, name);
  return found;
};

test('reconcile: empty cluster creates everything; an up-to-date cluster needs nothing', () => {
  const actions = reconcileBootstrapPolicy({ clusterRoles: [], clusterRoleBindings: [] });
  assert.equal(actions.filter((a) => a.op === 'create').length, policy.clusterRoles.length + policy.clusterRoleBindings.length);
  assert.deepEqual(reconcileBootstrapPolicy(policy), []);
});

test('reconcile: a removed rule is put back, user-added rules and labels are kept', () => {
  const view = byName(policy.clusterRoles, 'system:aggregate-to-view');
  const userRule = { verbs: ['get'], apiGroups: ['example.com'], resources: ['widgets'] };
  const edited: ClusterRole = { ...view, metadata: { ...view.metadata, labels: { mine: 'yes' } }, rules: [...(view.rules ?? []).slice(1), userRule] };
  const actions = reconcileBootstrapPolicy({ clusterRoles: policy.clusterRoles.map((r) => (r.metadata.name === view.metadata.name ? edited : r)), clusterRoleBindings: policy.clusterRoleBindings });
  assert.equal(actions.length, 1);
  const a = actions[0]!;
  assert.equal(a.op, 'update');
  const updated = a.object as ClusterRole;
  assert.deepEqual(updated.metadata.labels, { 'kubernetes.io/bootstrapping': 'rbac-defaults', 'rbac.authorization.k8s.io/aggregate-to-view': 'true', mine: 'yes' });
  assert.ok(updated.rules?.some((r) => r.apiGroups?.[0] === 'example.com'));
  const a2 = reconcileBootstrapPolicy({ clusterRoles: policy.clusterRoles.map((r) => (r.metadata.name === view.metadata.name ? updated : r)), clusterRoleBindings: policy.clusterRoleBindings });
  assert.deepEqual(a2, []);
});

test('reconcile: autoupdate=false leaves role and binding untouched; missing subjects are added; changed roleRef recreates', () => {
  const ca = byName(policy.clusterRoles, 'cluster-admin');
  const prot: ClusterRole = { ...ca, metadata: { ...ca.metadata, annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'false' } }, rules: [] };
  const disc = byName(policy.clusterRoleBindings, 'system:public-info-viewer');
  const fewer = { ...disc, subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:authenticated' }, { kind: 'User', name: 'extra' }] };
  const moved = { ...byName(policy.clusterRoleBindings, 'system:monitoring'), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' } };
  const protBinding = { ...byName(policy.clusterRoleBindings, 'cluster-admin'), metadata: { name: 'cluster-admin', annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'false' } }, subjects: [] };
  const actions = reconcileBootstrapPolicy({
    clusterRoles: policy.clusterRoles.map((r) => (r.metadata.name === 'cluster-admin' ? prot : r)),
    clusterRoleBindings: policy.clusterRoleBindings.map((b) => (b.metadata.name === disc.metadata.name ? fewer : b.metadata.name === 'system:monitoring' ? moved : b.metadata.name === 'cluster-admin' ? protBinding : b)),
  });
  assert.deepEqual(actions.map((a) => `${a.op} ${a.kind} ${a.object.metadata.name}`), ['recreate ClusterRoleBinding system:monitoring', 'update ClusterRoleBinding system:public-info-viewer']);
  const upd = actions[1]!.object;
  assert.deepEqual((upd as typeof fewer).subjects.map((s) => s.name), ['system:authenticated', 'extra', 'system:unauthenticated']);
});
