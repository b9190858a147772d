import assert from 'node:assert/strict';
import { test } from 'node:test';
import { catalogue } from '@logbook/resources';
import { builtinSchemas } from '@logbook/schemas';
import { buildV2Document, buildV3Documents, sha512Hex, v3Index } from '../src/index.ts';

const docs = buildV3Documents(catalogue(), builtinSchemas(), { version: 'v1.33.0' });
type Doc = { paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; 'x-kubernetes-group-version-kind'?: unknown; operationId?: string }>>; components: { schemas: Record<string, Record<string, unknown>> } };
const parse = (key: string): Doc => JSON.parse(docs.get(key)!.bytes.toString('utf8')) as Doc;

test('the index lists every document with the SHA-512 of its bytes', () => {
  const index = JSON.parse(v3Index(docs).bytes.toString('utf8')) as { paths: Record<string, { serverRelativeURL: string }> };
  for (const key of ['api', 'api/v1', 'apis', 'apis/apps', 'apis/apps/v1', 'apis/batch/v1', 'apis/rbac.authorization.k8s.io/v1', 'version']) {
    const doc = docs.get(key);
    assert.ok(doc !== undefined, key);
    assert.equal(index.paths[key]?.serverRelativeURL, `/openapi/v3/${key}?hash=${sha512Hex(doc.bytes)}`);
    assert.match(doc.hash, /^[0-9A-F]{128}$/);
  }
});

test('PATCH of every kind lists fieldValidation, as kubectl checks before validating server-side', () => {
  for (const [key, path, kind] of [
    ['apis/apps/v1', '/apis/apps/v1/namespaces/{namespace}/deployments/{name}', 'Deployment'],
    ['api/v1', '/api/v1/namespaces/{name}', 'Namespace'],
    ['api/v1', '/api/v1/namespaces/{namespace}/configmaps/{name}', 'ConfigMap'],
  ] as const) {
    const patch = parse(key).paths[path]?.patch;
    assert.ok(patch !== undefined, path);
    assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: key === 'api/v1' ? '' : 'apps', version: 'v1', kind });
    assert.deepEqual(patch.parameters?.map((p) => p.name), ['dryRun', 'fieldManager', 'fieldValidation', 'force']);
    assert.ok(patch.parameters?.every((p) => p.in === 'query'));
  }
  const coll = parse('api/v1').paths['/api/v1/namespaces/{namespace}/pods']!;
  assert.equal(coll.get?.operationId, 'listCoreV1NamespacedPod');
  assert.equal(coll.post?.operationId, 'createCoreV1NamespacedPod');
  assert.equal(coll.delete?.operationId, 'deleteCoreV1CollectionNamespacedPod');
  assert.equal(parse('api/v1').paths['/api/v1/pods']?.get?.operationId, 'listCoreV1PodForAllNamespaces');
  assert.equal(parse('apis/apps/v1').paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale']?.patch?.operationId, 'patchAppsV1NamespacedDeploymentScale');
});

test('every $ref of a document resolves inside it, and kinds carry their group-version-kind', () => {
  for (const [key, doc] of docs) {
    const text = doc.bytes.toString('utf8');
    const parsed = JSON.parse(text) as Doc;
    for (const m of text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) {
      assert.ok(parsed.components.schemas[m[1]!] !== undefined, `${key}: ${m[1]} is referenced but not included`);
    }
  }
  const deployment = parse('apis/apps/v1').components.schemas['io.k8s.api.apps.v1.Deployment']!;
  assert.deepEqual(deployment['x-kubernetes-group-version-kind'], [{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
  const containers = (parse('api/v1').components.schemas['io.k8s.api.core.v1.PodSpec']!.properties as Record<string, Record<string, unknown>>).containers!;
  assert.equal(containers.type, 'array');
  assert.deepEqual(containers.items, { allOf: [{ $ref: '#/components/schemas/io.k8s.api.core.v1.Container' }], default: {} });
});

test('the v2 document has every path once, body parameters, and #/definitions refs that resolve', () => {
  const v2 = buildV2Document(catalogue(), builtinSchemas(), { version: 'v1.33.0' }) as { swagger: string; paths: Record<string, Record<string, { parameters?: { name: string; in: string; schema?: unknown; type?: string }[] }>>; definitions: Record<string, unknown> };
  assert.equal(v2.swagger, '2.0');
  const create = v2.paths['/apis/apps/v1/namespaces/{namespace}/deployments']!.post!;
  assert.deepEqual(create.parameters?.[0], { name: 'body', in: 'body', required: true, schema: { $ref: '#/definitions/io.k8s.api.apps.v1.Deployment' } });
  assert.equal(create.parameters?.find((p) => p.name === 'fieldValidation')?.type, 'string');
  const text = JSON.stringify(v2);
  for (const m of text.matchAll(/"\$ref":"#\/definitions\/([^"]+)"/g)) assert.ok(v2.definitions[m[1]!] !== undefined, m[1]);
});
