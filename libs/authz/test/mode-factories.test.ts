import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthorizationConfigError, NodeGraph, nodeModeAuthorizer, validateWebhookFlags, webhookModeAuthorizer } from '../src/index.ts';

const flagCases: readonly [name: string, modes: Parameters<typeof validateWebhookFlags>[0], flags: Parameters<typeof validateWebhookFlags>[1], problems: string[]][] = [
  ['Webhook with a config file', ['Node', 'Webhook', 'RBAC'], { configFile: '/etc/authz.yaml', version: 'v1', authorizedTTLMs: 0 }, []],
  ['neither Webhook nor a file', ['RBAC'], { configFile: '' }, []],
  ['Webhook without a file', ['Webhook'], { configFile: '' }, ["authorization-mode Webhook's authorization config file not passed"]],
  ['a file without Webhook', ['RBAC'], { configFile: '/etc/authz.yaml' }, ['cannot specify --authorization-webhook-config-file without mode Webhook']],
  [
    'every problem at once',
    ['Webhook'],
    { configFile: '', version: 'v2', authorizedTTLMs: -1, unauthorizedTTLMs: Number.NaN },
    [
      "authorization-mode Webhook's authorization config file not passed",
      '--authorization-webhook-version: Unsupported value: "v2": supported values: "v1", "v1beta1"',
      '--authorization-webhook-cache-authorized-ttl must not be negative',
      '--authorization-webhook-cache-unauthorized-ttl must not be negative',
    ],
  ],
];

for (const [name, modes, flags, problems] of flagCases) {
  test(`validateWebhookFlags: ${name}`, () => {
    assert.deepEqual(validateWebhookFlags(modes, flags), problems);
  });
}

test('webhookModeAuthorizer refuses bad flags and a missing kubeconfig before serving', async () => {
  await assert.rejects(webhookModeAuthorizer({ configFile: '' }), (err: unknown) => err instanceof AuthorizationConfigError && err.code === 'MissingDependency' && err.message.includes('config file not passed'));
  await assert.rejects(webhookModeAuthorizer({ configFile: '/nonexistent/authz.yaml' }), /nonexistent\/authz\.yaml/);
});

test('nodeModeAuthorizer needs the graph', () => {
  assert.throws(() => nodeModeAuthorizer({}), (err: unknown) => err instanceof AuthorizationConfigError && err.code === 'MissingDependency');
  assert.equal(typeof nodeModeAuthorizer({ nodeGraph: new NodeGraph() }).authorize, 'function');
});
