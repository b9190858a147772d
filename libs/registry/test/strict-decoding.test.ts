// fieldValidation over what the body decoder found (repeated keys, attached to
// the body) and what the type decoder finds (unknown fields). The body
// decoder's side is tested in libs/endpoints (body-duplicates, and end to end
// in body-fieldvalidation); here the diagnostics are attached by hand.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attachBodyDiagnostics, type BodyDiagnostics } from '@logbook/apimachinery';
import { MemoryStorage } from '@logbook/apistorage';
import { catalogue } from '@logbook/resources';
import { builtinSchemas } from '@logbook/schemas';
import { Registry, type ResourceStore } from '../src/index.ts';
import { failure } from './failure.ts';

async function configMaps(schemas = true): Promise<ResourceStore> {
  const storage = new MemoryStorage();
  let uid = 0;
  const registry = new Registry({
    etcdPrefix: '/registry', resources: catalogue(), storageFor: () => storage,
    env: { now: () => Date.parse('2026-11-21T10:00:00Z'), uuid: () => `uid-${++uid}`, randomInt: (n) => 3 % n },
    ...(schemas ? { schemas: builtinSchemas() } : {}),
  });
  await registry.lookup('', 'v1', 'namespaces')!.create({ namespace: '' }, { metadata: { name: 'default' } });
  return registry.lookup('', 'v1', 'configmaps')!;
}


const json = (duplicates: BodyDiagnostics['duplicateFields']): BodyDiagnostics => ({ syntax: 'json', duplicateFields: duplicates, yamlErrors: [] });
const CANNOT = 'ConfigMap in version "v1" cannot be handled as a ConfigMap';

/** `{"metadata":{"name":N},"bogus":1,"data":{"a":"1","zz":"x","a":"2"},"extra":true}` as the body decoder returns it. */
function body(name: string): Record<string, unknown> {
  return attachBodyDiagnostics(
    { metadata: { name }, bogus: 1, data: { a: '2', zz: 'x' }, extra: true },
    json([{ path: 'data.a', segments: ['data', 'a'], after: 2 }]),
  );
}

test('Strict: one 400 with repeats and unknown fields in document order', async () => {
  const cms = await configMaps();
  assert.deepEqual(await failure(cms.create({ namespace: 'default', fieldValidation: 'Strict' }, body('s'))), {
    code: 400, message: `${CANNOT}: strict decoding error: unknown field "bogus", duplicate field "data.a", unknown field "extra"`,
  });
});

test('Warn and the default warn per finding and store the object; Ignore is silent', async () => {
  const cms = await configMaps();
  for (const [mode, want] of [['Warn', 3], [undefined, 3], ['Ignore', 0]] as const) {
    const warnings: string[] = [];
    const name = `cm-${String(mode)}`.toLowerCase();
    const created = await cms.create({ namespace: 'default', warnings, ...(mode !== undefined ? { fieldValidation: mode } : {}) }, body(name)) as unknown as { data: Record<string, string> };
    assert.equal(warnings.length, want);
    if (want > 0) assert.deepEqual(warnings, ['unknown field "bogus"', 'duplicate field "data.a"', 'unknown field "extra"']);
    assert.deepEqual(created.data, { a: '2', zz: 'x' });
  }
});

test('a repeat of an unknown field is reported as unknown only, as kube does for typed objects', async () => {
  const cms = await configMaps();
  const b = attachBodyDiagnostics({ metadata: { name: 'u' }, bogus: { x: 2 } }, json([
    { path: 'bogus', segments: ['bogus'], after: 2 },
    { path: 'bogus.x', segments: ['bogus', 'x'], after: 1 },
  ]));
  const warnings: string[] = [];
  await cms.create({ namespace: 'default', warnings }, b);
  assert.deepEqual(warnings, ['unknown field "bogus"']);
});

test('repeats are reported without schemas too (no unknown fields then)', async () => {
  const cms = await configMaps(false);
  const b = attachBodyDiagnostics({ metadata: { name: 'n' } }, json([{ path: 'metadata.name', segments: ['metadata', 'name'], after: 1 }]));
  assert.deepEqual(await failure(cms.create({ namespace: 'default', fieldValidation: 'Strict' }, b)), {
    code: 400, message: `${CANNOT}: strict decoding error: duplicate field "metadata.name"`,
  });
});

test('YAML: goyaml lines lead as one error; unknown fields follow in sorted key order', async () => {
  const cms = await configMaps();
  const yaml = (name: string): Record<string, unknown> => attachBodyDiagnostics(
    { metadata: { name }, zeta: 1, data: { a: 'b' }, alpha: 2 },
    { syntax: 'yaml', duplicateFields: [], yamlErrors: ['line 4: key "a" already set in map', 'line 7: key "kind" already set in map'] },
  );
  assert.deepEqual(await failure(cms.create({ namespace: 'default', fieldValidation: 'Strict' }, yaml('y1'))), {
    code: 400,
    message: `${CANNOT}: strict decoding error: yaml: unmarshal errors:\n  line 4: key "a" already set in map\n  line 7: key "kind" already set in map, unknown field "alpha", unknown field "zeta"`,
  });
  const warnings: string[] = [];
  await cms.create({ namespace: 'default', warnings }, yaml('y2'));
  assert.deepEqual(warnings, ['line 4: key "a" already set in map', 'line 7: key "kind" already set in map', 'unknown field "alpha"', 'unknown field "zeta"']);
  // Unknown fields alone in a YAML body are still sorted (kube re-encodes YAML as JSON from a Go map).
  const plain: string[] = [];
  await cms.create({ namespace: 'default', warnings: plain }, attachBodyDiagnostics({ metadata: { name: 'y3' }, zeta: 1, alpha: 2 }, { syntax: 'yaml', duplicateFields: [], yamlErrors: [] }));
  assert.deepEqual(plain, ['unknown field "alpha"', 'unknown field "zeta"']);
});

test('a body without diagnostics (an internal caller) behaves as before', async () => {
  const cms = await configMaps();
  const warnings: string[] = [];
  await cms.create({ namespace: 'default', warnings }, { metadata: { name: 'plain' }, zeta: 1, alpha: 2 });
  assert.deepEqual(warnings, ['unknown field "zeta"', 'unknown field "alpha"']);
});
