import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '@logbook/apimachinery';
import {
  localSubjectAccessReview, rbacAuthorizer, selfSubjectAccessReview, selfSubjectRulesReview, subjectAccessReview, unionAuthorizer, userInfo, type Authorizer,
} from '../src/index.ts';
import { crb, rb, staticSource } from './fixtures.ts';

const src = staticSource({
  clusterRoles: [{ metadata: { name: 'reader' }, rules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }, { verbs: ['get'], nonResourceURLs: ['/healthz'] }] }],
  clusterRoleBindings: [crb('readers', 'reader', [{ kind: 'Group', name: 'devs' }])],
  roleBindings: [rb('team', 'tb', 'ClusterRole', 'reader', [{ kind: 'User', name: 'bob' }])],
});
const rbac = rbacAuthorizer(src);
const alice = userInfo('alice', { groups: ['devs'] });

// kubectl auth can-i create pods: the body kubectl 1.27 sends.
const kubectlBody = (verb: string, resource: string) => ({
  kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null },
  spec: { resourceAttributes: { namespace: 'default', verb, group: '', resource, subresource: '', name: '' } }, status: { allowed: false },
});

test('SSAR allowed: spec re-encoded without empty fields, status filled', async () => {
  const r = await selfSubjectAccessReview(kubectlBody('list', 'pods'), alice, rbac);
  assert.deepEqual(r, {
    kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null },
    spec: { resourceAttributes: { namespace: 'default', verb: 'list', resource: 'pods' } },
    status: { allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "readers" of ClusterRole "reader" to Group "devs"' },
  });
});

test('SSAR not allowed: status {allowed:false} only', async () => {
  const r = await selfSubjectAccessReview(kubectlBody('create', 'pods'), alice, rbac);
  assert.deepEqual(r.status, { allowed: false });
});

test('SSAR non-resource (kubectl auth can-i get /healthz)', async () => {
  const r = await selfSubjectAccessReview({ spec: { nonResourceAttributes: { path: '/healthz', verb: 'get' } } }, alice, rbac);
  assert.equal(r.status.allowed, true);
});

test('SSAR with a Deny decision sets denied', async () => {
  const deny: Authorizer = { authorize: () => Promise.resolve({ decision: 'Deny', reason: 'nope' }) };
  const r = await selfSubjectAccessReview(kubectlBody('get', 'pods'), alice, unionAuthorizer([deny, rbac]));
  assert.deepEqual(r.status, { allowed: false, denied: true, reason: 'nope' });
});

const invalidCases: { name: string; body: unknown; message: string }[] = [
  { name: 'neither attributes', body: { spec: {} }, message: '.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: null: exactly one of nonResourceAttributes or resourceAttributes must be specified' },
  { name: 'both attributes', body: { spec: { resourceAttributes: { verb: 'get' }, nonResourceAttributes: { path: '/x', verb: 'get' } } }, message: '.authorization.k8s.io "" is invalid: spec.nonResourceAttributes: Invalid value: {"path":"/x","verb":"get"}: cannot be specified in combination with resourceAttributes' },
  { name: 'metadata set', body: { metadata: { name: 'x' }, spec: { resourceAttributes: { verb: 'get' } } }, message: '.authorization.k8s.io "" is invalid: metadata: Invalid value: {"name":"x"}: must be empty' },
  { name: 'selector both raw and requirements', body: { spec: { resourceAttributes: { verb: 'list', labelSelector: { rawSelector: 'a=b', requirements: [{ key: 'a', operator: 'Exists' }] } } } }, message: '.authorization.k8s.io "" is invalid: spec.resourceAttributes.labelSelector.rawSelector: Invalid value: "a=b": may not specified at the same time as requirements' },
];

for (const c of invalidCases) {
  test(`SSAR invalid: ${c.name}`, async () => {
    await assert.rejects(selfSubjectAccessReview(c.body, alice, rbac), (e: unknown) => e instanceof StatusError && e.code === 422 && e.status.message === c.message);
  });
}

