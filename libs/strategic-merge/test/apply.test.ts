import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyStrategicMergePatch } from '../src/index.ts';
import { DEPLOYMENT, POD, schemas } from './fixture-schemas.ts';

const apply = (original: unknown, patch: unknown, root = POD): unknown => applyStrategicMergePatch(original, patch, schemas, root);

const pod = (spec: object, metadata: object = { name: 'p' }): object => ({ metadata, spec });
const c = (name: string, extra: object = {}): object => ({ name, image: `${name}:1`, ...extra });

// kube's documented behaviour (api-conventions "Strategic Merge Patch" and strategicpatch's tests).
const cases: readonly { name: string; original: unknown; patch: unknown; want: unknown; root?: string }[] = [
  {
    name: 'containers merge by name; new ones come before server-only ones',
    original: pod({ containers: [c('a'), c('b')] }),
    patch: { spec: { containers: [{ name: 'a', image: 'a:2' }, c('new')] } },
    want: pod({ containers: [{ name: 'a', image: 'a:2' }, c('new'), c('b')] }),
  },
  {
    name: 'ports merge by containerPort',
    original: pod({ containers: [c('a', { ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443 }] })] }),
    patch: { spec: { containers: [{ name: 'a', ports: [{ containerPort: 80, name: 'web' }] }] } },
    want: pod({ containers: [c('a', { ports: [{ containerPort: 80, name: 'web' }, { containerPort: 443 }] })] }),
  },
  {
    name: 'env merges by name',
    original: pod({ containers: [c('a', { env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] })] }),
    patch: { spec: { containers: [{ name: 'a', env: [{ name: 'B', value: '3' }] }] } },
    want: pod({ containers: [c('a', { env: [{ name: 'A', value: '1' }, { name: 'B', value: '3' }] })] }),
  },
  {
    name: '$patch: delete removes the container with that key',
    original: pod({ containers: [c('a'), c('b')] }),
    patch: { spec: { containers: [{ name: 'a', $patch: 'delete' }] } },
    want: pod({ containers: [c('b')] }),
  },
  {
    name: '$patch: replace replaces a merging list',
    original: pod({ containers: [c('a'), c('b')] }),
    patch: { spec: { containers: [c('z'), { $patch: 'replace' }] } },
    want: pod({ containers: [c('z')] }),
  },
  {
    name: '$patch: replace replaces a map',
    original: pod({ containers: [c('a')] }, { name: 'p', labels: { x: '1', y: '2' } }),
    patch: { metadata: { labels: { z: '3', $patch: 'replace' } } },
    want: pod({ containers: [c('a')] }, { name: 'p', labels: { z: '3' } }),
  },
  {
    name: '$patch: delete on a map empties it',
    original: pod({ containers: [c('a')] }, { name: 'p', labels: { x: '1' } }),
    patch: { metadata: { labels: { $patch: 'delete' } } },
    want: pod({ containers: [c('a')] }, { name: 'p', labels: {} }),
  },
  {
    name: 'null deletes a key; a null for an absent key is dropped',
    original: pod({ restartPolicy: 'Always', hostNetwork: true }),
    patch: { spec: { restartPolicy: null, nodeSelector: null } },
    want: pod({ hostNetwork: true }),
  },
  {
    name: 'labels merge as a map',
    original: pod({}, { name: 'p', labels: { x: '1', y: '2' } }),
    patch: { metadata: { labels: { y: null, z: '3' } } },
    want: pod({}, { name: 'p', labels: { x: '1', z: '3' } }),
  },
  {
    name: 'atomic lists (tolerations) are replaced',
    original: pod({ tolerations: [{ key: 'a' }, { key: 'b' }] }),
    patch: { spec: { tolerations: [{ key: 'c' }] } },
    want: pod({ tolerations: [{ key: 'c' }] }),
  },
  {
    name: 'primitive lists with merge strategy merge as sets (finalizers)',
    original: pod({}, { name: 'p', finalizers: ['a', 'b'] }),
    patch: { metadata: { finalizers: ['c', 'a'] } },
    want: pod({}, { name: 'p', finalizers: ['c', 'a', 'b'] }),
  },
  {
    name: '$deleteFromPrimitiveList removes finalizers',
    original: pod({}, { name: 'p', finalizers: ['a', 'b', 'c'] }),
    patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['b', 'x'] } },
    want: pod({}, { name: 'p', finalizers: ['a', 'c'] }),
  },
  {
    name: '$setElementOrder orders a merged list',
    original: pod({ containers: [c('a'), c('b'), c('c')] }),
    patch: { spec: { '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }, { name: 'b' }], containers: [{ name: 'a', image: 'a:2' }] } },
    want: pod({ containers: [c('c'), { name: 'a', image: 'a:2' }, c('b')] }),
  },
  {
    name: '$setElementOrder on finalizers',
    original: pod({}, { name: 'p', finalizers: ['a', 'b'] }),
    patch: { metadata: { '$setElementOrder/finalizers': ['b', 'a'] } },
    want: pod({}, { name: 'p', finalizers: ['b', 'a'] }),
  },
  {
    name: '$retainKeys on volumes clears the old source',
    original: pod({ volumes: [{ name: 'v', emptyDir: { medium: 'Memory' } }] }),
    patch: { spec: { volumes: [{ name: 'v', hostPath: { path: '/x' }, $retainKeys: ['hostPath', 'name'] }] } },
    want: pod({ volumes: [{ name: 'v', hostPath: { path: '/x' } }] }),
  },
  {
    name: 'deployment strategy: RollingUpdate -> Recreate removes rollingUpdate',
    root: DEPLOYMENT,
    original: { spec: { replicas: 1, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } },
    patch: { spec: { strategy: { type: 'Recreate', $retainKeys: ['type'] } } },
    want: { spec: { replicas: 1, strategy: { type: 'Recreate' } } },
  },
  {
    name: 'without $retainKeys the old keys stay (plain merge)',
    root: DEPLOYMENT,
    original: { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } },
    patch: { spec: { strategy: { type: 'Recreate' } } },
    want: { spec: { strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } } } },
  },
  {
    name: 'ownerReferences merge by uid',
    original: pod({}, { name: 'p', ownerReferences: [{ uid: '1', name: 'a' }, { uid: '2', name: 'b' }] }),
    patch: { metadata: { ownerReferences: [{ uid: '2', $patch: 'delete' }, { uid: '3', name: 'c' }] } },
    want: pod({}, { name: 'p', ownerReferences: [{ uid: '3', name: 'c' }, { uid: '1', name: 'a' }] }),
  },
  {
    name: 'unknown fields absent from the original are taken as they are',
    original: pod({ containers: [c('a')] }),
    patch: { spec: { futureField: { a: [1, 2] } }, status: { phase: 'Running' } },
    want: { metadata: { name: 'p' }, spec: { containers: [c('a')], futureField: { a: [1, 2] } }, status: { phase: 'Running' } },
  },
  {
    name: 'directives in values with nothing to merge with are removed; elements carrying $patch dropped',
    original: pod({}),
    patch: { spec: { containers: [c('a'), { name: 'gone', $patch: 'delete' }] } },
    want: pod({ containers: [c('a')] }),
  },
  {
    name: 'a value of another type replaces the original',
    original: pod({ containers: [c('a')] }, { name: 'p', labels: { x: '1' } }),
    patch: { metadata: { labels: 'oops' } },
    want: pod({ containers: [c('a')] }, { name: 'p', labels: 'oops' }),
  },
  {
    name: '__proto__ is an ordinary key',
    original: pod({}, { name: 'p', labels: {} }),
    patch: JSON.parse('{"metadata":{"labels":{"__proto__":"x"}}}') as unknown,
    want: { metadata: { name: 'p', labels: JSON.parse('{"__proto__":"x"}') as unknown }, spec: {} },
  },
];

for (const tc of cases) {
  test(tc.name, () => {
    const originalCopy = structuredClone(tc.original);
    assert.deepStrictEqual(apply(tc.original, tc.patch, tc.root), tc.want);
    assert.deepStrictEqual(tc.original, originalCopy, 'the original is not mutated');
  });
}

test('null original and patch count as empty objects', () => {
  assert.deepStrictEqual(apply(null, { metadata: { name: 'x' } }), { metadata: { name: 'x' } });
  assert.deepStrictEqual(apply({ metadata: { name: 'x' } }, undefined), { metadata: { name: 'x' } });
});
