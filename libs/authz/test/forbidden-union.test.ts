import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  alwaysAllowAuthorizer, alwaysDenyAuthorizer, attributes, buildAuthorizerChain, forbiddenError, forbiddenMessage, parseAuthorizationModes,
  unionAuthorizer, userInfo, type Authorizer, type Decision,
} from '../src/index.ts';
import { staticSource } from './fixtures.ts';

const u = userInfo('u');

const forms: { name: string; attrs: Parameters<typeof attributes>[1]; reason: string; want: string }[] = [
  { name: 'namespaced, named', attrs: { verb: 'get', resource: 'pods', name: 'x', namespace: 'ns' }, reason: '', want: 'pods "x" is forbidden: User "u" cannot get resource "pods" in API group "" in the namespace "ns"' },
  { name: 'namespaced list', attrs: { verb: 'list', apiGroup: 'apps', resource: 'deployments', namespace: 'ns' }, reason: '', want: 'deployments.apps is forbidden: User "u" cannot list resource "deployments" in API group "apps" in the namespace "ns"' },
  { name: 'cluster scope', attrs: { verb: 'list', resource: 'nodes' }, reason: '', want: 'nodes is forbidden: User "u" cannot list resource "nodes" in API group "" at the cluster scope' },
  { name: 'subresource', attrs: { verb: 'get', resource: 'pods', subresource: 'log', name: 'p', namespace: 'ns' }, reason: '', want: 'pods "p" is forbidden: User "u" cannot get resource "pods/log" in API group "" in the namespace "ns"' },
  { name: 'non-resource', attrs: { verb: 'get', resourceRequest: false, path: '/foo' }, reason: '', want: 'forbidden: User "u" cannot get path "/foo"' },
  { name: 'reason appended', attrs: { verb: 'get', resourceRequest: false, path: '/foo' }, reason: 'Everything is forbidden.', want: 'forbidden: User "u" cannot get path "/foo": Everything is forbidden.' },
  { name: 'html escaped, reason not', attrs: { verb: 'get', resourceRequest: false, path: '/<b>&' }, reason: '<r>', want: 'forbidden: User "u" cannot get path "/&lt;b&gt;&amp;": <r>' },
];

for (const f of forms) {
  test(`forbiddenMessage: ${f.name}`, () => {
    assert.equal(forbiddenMessage(attributes(u, f.attrs), f.reason), f.want);
  });
}

test('forbiddenError carries 403 Forbidden with group/kind/name details', () => {
  const e = forbiddenError(attributes(u, { verb: 'get', apiGroup: 'apps', resource: 'deployments', subresource: 'scale', name: 'd', namespace: 'n' }), '');
  assert.equal(e.code, 403);
  assert.equal(e.status.reason, 'Forbidden');
  assert.deepEqual(e.status.details, { name: 'd', group: 'apps', kind: 'deployments' });
});

const fixed = (d: Decision): Authorizer => ({ authorize: () => Promise.resolve(d) });

test('union: first Allow or Deny wins with its own reason', async () => {
  const a = unionAuthorizer([fixed({ decision: 'NoOpinion', reason: 'a' }), fixed({ decision: 'Deny', reason: 'no' }), fixed({ decision: 'Allow', reason: 'yes' })]);
  assert.deepEqual(await a.authorize(attributes(u, {})), { decision: 'Deny', reason: 'no' });
});

test('union: all NoOpinion joins non-empty reasons with newlines and aggregates errors', async () => {
  const a = unionAuthorizer([fixed({ decision: 'NoOpinion', reason: 'a' }), fixed({ decision: 'NoOpinion', reason: '' }), fixed({ decision: 'NoOpinion', reason: 'b', error: 'e1' }), fixed({ decision: 'NoOpinion', reason: '', error: 'e2' })]);
  assert.deepEqual(await a.authorize(attributes(u, {})), { decision: 'NoOpinion', reason: 'a\nb', error: '[e1, e2]' });
});

test('AlwaysDeny is NoOpinion with kube\'s reason; AlwaysAllow allows', async () => {
  assert.deepEqual(await alwaysDenyAuthorizer().authorize(attributes(u, {})), { decision: 'NoOpinion', reason: 'Everything is forbidden.' });
  assert.deepEqual(await alwaysAllowAuthorizer().authorize(attributes(u, {})), { decision: 'Allow', reason: '' });
});

test('chain: system:masters always allowed; modes in order', async () => {
  const chain = buildAuthorizerChain(parseAuthorizationModes('AlwaysDeny,RBAC'), { rbacSource: staticSource({}) });
  assert.equal((await chain.authorizer.authorize(attributes(userInfo('root', { groups: ['system:masters'] }), { verb: 'delete', resource: 'nodes' }))).decision, 'Allow');
  assert.deepEqual(await chain.authorizer.authorize(attributes(u, { verb: 'get', resource: 'pods' })), { decision: 'NoOpinion', reason: 'Everything is forbidden.' });
  assert.ok(chain.rbac !== undefined);
});

test('parseAuthorizationModes rejects unknown and repeated modes', () => {
  assert.deepEqual(parseAuthorizationModes('Node,RBAC'), ['Node', 'RBAC']);
  assert.throws(() => parseAuthorizationModes('RBAC,Bogus'), { code: 'UnknownMode' });
  assert.throws(() => parseAuthorizationModes('RBAC,RBAC'), { code: 'DuplicateMode' });
  assert.throws(() => buildAuthorizerChain(['Webhook'], {}), { code: 'MissingDependency' });
  assert.throws(() => buildAuthorizerChain(['Node'], {}), { code: 'MissingDependency' });
  assert.throws(() => buildAuthorizerChain(['ABAC'], {}), { code: 'Unsupported' });
  assert.throws(() => buildAuthorizerChain(['RBAC'], {}), { code: 'MissingDependency' });
});
