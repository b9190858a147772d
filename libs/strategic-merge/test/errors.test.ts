import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StrategicMergeError, applyStrategicMergePatch, httpStatusFor } from '../src/index.ts';
import type { StrategicMergeErrorCode } from '../src/index.ts';
import { POD, schemas } from './fixture-schemas.ts';

const original = {
  metadata: { name: 'p', finalizers: ['a'], labels: { x: '1' } },
  spec: { containers: [{ name: 'a', image: 'a:1', ports: [{ containerPort: 80 }] }], tolerations: [{ key: 't' }], volumes: [] },
};

// Each malformed patch, the code it must raise, and kube's message where kube has one.
const cases: readonly { name: string; patch: unknown; code: StrategicMergeErrorCode; message?: string | RegExp; http: number }[] = [
  { name: 'merge key missing in a patch element', patch: { spec: { containers: [{ image: 'x' }] } }, code: 'SMP_NO_MERGE_KEY', message: 'map: map[image:x] does not contain declared merge key: name', http: 500 },
  { name: 'merge key missing in a delete directive', patch: { spec: { containers: [{ $patch: 'delete' }] } }, code: 'SMP_NO_MERGE_KEY', message: 'map: map[$patch:delete] does not contain declared merge key: name', http: 500 },
  { name: 'unknown $patch value on a map', patch: { metadata: { labels: { $patch: 'frobnicate' } } }, code: 'SMP_BAD_PATCH_TYPE', message: 'unknown patch type: frobnicate in map: map[$patch:frobnicate]', http: 500 },
  { name: '$patch: merge on a map is not supported by kube', patch: { metadata: { labels: { $patch: 'merge' } } }, code: 'SMP_BAD_PATCH_TYPE', message: 'unknown patch type: merge in map: map[$patch:merge]', http: 500 },
  { name: '$patch of the wrong type', patch: { metadata: { labels: { $patch: 5 } } }, code: 'SMP_BAD_PATCH_TYPE', message: 'unknown patch type: %!s(int64=5) in map: map[$patch:5]', http: 500 },
  { name: '$patch: merge in a list', patch: { spec: { containers: [{ $patch: 'merge' }] } }, code: 'SMP_MERGE_DIRECTIVE_IN_LIST', message: 'merging lists cannot yet be specified in the patch', http: 500 },
  { name: 'unknown $patch in a list element', patch: { spec: { containers: [{ name: 'a', $patch: 'x' }] } }, code: 'SMP_BAD_PATCH_TYPE', message: 'unknown patch type: x in map: map[$patch:x name:a]', http: 500 },
  { name: '$retainKeys not a list', patch: { spec: { $retainKeys: 'containers' } }, code: 'SMP_BAD_RETAIN_KEYS_FORMAT', message: 'invalid patch format of retainKeys', http: 400 },
  { name: 'patch sets a key $retainKeys does not list', patch: { spec: { restartPolicy: 'Never', $retainKeys: ['containers'] } }, code: 'SMP_BAD_RETAIN_KEYS_FORMAT', http: 400 },
  { name: '$setElementOrder not a list', patch: { metadata: { '$setElementOrder/finalizers': 'a' } }, code: 'SMP_BAD_ARG_TYPE', message: 'expected a []interface {}, but received a string', http: 500 },
  { name: '$setElementOrder without a field', patch: { metadata: { $setElementOrder: ['a'] } }, code: 'SMP_BAD_SET_ELEMENT_ORDER_FORMAT', message: 'invalid patch format of setElementOrder list', http: 400 },
  { name: '$setElementOrder missing an item of the patch list', patch: { spec: { '$setElementOrder/containers': [{ name: 'a' }], containers: [{ name: 'b', image: 'b' }] } }, code: 'SMP_SET_ELEMENT_ORDER_MISMATCH', message: /^The order in patch list:\n\[map\[image:b name:b\]\]\n doesn't match \$setElementOrder list:\n\[map\[name:a\]\]\n$/, http: 500 },
  { name: '$setElementOrder for an unknown field', patch: { spec: { '$setElementOrder/sidecars': [] } }, code: 'SMP_FIELD_NOT_FOUND', message: 'unable to find api field in struct PodSpec for the json field "sidecars"', http: 500 },
  { name: '$deleteFromPrimitiveList without a field', patch: { metadata: { $deleteFromPrimitiveList: ['a'] } }, code: 'SMP_BAD_PRIMITIVE_LIST_FORMAT', message: 'invalid patch format of primitive list', http: 400 },
  { name: 'a list of lists', patch: { spec: { volumes: [['a']] } }, code: 'SMP_LIST_OF_LISTS', message: 'lists of lists are not supported', http: 422 },
  { name: 'mixed element types', patch: { metadata: { finalizers: [1] } }, code: 'SMP_MIXED_LIST_TYPES', message: 'list element types are not identical: [[a] [1]]', http: 500 },
  { name: 'a map element where the list holds strings', patch: { spec: { containers: ['a'] } }, code: 'SMP_MIXED_LIST_TYPES', http: 500 },
  { name: 'a null list element', patch: { metadata: { finalizers: [null] } }, code: 'SMP_NULL_LIST_ELEMENT', http: 500 },
];

for (const tc of cases) {
  test(`malformed: ${tc.name}`, () => {
    assert.throws(() => applyStrategicMergePatch(original, tc.patch, schemas, POD), (err: unknown) => {
      assert.ok(err instanceof StrategicMergeError, `not a StrategicMergeError: ${String(err)}`);
      assert.equal(err.code, tc.code, err.message);
      if (typeof tc.message === 'string') assert.equal(err.message, tc.message);
      else if (tc.message !== undefined) assert.match(err.message, tc.message);
      assert.equal(httpStatusFor(err).code, tc.http);
      return true;
    });
  });
}

test('unknown fields: taken when the original lacks them, refused (as kube does) when both sides hold a map there', () => {
  assert.deepEqual(applyStrategicMergePatch({ spec: {} }, { spec: { sidecars: [{ a: 1 }] }, status: { x: 1 } }, schemas, POD), { spec: { sidecars: [{ a: 1 }] }, status: { x: 1 } });
  const orig = { spec: { containers: [{ name: 'a', extra: { x: 1 } }] } };
  assert.throws(() => applyStrategicMergePatch(orig, { spec: { containers: [{ name: 'a', extra: { y: 2 } }] } }, schemas, POD), {
    code: 'SMP_FIELD_NOT_FOUND', message: 'unable to find api field in struct Container for the json field "extra"',
  });
});

test('not JSON data', () => {
  for (const bad of [[], 'x', 5, { a: undefined }, { a: () => 1 }, { a: Number.NaN }, { a: new Date(0) }, { a: 1n }]) {
    assert.throws(() => applyStrategicMergePatch({}, bad, schemas, POD), { code: 'SMP_BAD_JSON_DOC', message: 'invalid JSON document' });
  }
});

test('an unknown root definition', () => {
  assert.throws(() => applyStrategicMergePatch({}, {}, schemas, 'io.k8s.api.core.v1.Nope'), { code: 'SMP_UNKNOWN_DEFINITION' });
});

test('depth limit', () => {
  let deep: unknown = 'x';
  for (let i = 0; i < 500; i++) deep = { a: deep };
  assert.throws(() => applyStrategicMergePatch({}, { metadata: { labels: deep } }, schemas, POD), (err: unknown) => {
    assert.ok(err instanceof StrategicMergeError);
    assert.equal(err.code, 'SMP_DEPTH_EXCEEDED');
    assert.deepEqual(httpStatusFor(err), { code: 400, reason: 'BadRequest', message: err.message });
    return true;
  });
  // 100 levels is the default bound: exactly that many is fine.
  let ok: unknown = 'x';
  for (let i = 0; i < 97; i++) ok = { a: ok };
  assert.doesNotThrow(() => applyStrategicMergePatch({}, { spec: { x: ok } }, schemas, POD));
});

test('size limits: long lists and many values', () => {
  const huge = Array.from({ length: 10_001 }, (_, i) => `f${i}`);
  assert.throws(() => applyStrategicMergePatch({}, { metadata: { finalizers: huge } }, schemas, POD), (err: unknown) => {
    assert.ok(err instanceof StrategicMergeError);
    assert.equal(err.code, 'SMP_TOO_LARGE');
    assert.equal(httpStatusFor(err).code, 413);
    return true;
  });
  const limits = { maxDepth: 100, maxListLength: 100, maxValues: 50 };
  const labels = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, 'v']));
  assert.throws(() => applyStrategicMergePatch({}, { metadata: { labels } }, schemas, POD, { limits }), { code: 'SMP_TOO_LARGE' });
  assert.throws(() => applyStrategicMergePatch({ metadata: { labels } }, {}, schemas, POD, { limits }), { code: 'SMP_TOO_LARGE' });
});

test('422 answers carry kube generic message', () => {
  try {
    applyStrategicMergePatch({ metadata: { finalizers: [] } }, { metadata: { finalizers: [[1]] } }, schemas, POD);
    assert.fail('no error');
  } catch (err) {
    assert.ok(err instanceof StrategicMergeError);
    assert.deepEqual(httpStatusFor(err), { code: 422, reason: 'Invalid', message: 'the server rejected our request due to an error in our request' });
  }
});

test('lists at the length bound merge (indexed lookups, not scans)', () => {
  const n = 10_000;
  const orig = { spec: { containers: Array.from({ length: n }, (_, i) => ({ name: `c${i}`, image: 'x' })) } };
  const patch = { spec: { containers: Array.from({ length: n }, (_, i) => ({ name: `c${n - 1 - i}`, image: 'y' })) } };
  const out = applyStrategicMergePatch(orig, patch, schemas, POD) as { spec: { containers: { name: string; image: string }[] } };
  assert.equal(out.spec.containers.length, n);
  assert.deepEqual(out.spec.containers[0], { name: `c${n - 1}`, image: 'y' });
  assert.deepEqual(out.spec.containers[n - 1], { name: 'c0', image: 'y' });
});