test('SSAR bad JSON types are 400 with kube\'s decode message', async () => {
  await assert.rejects(selfSubjectAccessReview({ spec: { resourceAttributes: { verb: 3 } } }, alice, rbac), (e: unknown) =>
    e instanceof StatusError && e.code === 400 && e.status.message.includes('cannot unmarshal number into Go struct field ResourceAttributes.spec.resourceAttributes.verb of type string'));
  await assert.rejects(selfSubjectAccessReview('nope', alice, rbac), (e: unknown) => e instanceof StatusError && e.code === 400);
});

test('SSAR unparsable raw selector is reported in evaluationError, decision still made', async () => {
  const r = await selfSubjectAccessReview({ spec: { resourceAttributes: { verb: 'list', resource: 'pods', labelSelector: { rawSelector: '!!' } } } }, alice, rbac);
  assert.deepEqual(r.status, { allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "readers" of ClusterRole "reader" to Group "devs"', evaluationError: 'spec.resourceAttributes.labelSelector ignored due to parse error' });
});

test('SAR evaluates spec.user/groups and requires one of them', async () => {
  const ok = await subjectAccessReview({ spec: { user: 'x', groups: ['devs'], resourceAttributes: { verb: 'get', resource: 'pods' } } }, rbac);
  assert.equal(ok.status.allowed, true);
  assert.deepEqual(ok.spec, { user: 'x', groups: ['devs'], resourceAttributes: { verb: 'get', resource: 'pods' } });
  await assert.rejects(subjectAccessReview({ spec: { resourceAttributes: { verb: 'get' } } }, rbac), (e: unknown) =>
    e instanceof StatusError && e.status.message === '.authorization.k8s.io "" is invalid: spec.user: Invalid value: "": at least one of user or group must be specified');
});

test('LSAR: namespace rules', async () => {
  const body = (ns: string | undefined, attrNs: string) => ({ metadata: ns === undefined ? {} : { namespace: ns }, spec: { user: 'bob', resourceAttributes: { namespace: attrNs, verb: 'get', resource: 'pods' } } });
  const ok = await localSubjectAccessReview(body(undefined, 'team'), 'team', rbac);
  assert.equal(ok.status.allowed, true);
  assert.deepEqual(ok.metadata, { namespace: 'team', creationTimestamp: null });
  await assert.rejects(localSubjectAccessReview(body('other', 'team'), 'team', rbac), (e: unknown) =>
    e instanceof StatusError && e.code === 400 && e.status.message === 'the namespace of the provided object does not match the namespace sent on the request');
  await assert.rejects(localSubjectAccessReview(body(undefined, 'elsewhere'), 'team', rbac), (e: unknown) =>
    e instanceof StatusError && e.code === 422 && e.status.message === '.authorization.k8s.io "" is invalid: spec.resourceAttributes.namespace: Invalid value: "elsewhere": must match metadata.namespace');
  await assert.rejects(localSubjectAccessReview({ spec: { user: 'bob', nonResourceAttributes: { path: '/x', verb: 'get' } } }, 'team', rbac), (e: unknown) =>
    e instanceof StatusError && e.status.message.includes('spec.nonResourceAttributes: Invalid value: {"path":"/x","verb":"get"}: disallowed on this kind of request'));
});

test('SSRR lists the caller\'s rules; needs a namespace', async () => {
  const r = await selfSubjectRulesReview({ spec: { namespace: 'team' } }, userInfo('bob'), rbac);
  assert.deepEqual(r, {
    kind: 'SelfSubjectRulesReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec: {},
    status: {
      resourceRules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }],
      nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }],
      incomplete: false,
    },
  });
  const none = await selfSubjectRulesReview({ spec: { namespace: 'elsewhere' } }, userInfo('bob'), rbac);
  assert.deepEqual(none.status, { resourceRules: [], nonResourceRules: [], incomplete: false });
  await assert.rejects(selfSubjectRulesReview({ spec: {} }, userInfo('bob'), rbac), (e: unknown) => e instanceof StatusError && e.code === 400 && e.status.message === 'no namespace on request');
});
