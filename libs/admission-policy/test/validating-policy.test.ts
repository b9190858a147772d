import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '@logbook/apimachinery';
import { MemoryObjectReader } from '@logbook/admission';
import type { KubeObject } from '@logbook/apistorage';
import type { AdmissionPlugin } from '@logbook/registry';
import { validatingAdmissionPolicy, VALIDATION_FAILURE_ANNOTATION } from '../src/index.ts';
import { attrs, binding, namespace, policy, type RecordedAttributes } from './attrs.ts';

const NS = { group: '', resource: 'namespaces' };
const CM = { group: '', resource: 'configmaps' };

function setup(policies: KubeObject[], bindings: KubeObject[], objects: [typeof NS, KubeObject][] = []): AdmissionPlugin {
  const reader = new MemoryObjectReader([[NS, namespace('prod', { env: 'prod' })], [NS, namespace('dev', { env: 'dev' })], ...objects]);
  return validatingAdmissionPolicy({ policies: () => ({ policies, bindings }), reader });
}

async function refusal(plugin: AdmissionPlugin, a: RecordedAttributes): Promise<StatusError> {
  try {
    await plugin.validate?.(a);
  } catch (err) {
    assert.ok(err instanceof StatusError, `not a StatusError: ${String(err)}`);
    return err;
  }
  assert.fail('request was admitted');
}

const maxReplicas = (extra: Record<string, unknown> = {}): KubeObject =>
  policy('max-replicas', { validations: [{ expression: 'object.spec.replicas <= 2', ...extra }] });

test('a failed validation denies with kube\'s exact message, reason and code', async () => {
  const err = await refusal(setup([maxReplicas({ message: 'too many replicas' })], [binding('b1', 'max-replicas')]), attrs());
  const message = "ValidatingAdmissionPolicy 'max-replicas' with binding 'b1' denied request: too many replicas";
  assert.deepEqual(err.status, {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
    message: `deployments.apps "web" is forbidden: ${message}`,
    reason: 'Invalid',
    details: { name: 'web', group: 'apps', kind: 'deployments', causes: [{ message }] },
    code: 422,
  });
});

test('the validation reason chooses the code', async () => {
  for (const [reason, code] of [['Forbidden', 403], ['Unauthorized', 401], ['RequestEntityTooLarge', 413], ['Invalid', 422]] as const) {
    const err = await refusal(setup([maxReplicas({ reason })], [binding('b1', 'max-replicas')]), attrs());
    assert.equal(err.code, code);
    assert.equal(err.reason, reason);
  }
});

test('message falls back from messageExpression to message to the expression', async () => {
  const b = [binding('b1', 'max-replicas')];
  let err = await refusal(setup([maxReplicas({ messageExpression: "'wanted ' + string(object.spec.replicas)", message: 'static' })], b), attrs());
  assert.match(err.message, /denied request: wanted 3$/);
  err = await refusal(setup([maxReplicas({ messageExpression: '42', message: 'static' })], b), attrs());
  assert.match(err.message, /denied request: static$/);
  err = await refusal(setup([maxReplicas({ messageExpression: "'two\\nlines'" })], b), attrs());
  assert.match(err.message, /denied request: failed expression: object.spec.replicas <= 2$/);
});

test('a passing validation admits', async () => {
  const plugin = setup([policy('ok', { validations: [{ expression: 'object.spec.replicas >= 1' }] })], [binding('b1', 'ok')]);
  await plugin.validate?.(attrs());
});

test('a policy without a binding, or not matching, does nothing', async () => {
  await setup([maxReplicas()], []).validate?.(attrs());
  await setup([maxReplicas()], [binding('b1', 'other')]).validate?.(attrs());
  await setup([maxReplicas()], [binding('b1', 'max-replicas')]).validate?.(attrs({ operation: 'DELETE' }));
  await setup([maxReplicas()], [binding('b1', 'max-replicas')]).validate?.(attrs({ resource: 'statefulsets', kind: 'StatefulSet' }));
  await setup([maxReplicas()], [binding('b1', 'max-replicas')]).validate?.(attrs({ subresource: 'status' }));
});

test('Warn and Audit actions do not deny', async () => {
  const plugin = setup([maxReplicas({ message: 'too many' })], [binding('b1', 'max-replicas', { validationActions: ['Warn', 'Audit'] })]);
  const a = attrs();
  await plugin.validate?.(a);
  assert.deepEqual(a.warnings, ["Validation failed for ValidatingAdmissionPolicy 'max-replicas' with binding 'b1': too many"]);
  assert.equal(a.annotations.get(VALIDATION_FAILURE_ANNOTATION),
    '[{"message":"too many","policy":"max-replicas","binding":"b1","expressionIndex":0,"validationActions":["Warn","Audit"]}]');
});

