import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  attachBodyDiagnostics, bodyDiagnostics, MAX_STRICT_ERRORS, strictDecodingFindings, strictPath, yamlDuplicateKeyLine, yamlUnmarshalErrors,
  type BodyDiagnostics,
} from '../src/index.ts';

const json = (d: BodyDiagnostics['duplicateFields']): BodyDiagnostics => ({ syntax: 'json', duplicateFields: d, yamlErrors: [] });

test('strictPath joins keys with dots and lists indices in brackets', () => {
  assert.equal(strictPath(['spec', 'containers', 0, 'image']), 'spec.containers[0].image');
  assert.equal(strictPath(['metadata', 'labels', 'app.kubernetes.io/name']), 'metadata.labels.app.kubernetes.io/name');
  assert.equal(strictPath([0, 'a']), '[0].a');
  assert.equal(strictPath([]), '');
});

test("goyaml's texts", () => {
  assert.equal(yamlDuplicateKeyLine(5, 'name'), 'line 5: key "name" already set in map');
  assert.equal(yamlDuplicateKeyLine(2, 'a"b'), 'line 2: key "a\\"b" already set in map');
  assert.equal(yamlDuplicateKeyLine(3, 1), 'line 3: key 1 already set in map');
  assert.equal(yamlDuplicateKeyLine(3, true), 'line 3: key true already set in map');
  assert.equal(yamlDuplicateKeyLine(3, null), 'line 3: key <nil> already set in map');
  assert.equal(yamlUnmarshalErrors(['line 1: x', 'line 2: y']), 'yaml: unmarshal errors:\n  line 1: x\n  line 2: y');
});

test('diagnostics ride on the object unseen and do not survive a copy', () => {
  const d = json([]);
  const o = attachBodyDiagnostics({ a: 1 }, d);
  assert.equal(bodyDiagnostics(o), d);
  assert.deepEqual(Object.keys(o), ['a']);
  assert.equal(JSON.stringify(o), '{"a":1}');
  assert.equal(bodyDiagnostics(structuredClone(o)), undefined);
  assert.equal(bodyDiagnostics({ ...o }), undefined);
  for (const v of [undefined, null, 1, 'x', {}]) assert.equal(bodyDiagnostics(v), undefined);
});

test('JSON: repeats and unknown fields interleave in document order', () => {
  // {"b":{"x":1,"u":1,"x":2},"a":[{"k":1,"z":0,"k":2}],"c":1}, unknown: b.u, a[0].z, c
  const body = { b: { x: 2, u: 1 }, a: [{ k: 2, z: 0 }], c: 1 };
  const f = strictDecodingFindings(body, ['b.u', 'a[0].z', 'c'], json([
    { path: 'b.x', segments: ['b', 'x'], after: 2 },
    { path: 'a[0].k', segments: ['a', 0, 'k'], after: 2 },
  ]));
  assert.deepEqual(f.errors, ['unknown field "b.u"', 'duplicate field "b.x"', 'unknown field "a[0].z"', 'duplicate field "a[0].k"', 'unknown field "c"']);
  assert.deepEqual(f.warnings, f.errors);
});

test('JSON: a repeat at or under an unknown field is not reported', () => {
  const f = strictDecodingFindings({ u: { v: 1 } }, ['u'], json([{ path: 'u', segments: ['u'], after: 1 }, { path: 'u.v', segments: ['u', 'v'], after: 1 }]));
  assert.deepEqual(f.errors, ['unknown field "u"']);
});

test('nothing found, nothing reported; the total stops at MAX_STRICT_ERRORS', () => {
  assert.deepEqual(strictDecodingFindings({}, [], undefined), { errors: [], warnings: [] });
  assert.deepEqual(strictDecodingFindings({}, [], json([])), { errors: [], warnings: [] });
  const unknown = Array.from({ length: 80 }, (_, i) => `u${i}`);
  const dups = Array.from({ length: 80 }, (_, i) => ({ path: `d${i}`, segments: [`d${i}`], after: 1 }));
  assert.equal(strictDecodingFindings({}, unknown, json(dups)).errors.length, MAX_STRICT_ERRORS);
});

test('YAML: the goyaml error first, unknown fields after it in sorted key order, warnings line by line', () => {
  const body = { spec: { zeta: 1, containers: [{ b: 1, a: 1 }], alpha: 1 } };
  const f = strictDecodingFindings(body, ['spec.zeta', 'spec.containers[0].b', 'spec.containers[0].a', 'spec.alpha'], {
    syntax: 'yaml', duplicateFields: [], yamlErrors: ['line 3: key "x" already set in map', 'line 9: key "y" already set in map'],
  });
  assert.deepEqual(f.errors, [
    'yaml: unmarshal errors:\n  line 3: key "x" already set in map\n  line 9: key "y" already set in map',
    'unknown field "spec.alpha"', 'unknown field "spec.containers[0].a"', 'unknown field "spec.containers[0].b"', 'unknown field "spec.zeta"',
  ]);
  assert.deepEqual(f.warnings, [
    'line 3: key "x" already set in map', 'line 9: key "y" already set in map',
    'unknown field "spec.alpha"', 'unknown field "spec.containers[0].a"', 'unknown field "spec.containers[0].b"', 'unknown field "spec.zeta"',
  ]);
  // list indices sort as numbers: [2] before [10]
  const lists = strictDecodingFindings({ l: Array.from({ length: 11 }, () => ({ q: 1 })) }, ['l[10].q', 'l[2].q'], { syntax: 'yaml', duplicateFields: [], yamlErrors: [] });
  assert.deepEqual(lists.errors, ['unknown field "l[2].q"', 'unknown field "l[10].q"']);
});

test("patch: the patch document's repeats first (unknown keys too), then the patched object's unknown fields sorted", () => {
  // kube's merge-patch case from its field validation integration test.
  const patched = { spec: { unknown1: 'val1', unknownDupe: 'valDupe2', paused: false, template: { spec: { containers: [{ name: 'nginx', unknownNested: 'val1' }] } } } };
  const f = strictDecodingFindings(patched, ['spec.unknown1', 'spec.unknownDupe', 'spec.template.spec.containers[0].unknownNested'], json([
    { path: 'spec.unknownDupe', segments: ['spec', 'unknownDupe'], after: 2 },
    { path: 'spec.paused', segments: ['spec', 'paused'], after: 3 },
    { path: 'spec.template.spec.containers[0].imagePullPolicy', segments: ['spec', 'template', 'spec', 'containers', 0, 'imagePullPolicy'], after: 3 },
  ]), { patch: true });
  assert.equal(f.errors.join(', '), 'duplicate field "spec.unknownDupe", duplicate field "spec.paused", duplicate field "spec.template.spec.containers[0].imagePullPolicy", unknown field "spec.template.spec.containers[0].unknownNested", unknown field "spec.unknown1", unknown field "spec.unknownDupe"');
});
