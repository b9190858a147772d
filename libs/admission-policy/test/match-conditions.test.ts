import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileMatchConditions, type AdmissionRequestLike } from '../src/index.ts';

const request: AdmissionRequestLike = {
  kind: { group: '', version: 'v1', kind: 'Pod' },
  resource: { group: '', version: 'v1', resource: 'pods' },
  name: 'p', namespace: 'ns', operation: 'CREATE',
  userInfo: { username: 'alice', groups: ['system:authenticated'] },
  object: { metadata: { name: 'p', labels: { tier: 'web' } } },
  oldObject: null,
};

test('all true matches; any false does not', async () => {
  const t = compileMatchConditions([{ name: 'a', expression: "request.operation == 'CREATE'" }, { name: 'b', expression: "object.metadata.labels.tier == 'web'" }]);
  assert.equal(await t(request), true);
  const f = compileMatchConditions([{ name: 'a', expression: "request.userInfo.username == 'bob'" }]);
  assert.equal(await f(request), false);
  assert.equal(await compileMatchConditions([])(request), true);
});

test('false wins over an error; errors without a false are returned', async () => {
  const mixed = compileMatchConditions([{ name: 'e', expression: 'object.spec.x == 1' }, { name: 'f', expression: 'false' }]);
  assert.equal(await mixed(request), false);
  const err = await compileMatchConditions([{ name: 'e', expression: 'object.spec.x == 1' }, { name: 't', expression: 'true' }])(request);
  assert.ok(err instanceof Error);
  assert.equal(err.message, "expression 'object.spec.x == 1' resulted in error: no such key: spec");
});

test('several errors aggregate as kube does', async () => {
  const err = await compileMatchConditions([{ name: 'a', expression: 'oldObject.x' }, { name: 'b', expression: 'nope' }])(request);
  assert.ok(err instanceof Error);
  assert.equal(err.message,
    "[expression 'oldObject.x' resulted in error: no such key: x, compilation error: compilation failed: ERROR: <input>:1:1: undeclared reference to 'nope' (in container '')\n | nope\n | ^]");
});

test('a non-bool result is an error', async () => {
  const err = await compileMatchConditions([{ name: 'a', expression: "'yes'" }])(request);
  assert.ok(err instanceof Error);
});