test('failurePolicy decides on evaluation errors', async () => {
  const broken = (failurePolicy: string): KubeObject => policy('broken', { failurePolicy, validations: [{ expression: 'object.spec.nope == 1' }] });
  const err = await refusal(setup([broken('Fail')], [binding('b1', 'broken')]), attrs());
  assert.equal(err.message, "deployments.apps \"web\" is forbidden: ValidatingAdmissionPolicy 'broken' with binding 'b1' denied request: expression 'object.spec.nope == 1' resulted in error: no such key: nope");
  assert.equal(err.code, 422);
  await setup([broken('Ignore')], [binding('b1', 'broken')]).validate?.(attrs());
});

test('a compile error denies under Fail with kube\'s wording', async () => {
  const p = policy('typo', { validations: [{ expression: 'objekt.spec' }] });
  const err = await refusal(setup([p], [binding('b1', 'typo')]), attrs());
  assert.ok(err.message.endsWith("denied request: compilation error: compilation failed: ERROR: <input>:1:1: undeclared reference to 'objekt' (in container '')\n | objekt.spec\n | ^"), err.message);
});

test('cost limit exceeded is an evaluation error', async () => {
  const p = policy('costly', { validations: [{ expression: '[1,2,3,4,5,6,7,8,9,10].all(a, [1,2,3,4,5,6,7,8,9,10].all(b, [1,2,3,4,5,6,7,8,9,10].all(c, [1,2,3,4,5,6,7,8,9,10].all(d, [1,2,3,4,5,6,7,8,9,10].all(e, [1,2,3,4,5,6,7,8,9,10].all(f, true))))))' }] });
  const err = await refusal(setup([p], [binding('b1', 'costly')]), attrs());
  assert.match(err.message, /resulted in error: operation cancelled: actual cost limit exceeded$/);
});

test('params by name, namespace defaulting and parameterNotFoundAction', async () => {
  const p = policy('limit', {
    paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
    validations: [{ expression: 'object.spec.replicas <= int(params.data.max)', messageExpression: "'max is ' + params.data.max" }],
  });
  const cm = (ns: string, max: string): [typeof CM, KubeObject] => [CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'limits', namespace: ns }, data: { max } }];
  const byName = binding('b1', 'limit', { paramRef: { name: 'limits', parameterNotFoundAction: 'Deny' } });
  // The request's namespace when paramRef has none.
  let err = await refusal(setup([p], [byName], [cm('prod', '2')]), attrs());
  assert.match(err.message, /denied request: max is 2$/);
  await setup([p], [byName], [cm('prod', '5')]).validate?.(attrs());
  // Missing params: Deny refuses, Allow admits.
  err = await refusal(setup([p], [byName], [cm('dev', '1')]), attrs());
  assert.match(err.message, /with binding 'b1' denied request: failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction$/);
  await setup([p], [binding('b1', 'limit', { paramRef: { name: 'limits', parameterNotFoundAction: 'Allow' } })], [cm('dev', '1')]).validate?.(attrs());
  // An explicit namespace.
  err = await refusal(setup([p], [binding('b1', 'limit', { paramRef: { name: 'limits', namespace: 'dev', parameterNotFoundAction: 'Deny' } })], [cm('dev', '1')]), attrs());
  assert.match(err.message, /max is 1$/);
});

test('params by selector evaluate once per param', async () => {
  const p = policy('limit', { paramKind: { apiVersion: 'v1', kind: 'ConfigMap' }, validations: [{ expression: 'object.spec.replicas <= int(params.data.max)', messageExpression: "'max ' + params.data.max" }] });
  const cms: [typeof CM, KubeObject][] = [
    [CM, { metadata: { name: 'a', namespace: 'prod', labels: { kind: 'limit' } }, data: { max: '5' } }],
    [CM, { metadata: { name: 'b', namespace: 'prod', labels: { kind: 'limit' } }, data: { max: '1' } }],
    [CM, { metadata: { name: 'c', namespace: 'prod', labels: { kind: 'other' } }, data: { max: '0' } }],
  ];
  const b = binding('b1', 'limit', { paramRef: { selector: { matchLabels: { kind: 'limit' } }, parameterNotFoundAction: 'Deny' }, validationActions: ['Warn'] });
  const a = attrs();
  await setup([p], [b], cms).validate?.(a);
  assert.deepEqual(a.warnings, ["Validation failed for ValidatingAdmissionPolicy 'limit' with binding 'b1': max 1"]);
});

