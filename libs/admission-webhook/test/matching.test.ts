import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '@logbook/apimachinery';
import { webhooksOf } from '../src/configuration.ts';
import { ruleMatches } from '../src/rules.ts';
import { namespaceSelectorMatches, objectSelectorMatches } from '../src/selectors.ts';
import { fromLabelSelector } from '@logbook/apimachinery';
import { attrs, configuration, namespaces, pod, webhook } from './helpers.ts';
import type { WebhookRule } from '../src/types.ts';

const rule = (over: Partial<WebhookRule>): WebhookRule => ({ operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'], scope: '*', ...over });

describe('rules', () => {
  const cases: [string, Partial<WebhookRule>, Parameters<typeof attrs>[0], boolean][] = [
    ['wildcards match anything', {}, {}, true],
    ['operation listed', { operations: ['CREATE'] }, {}, true],
    ['operation not listed', { operations: ['UPDATE', 'DELETE'] }, {}, false],
    ['group mismatch', { apiGroups: ['apps'] }, {}, false],
    ['core group by ""', { apiGroups: [''] }, {}, true],
    ['version mismatch', { apiVersions: ['v2'] }, {}, false],
    ['resource exact', { resources: ['pods'] }, {}, true],
    ['resource exact does not match a subresource', { resources: ['pods'] }, { subresource: 'status' }, false],
    ['pods/* matches a subresource', { resources: ['pods/*'] }, { subresource: 'binding' }, true],
    ['pods/* also matches the resource itself (kube: "*" matches the empty subresource)', { resources: ['pods/*'] }, {}, true],
    ['pods/* does not match another resource', { resources: ['pods/*'] }, { resource: 'services', kind: 'Service' }, false],
    ['*/status matches any status', { resources: ['*/status'] }, { resource: 'deployments', group: 'apps', subresource: 'status' }, true],
    ['*/status does not match scale', { resources: ['*/status'] }, { subresource: 'scale' }, false],
    ['*/* matches resources and subresources', { resources: ['*/*'] }, { subresource: 'exec' }, true],
    ['* does not match subresources', { resources: ['*'] }, { subresource: 'status' }, false],
    ['Namespaced scope, namespaced request', { scope: 'Namespaced' }, {}, true],
    ['Namespaced scope, cluster request', { scope: 'Namespaced' }, { namespace: '', resource: 'nodes', kind: 'Node' }, false],
    ['Cluster scope, cluster request', { scope: 'Cluster' }, { namespace: '', resource: 'nodes', kind: 'Node' }, true],
    ['Cluster scope, namespaced request', { scope: 'Cluster' }, {}, false],
    ['namespaces are cluster-scoped though they carry a namespace', { scope: 'Cluster' }, { namespace: 'ns1', resource: 'namespaces', kind: 'Namespace' }, true],
    ['namespaces are never Namespaced', { scope: 'Namespaced' }, { namespace: 'ns1', resource: 'namespaces', kind: 'Namespace' }, false],
    ['empty lists match nothing', { operations: [] }, {}, false],
  ];
  for (const [name, r, a, want] of cases) {
    it(name, () => assert.equal(ruleMatches(rule(r), attrs(a)), want));
  }
});

describe('namespaceSelector', () => {
  const reader = namespaces({ default: { env: 'prod' }, dev: { env: 'dev' } });
  const sel = fromLabelSelector({ matchLabels: { env: 'prod' } });

  it('judges by the namespace\'s labels', async () => {
    assert.equal(await namespaceSelectorMatches(sel, attrs(), reader), true);
    assert.equal(await namespaceSelectorMatches(sel, attrs({ namespace: 'dev' }), reader), false);
  });

  it('never exempts cluster-scoped objects other than namespaces', async () => {
    assert.equal(await namespaceSelectorMatches(sel, attrs({ namespace: '', resource: 'nodes', kind: 'Node' }), reader), true);
  });

  it('judges a namespace create by the object\'s own labels', async () => {
    const a = attrs({ namespace: '', resource: 'namespaces', kind: 'Namespace', name: 'new', object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'new', labels: { env: 'prod' } } } });
    assert.equal(await namespaceSelectorMatches(sel, a, reader), true);
  });

  it('judges a namespace delete by the stored namespace', async () => {
    const a = attrs({ operation: 'DELETE', namespace: '', resource: 'namespaces', kind: 'Namespace', name: 'dev', object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev', labels: { env: 'prod' } } } });
    assert.equal(await namespaceSelectorMatches(sel, a, reader), false);
  });

  it('answers kube\'s 404 for a missing namespace', async () => {
    const r = await namespaceSelectorMatches(sel, attrs({ namespace: 'gone' }), reader);
    assert.ok(r instanceof StatusError);
    assert.equal(r.code, 404);
    assert.equal(r.message, 'namespaces "gone" not found');
  });

  it('an empty selector needs no read', async () => {
    assert.equal(await namespaceSelectorMatches(fromLabelSelector({}), attrs({ namespace: 'gone' }), reader), true);
  });
});

describe('objectSelector', () => {
  const sel = fromLabelSelector({ matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] });
  it('matches the new object or the old one', () => {
    assert.equal(objectSelectorMatches(sel, pod('p', { app: 'web' }), undefined), true);
    assert.equal(objectSelectorMatches(sel, pod('p', { app: 'db' }), pod('p', { app: 'web' }) as never), true);
    assert.equal(objectSelectorMatches(sel, pod('p', { app: 'db' }), pod('p', { app: 'db' }) as never), false);
  });
  it('an object without labels does not match a requirement', () => {
    assert.equal(objectSelectorMatches(sel, { metadata: {} }, undefined), false);
  });
});

describe('configuration decoding', () => {
  it('sorts configurations by name, keeps webhook order, fills v1 defaults', () => {
    const hooks = webhooksOf('mutating', [
      configuration('MutatingWebhookConfiguration', 'b', [webhook('b1.x.io', { clientConfig: { url: 'https://h/b1' } }), webhook('b0.x.io', { clientConfig: { url: 'https://h/b0' } })]),
      configuration('MutatingWebhookConfiguration', 'a', [webhook('a.x.io', { clientConfig: { url: 'https://h/a' }, timeoutSeconds: 99, reinvocationPolicy: 'IfNeeded' })]),
    ]);
    assert.deepEqual(hooks.map((h) => h.uid), ['a/a.x.io/0', 'b/b1.x.io/0', 'b/b0.x.io/1']);
    const a = hooks[0]!;
    assert.equal(a.failurePolicy, 'Fail');
    assert.equal(a.matchPolicy, 'Equivalent');
    assert.equal(a.timeoutSeconds, 30, 'clamped to the v1 maximum');
    assert.equal(hooks[1]!.timeoutSeconds, 10, 'v1 default');
    assert.equal(a.reinvocationPolicy, 'IfNeeded');
    assert.equal(a.namespaceSelector.isEmpty(), true);
    assert.equal(a.rules[0]!.scope, '*');
  });

  it('validating webhooks never reinvoke', () => {
    const [h] = webhooksOf('validating', [configuration('ValidatingWebhookConfiguration', 'v', [webhook('v.x.io', { clientConfig: { url: 'https://h' }, reinvocationPolicy: 'IfNeeded' })])]);
    assert.equal(h!.reinvocationPolicy, 'Never');
  });

  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['no clientConfig', { clientConfig: undefined }, /clientConfig: Required value/],
    ['both url and service', { clientConfig: { url: 'https://h', service: { namespace: 'n', name: 's' } } }, /exactly one of url or service/],
    ['bad failurePolicy', { failurePolicy: 'Sometimes' }, /failurePolicy: unsupported value "Sometimes"/],
    ['bad selector operator', { namespaceSelector: { matchExpressions: [{ key: 'a', operator: 'Near' }] } }, /"Near" is not a valid label selector operator/],
    ['bad port', { clientConfig: { service: { namespace: 'n', name: 's', port: 70000 } } }, /port: must be an integer/],
    ['rules not a list', { rules: 'all' }, /rules: must be a list/],
  ];
  for (const [name, over, re] of bad) {
    it(`refuses a malformed webhook: ${name}`, () => {
      const cfg = configuration('MutatingWebhookConfiguration', `bad-${name}`, [webhook('w.x.io', { clientConfig: { url: 'https://h' }, ...over })]);
      assert.throws(() => webhooksOf('mutating', [cfg]), (e: Error) => e.name === 'ConfigurationError' && re.test(e.message));
    });
  }
});
