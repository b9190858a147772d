import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyStrategicMergePatch, createThreeWayMergePatch, createTwoWayMergePatch } from '../src/index.ts';
import { DEPLOYMENT, POD, schemas } from './fixture-schemas.ts';

const two = (o: unknown, m: unknown, root = POD): unknown => createTwoWayMergePatch(o, m, schemas, root);

// The patches kube emits (strategicpatch's own test cases, reproduced by behaviour).
const twoWay: readonly { name: string; original: unknown; modified: unknown; want: unknown; root?: string }[] = [
  { name: 'identical documents give an empty patch', original: { spec: { containers: [{ name: 'a' }] } }, modified: { spec: { containers: [{ name: 'a' }] } }, want: {} },
  { name: 'a changed scalar', original: { spec: { restartPolicy: 'Always' } }, modified: { spec: { restartPolicy: 'Never' } }, want: { spec: { restartPolicy: 'Never' } } },
  { name: 'a removed key becomes null', original: { metadata: { labels: { a: '1', b: '2' } } }, modified: { metadata: { labels: { a: '1' } } }, want: { metadata: { labels: { b: null } } } },
  {
    name: 'a removed container becomes a delete directive, with the order of what is left',
    original: { spec: { containers: [{ name: 'a' }, { name: 'b' }] } },
    modified: { spec: { containers: [{ name: 'b' }] } },
    want: { spec: { containers: [{ name: 'a', $patch: 'delete' }], '$setElementOrder/containers': [{ name: 'b' }] } },
  },
  {
    name: 'a changed container carries its merge key and only the change',
    original: { spec: { containers: [{ name: 'a', image: 'x', command: ['sh'] }] } },
    modified: { spec: { containers: [{ name: 'a', image: 'y', command: ['sh'] }] } },
    want: { spec: { containers: [{ name: 'a', image: 'y' }], '$setElementOrder/containers': [{ name: 'a' }] } },
  },
  {
    name: 'finalizers: additions, parallel deletions and order',
    original: { metadata: { finalizers: ['a', 'b'] } },
    modified: { metadata: { finalizers: ['c', 'b'] } },
    want: { metadata: { finalizers: ['c'], '$deleteFromPrimitiveList/finalizers': ['a'], '$setElementOrder/finalizers': ['c', 'b'] } },
  },
  { name: 'atomic lists are sent whole', original: { spec: { tolerations: [{ key: 'a' }] } }, modified: { spec: { tolerations: [{ key: 'a' }, { key: 'b' }] } }, want: { spec: { tolerations: [{ key: 'a' }, { key: 'b' }] } } },
  {
    name: 'retainKeys strategy: $retainKeys lists the keys kept',
    root: DEPLOYMENT,
    original: { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } },
    modified: { spec: { strategy: { type: 'Recreate' } } },
    want: { spec: { strategy: { type: 'Recreate', rollingUpdate: null, $retainKeys: ['type'] } } },
  },
  {
    name: 'volumes (merge,retainKeys): each changed volume carries $retainKeys',
    original: { spec: { volumes: [{ name: 'v', emptyDir: {} }] } },
    modified: { spec: { volumes: [{ name: 'v', hostPath: { path: '/x' } }] } },
    want: { spec: { volumes: [{ name: 'v', hostPath: { path: '/x' }, emptyDir: null, $retainKeys: ['hostPath', 'name'] }], '$setElementOrder/volumes': [{ name: 'v' }] } },
  },
];

for (const tc of twoWay) {
  test(`two-way: ${tc.name}`, () => {
    const patch = two(tc.original, tc.modified, tc.root);
    assert.deepStrictEqual(patch, tc.want);
    assert.deepStrictEqual(applyStrategicMergePatch(tc.original, patch, schemas, tc.root ?? POD), tc.modified);
  });
}

test('three-way: kubectl apply keeps fields others set, removes what the last apply set and this one drops', () => {
  const lastApplied = { metadata: { labels: { app: 'x', tier: 'web' } }, spec: { containers: [{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:1' }] } };
  const current = {
    metadata: { labels: { app: 'x', tier: 'web', injected: 'yes' } },
    spec: { containers: [{ name: 'a', image: 'a:1', terminationMessagePath: '/dev/t' }, { name: 'b', image: 'b:1' }, { name: 'sidecar', image: 's' }], restartPolicy: 'Always' },
  };
  const modified = { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'a', image: 'a:2' }] } };
  const patch = createThreeWayMergePatch(lastApplied, modified, current, schemas, POD);
  assert.deepStrictEqual(patch, {
    metadata: { labels: { tier: null } },
    spec: { containers: [{ name: 'a', image: 'a:2' }, { name: 'b', $patch: 'delete' }], '$setElementOrder/containers': [{ name: 'a' }] },
  });
  assert.deepStrictEqual(applyStrategicMergePatch(current, patch, schemas, POD), {
    metadata: { labels: { app: 'x', injected: 'yes' } },
    spec: { containers: [{ name: 'a', image: 'a:2', terminationMessagePath: '/dev/t' }, { name: 'sidecar', image: 's' }], restartPolicy: 'Always' },
  });
});

test('three-way: a dropped finalizer is deleted through the parallel list', () => {
  const patch = createThreeWayMergePatch({ metadata: { finalizers: ['a', 'b'] } }, { metadata: { finalizers: ['a'] } }, { metadata: { finalizers: ['a', 'b', 'z'] } }, schemas, POD);
  assert.deepStrictEqual(applyStrategicMergePatch({ metadata: { finalizers: ['a', 'b', 'z'] } }, patch, schemas, POD), { metadata: { finalizers: ['a', 'z'] } });
});

test('diff errors are typed: merge key missing in a document', () => {
  assert.throws(() => two({ spec: { containers: [{ image: 'x' }] } }, { spec: { containers: [{ name: 'a' }] } }), { code: 'SMP_NO_MERGE_KEY' });
  assert.throws(() => two({ $patch: 1 }, { $patch: 'x' }), { code: 'SMP_INVALID_DIRECTIVE_VALUE', message: 'invalid value for special key: $patch' });
  assert.throws(() => two({ spec: { x: { a: 1 } } }, { spec: { x: { a: 2 } } }), { code: 'SMP_FIELD_NOT_FOUND' });
  // An unknown field that did not change needs no metadata.
  assert.deepStrictEqual(two({ spec: { x: { a: 1 } } }, { spec: { x: { a: 1 } } }), {});
});
