import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusError } from '@logbook/apimachinery';
import { headerMapFromRaw, userInfo } from '../src/index.ts';
import { impersonate, planImpersonation, stripImpersonationHeaders, type ImpersonationCheck } from '../src/impersonation.ts';

const alice = userInfo('alice', { groups: ['system:authenticated'] });
const allowAll = (): Promise<{ allowed: boolean; reason: string }> => Promise.resolve({ allowed: true, reason: '' });
const h = (...raw: string[]) => headerMapFromRaw(raw);

function statusOf(fn: () => unknown): StatusError['status'] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof StatusError, String(err));
    return err.status;
  }
  assert.fail('expected a StatusError');
}

describe('impersonation', () => {
  it('returns the requestor when no impersonation headers are sent', async () => {
    assert.equal(planImpersonation(h('Accept', 'x')), undefined);
    assert.equal(await impersonate(alice, h(), allowAll), alice);
  });

  it('checks a user, each group, each extra value and the uid, in kube\'s order', () => {
    const plan = planImpersonation(h('Impersonate-User', 'bob', 'Impersonate-Group', 'g1', 'Impersonate-Group', 'g2',
      'Impersonate-Extra-Scopes', 'view', 'Impersonate-Extra-acme.com%2Fteam', 't', 'Impersonate-Uid', 'uid-9'));
    assert.ok(plan !== undefined);
    const c = (resource: ImpersonationCheck['resource'], name: string, extra: Partial<ImpersonationCheck> = {}): ImpersonationCheck =>
      ({ verb: 'impersonate', apiGroup: '', apiVersion: '', resource, subresource: '', namespace: '', name, ...extra });
    const authn = { apiGroup: 'authentication.k8s.io', apiVersion: 'v1' };
    assert.deepEqual(plan.checks, [
      c('users', 'bob'), c('groups', 'g1'), c('groups', 'g2'),
      c('userextras', 't', { ...authn, subresource: 'acme.com/team' }), c('userextras', 'view', { ...authn, subresource: 'scopes' }),
      c('uids', 'uid-9', authn),
    ]);
    assert.deepEqual(plan.user, { name: 'bob', uid: 'uid-9', groups: ['g1', 'g2', 'system:authenticated'], extra: { 'acme.com/team': ['t'], scopes: ['view'] } });
  });

  const groupCases: [string, string[], string[]][] = [
    ['a service account gets its groups', ['Impersonate-User', 'system:serviceaccount:ci:bot'], ['system:serviceaccounts', 'system:serviceaccounts:ci', 'system:authenticated']],
    ['a service account with groups gets only those', ['Impersonate-User', 'system:serviceaccount:ci:bot', 'Impersonate-Group', 'x'], ['x', 'system:authenticated']],
    ['explicit system:unauthenticated is respected', ['Impersonate-User', 'bob', 'Impersonate-Group', 'system:unauthenticated'], ['system:unauthenticated']],
    ['anonymous gets system:unauthenticated', ['Impersonate-User', 'system:anonymous'], ['system:unauthenticated']],
    ['an invalid service account name is a plain user', ['Impersonate-User', 'system:serviceaccount:CI:bot'], ['system:authenticated']],
  ];
  for (const [name, raw, groups] of groupCases) {
    it(name, () => assert.deepEqual(planImpersonation(headerMapFromRaw(raw))?.user.groups, groups));
  }

  it('checks service accounts in their namespace', () => {
    const plan = planImpersonation(h('Impersonate-User', 'system:serviceaccount:ci:bot'));
    assert.deepEqual(plan?.checks, [{ verb: 'impersonate', apiGroup: '', apiVersion: '', resource: 'serviceaccounts', subresource: '', namespace: 'ci', name: 'bot' }]);
  });

  it('answers 400 with kube\'s text for groups, extras or uid without a user', () => {
    const s = statusOf(() => planImpersonation(h('Impersonate-Group', 'g1', 'Impersonate-Extra-K', 'v', 'Impersonate-Uid', 'u')));
    assert.equal(s.code, 400);
    assert.equal(s.reason, 'BadRequest');
    assert.equal(s.message, 'requested [{Group  g1    } {UserExtra  v  authentication.k8s.io/v1  k} {UID  u  authentication.k8s.io/v1  }] without impersonating a user');
  });

  const oversized: [string, string[]][] = [
    ['too many groups', ['Impersonate-User', 'bob', ...Array.from({ length: 101 }, (_, i) => ['Impersonate-Group', `g${i}`]).flat()]],
    ['too many extra values', ['Impersonate-User', 'bob', ...Array.from({ length: 101 }, (_, i) => [`Impersonate-Extra-k${i % 3}`, 'v']).flat()]],
    ['a huge user name', ['Impersonate-User', 'b'.repeat(5000)]],
    ['a huge group', ['Impersonate-User', 'bob', 'Impersonate-Group', 'g'.repeat(5000)]],
    ['a huge extra key', ['Impersonate-User', 'bob', `Impersonate-Extra-${'k'.repeat(5000)}`, 'v']],
    ['an empty extra key', ['Impersonate-User', 'bob', 'Impersonate-Extra-', 'v']],
  ];
  for (const [name, raw] of oversized) {
    it(`answers 400 for ${name}, before asking the authorizer`, async () => {
      let asked = 0;
      await assert.rejects(impersonate(alice, headerMapFromRaw(raw), () => { asked++; return allowAll(); }), (err: unknown) => err instanceof StatusError && err.code === 400);
      assert.equal(asked, 0);
    });
  }

  it('answers 403 with kube\'s text at the first refused check', async () => {
    const refuseGroups = (_u: unknown, c: ImpersonationCheck) => Promise.resolve({ allowed: c.resource !== 'groups', reason: c.resource === 'groups' ? 'no RBAC policy matched' : '' });
    await assert.rejects(impersonate(alice, h('Impersonate-User', 'bob', 'Impersonate-Group', 'system:masters'), refuseGroups), (err: unknown) => {
      assert.ok(err instanceof StatusError);
      assert.deepEqual(err.status, {
        kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 403, reason: 'Forbidden',
        message: 'groups "system:masters" is forbidden: User "alice" cannot impersonate resource "groups" in API group "" at the cluster scope: no RBAC policy matched',
        details: { name: 'system:masters', kind: 'groups' },
      });
      return true;
    });
    const refuse = () => Promise.resolve({ allowed: false, reason: '' });
    await assert.rejects(impersonate(alice, h('Impersonate-User', 'system:serviceaccount:ci:bot'), refuse), {
      message: 'serviceaccounts "bot" is forbidden: User "alice" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "ci"',
    });
    await assert.rejects(impersonate(alice, h('Impersonate-User', 'bob', 'Impersonate-Extra-Scopes', 'x'), (_u, c) => Promise.resolve({ allowed: c.resource === 'users', reason: '' })), {
      message: 'userextras.authentication.k8s.io "x" is forbidden: User "alice" cannot impersonate resource "userextras/scopes" in API group "authentication.k8s.io" at the cluster scope',
    });
  });

  it('runs as the impersonated user once every check passes, and strips the headers', async () => {
    const headers = h('Impersonate-User', 'bob', 'Impersonate-Extra-K', 'v', 'Accept', 'a');
    assert.deepEqual(await impersonate(alice, headers, allowAll), { name: 'bob', uid: '', groups: ['system:authenticated'], extra: { k: ['v'] } });
    assert.deepEqual([...stripImpersonationHeaders(headers)], [['accept', ['a']]]);
  });
});