test('namespaceSelector and objectSelector narrow the policy and the binding', async () => {
  const inProd = policy('prod-only', {
    matchConstraints: { resourceRules: [{ apiGroups: ['*'], apiVersions: ['*'], operations: ['*'], resources: ['*'] }], namespaceSelector: { matchLabels: { env: 'prod' } } },
    validations: [{ expression: 'false', message: 'no' }],
  });
  await refusal(setup([inProd], [binding('b', 'prod-only')]), attrs());
  await setup([inProd], [binding('b', 'prod-only')]).validate?.(attrs({ namespace: 'dev' }));
  const objSel = binding('b', 'prod-only', { matchResources: { objectSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['db'] }] } } });
  await setup([inProd], [objSel]).validate?.(attrs());
  await refusal(setup([inProd], [objSel]), attrs({ object: { metadata: { name: 'web', labels: { app: 'db' } } } }));
});

test('excludeResourceRules and resourceNames', async () => {
  const p = policy('p', {
    matchConstraints: {
      resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE'], resources: ['deployments'], resourceNames: ['web', 'api'] }],
      excludeResourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['*'], resources: ['deployments'], resourceNames: ['api'] }],
    },
    validations: [{ expression: 'false' }],
  });
  await refusal(setup([p], [binding('b', 'p')]), attrs());
  await setup([p], [binding('b', 'p')]).validate?.(attrs({ name: 'api' }));
  await setup([p], [binding('b', 'p')]).validate?.(attrs({ name: 'other' }));
});

test('matchConditions, variables and request fields', async () => {
  const p = policy('p', {
    matchConditions: [{ name: 'not-alice', expression: "request.userInfo.username != 'bob'" }],
    variables: [{ name: 'replicas', expression: 'object.spec.replicas' }, { name: 'twice', expression: 'variables.replicas * 2' }],
    validations: [{ expression: "variables.twice < 6 || 'devs' in request.userInfo.groups == false", messageExpression: "'twice=' + string(variables.twice) + ' ns=' + namespaceObject.metadata.name" }],
  });
  const err = await refusal(setup([p], [binding('b', 'p')]), attrs());
  assert.match(err.message, /denied request: twice=6 ns=prod$/);
  const bob = attrs({ ctx: { user: 'bob', verb: 'create', resource: 'deployments', auditId: 'x' } });
  await setup([p], [binding('b', 'p')]).validate?.(bob);
});

test('auditAnnotations publish under the policy name; bad types are errors', async () => {
  const p = policy('p', { auditAnnotations: [{ key: 'replicas', valueExpression: "'r=' + string(object.spec.replicas)" }, { key: 'none', valueExpression: 'null' }] });
  const a = attrs();
  await setup([p], [binding('b', 'p')]).validate?.(a);
  assert.deepEqual([...a.annotations], [['p/replicas', 'r=3']]);
  const bad = policy('bad', { auditAnnotations: [{ key: 'n', valueExpression: '1' }] });
  const err = await refusal(setup([bad], [binding('b', 'bad')]), attrs());
  assert.match(err.message, /valueExpression '1' resulted in unsupported return type: int\. Return type must be either string or null\.$/);
});

test('the first denial wins and every binding still runs', async () => {
  const a = attrs();
  const plugin = setup([maxReplicas({ message: 'm' })], [binding('b1', 'max-replicas', { validationActions: ['Warn'] }), binding('b2', 'max-replicas'), binding('b3', 'max-replicas')]);
  const err = await refusal(plugin, a);
  assert.match(err.message, /with binding 'b2' denied/);
  assert.equal(a.warnings.length, 1);
});

test('compiled programs are reused until the policy changes', async () => {
  let current = maxReplicas({ message: 'v1' });
  const reader = new MemoryObjectReader([[NS, namespace('prod', {})]]);
  const plugin = validatingAdmissionPolicy({ policies: () => ({ policies: [current], bindings: [binding('b', 'max-replicas')] }), reader });
  assert.match((await refusal(plugin, attrs())).message, /v1$/);
  current = { ...current, metadata: { ...current.metadata, resourceVersion: '999' }, spec: { ...(current.spec as object), validations: [{ expression: 'false', message: 'v2' }] } };
  assert.match((await refusal(plugin, attrs())).message, /v2$/);
});
