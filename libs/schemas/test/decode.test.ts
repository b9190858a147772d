import assert from 'node:assert/strict';
import { test } from 'node:test';
import { builtinSchemas, decodeObject, DecodeError, MAX_DECODE_DEPTH, SchemaSet, type Definition } from '../src/index.ts';

const s = builtinSchemas();
const deployment = s.forKind({ group: 'apps', version: 'v1', kind: 'Deployment' })!;

function dep(spec: unknown): Record<string, unknown> {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', creationTimestamp: null }, spec };
}

test('known fields pass through; unknown ones are dropped and reported with kube-style paths', () => {
  const r = decodeObject(s, deployment, {
    ...dep({ replicas: 2, selector: { matchLabels: { app: 'web' } }, bogus: true, template: { spec: { containers: [{ name: 'a', image: 'x', extra: 1 }, { name: 'b', image: 'y' }] } } }),
    topLevel: 'x',
  });
  assert.deepEqual(r.unknownFields, ['spec.bogus', 'spec.template.spec.containers[0].extra', 'topLevel']);
  assert.deepEqual(r.object, {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] } } },
  });
});

test('map keys are data, never unknown fields', () => {
  const r = decodeObject(s, deployment, dep({ selector: { matchLabels: { 'anything.io/x': 'y' } }, template: { metadata: { annotations: { 'z': '1' } } } }));
  assert.deepEqual(r.unknownFields, []);
});

test('a value of the wrong JSON type is Go\'s unmarshal error, naming the struct, the path and the Go type', () => {
  const cases: [unknown, string][] = [
    [{ replicas: 'two' }, 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32'],
    [{ replicas: 1.5 }, 'json: cannot unmarshal number into Go struct field DeploymentSpec.spec.replicas of type int32'],
    [{ replicas: 2 ** 31 }, 'json: cannot unmarshal number into Go struct field DeploymentSpec.spec.replicas of type int32'],
    [{ paused: 'yes' }, 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.paused of type bool'],
    [{ template: { spec: { containers: {} } } }, 'json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container'],
    [{ template: { spec: { containers: [{ name: 5 }] } } }, 'json: cannot unmarshal number into Go struct field Container.spec.template.spec.containers[0].name of type string'],
    [{ selector: { matchLabels: { a: 1 } } }, 'json: cannot unmarshal number into Go struct field LabelSelector.spec.selector.matchLabels[a] of type string'],
    [{ strategy: 'Recreate' }, 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.strategy of type v1.DeploymentStrategy'],
    [{ strategy: { rollingUpdate: { maxSurge: true } } }, 'json: cannot unmarshal bool into Go struct field RollingUpdateDeployment.spec.strategy.rollingUpdate.maxSurge of type intstr.IntOrString'],
  ];
  for (const [spec, message] of cases) {
    assert.throws(() => decodeObject(s, deployment, dep(spec)), (err: unknown) => err instanceof DecodeError && err.code === 'DECODE_TYPE_MISMATCH' && err.message === message, message);
  }
});

test('int-or-string, quantities and nulls decode as Go decodes them', () => {
  const r = decodeObject(s, deployment, dep({
    replicas: null,
    strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
    template: { spec: { containers: [{ name: 'a', resources: { limits: { cpu: 1, memory: '1Gi' } } }] } },
  }));
  assert.deepEqual(r.object.spec, {
    strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
    template: { spec: { containers: [{ name: 'a', resources: { limits: { cpu: 1, memory: '1Gi' } } }] } },
  });
});

test('nesting deeper than the limit is refused, not a stack overflow', () => {
  const node: Definition = { name: 'x.v1.Node', description: '', required: [], properties: { child: { type: 'ref', ref: 'x.v1.Node' } } };
  const set = new SchemaSet([node]);
  let obj: Record<string, unknown> = {};
  for (let i = 0; i < MAX_DECODE_DEPTH + 5; i++) obj = { child: obj };
  assert.throws(() => decodeObject(set, node, obj), (err: unknown) => err instanceof DecodeError && err.code === 'DECODE_TOO_DEEP');
});

test('the input is never changed', () => {
  const input = dep({ bogus: 1, replicas: 1 });
  const copy = structuredClone(input);
  decodeObject(s, deployment, input);
  assert.deepEqual(input, copy);
});
