// Repeated keys end to end: decodeBody finds them, the registry reports them
// with the unknown fields under fieldValidation. The bodies and expected texts
// are those of kube-apiserver's own field validation integration test
// (test/integration/apiserver/field_validation_test.go), for Deployments.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StatusError } from '@logbook/apimachinery';
import { MemoryStorage } from '@logbook/apistorage';
import { Registry, type ResourceStore } from '@logbook/registry';
import { catalogue } from '@logbook/resources';
import { builtinSchemas } from '@logbook/schemas';
import { decodeBody } from '../src/body.ts';

const INVALID_JSON = `{
  "apiVersion": "apps/v1",
  "kind": "Deployment",
  "metadata": {
    "name": "NAME",
    "name": "NAME",
    "unknownMeta": "metaVal"
  },
  "spec": {
    "unknown1": "val1",
    "unknownDupe": "valDupe",
    "unknownDupe": "valDupe2",
    "paused": true,
    "paused": false,
    "selector": { "matchLabels": { "app": "nginx" } },
    "template": {
      "metadata": { "labels": { "app": "nginx" } },
      "spec": {
        "containers": [{
          "name": "nginx",
          "image": "nginx:latest",
          "unknownNested": "val1",
          "imagePullPolicy": "Always",
          "imagePullPolicy": "Never"
        }]
      }
    }
  }
}`;

const INVALID_YAML = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: NAME
  name: NAME
  unknownMeta: metaVal
spec:
  unknown1: val1
  unknownDupe: valDupe
  unknownDupe: valDupe2
  paused: true
  paused: false
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:latest
        unknownNested: val1
        imagePullPolicy: Always
        imagePullPolicy: Never
`;

const JSON_FINDINGS = [
  'duplicate field "metadata.name"',
  'unknown field "metadata.unknownMeta"',
  'unknown field "spec.unknown1"',
  'unknown field "spec.unknownDupe"',
  'duplicate field "spec.paused"',
  'unknown field "spec.template.spec.containers[0].unknownNested"',
  'duplicate field "spec.template.spec.containers[0].imagePullPolicy"',
];

// Lines of the repeated values in INVALID_YAML; kube's own body has other line numbers, the wording is the same.
const YAML_LINES = ['line 5: key "name" already set in map', 'line 10: key "unknownDupe" already set in map', 'line 12: key "paused" already set in map', 'line 26: key "imagePullPolicy" already set in map'];
const YAML_UNKNOWN = [
  'unknown field "metadata.unknownMeta"',
  'unknown field "spec.template.spec.containers[0].unknownNested"',
  'unknown field "spec.unknown1"',
  'unknown field "spec.unknownDupe"',
];

async function deployments(): Promise<ResourceStore> {
  const storage = new MemoryStorage();
  let uid = 0;
  const registry = new Registry({
    etcdPrefix: '/registry', resources: catalogue(), storageFor: () => storage, schemas: builtinSchemas(),
    env: { now: () => Date.parse('2026-11-21T10:00:00Z'), uuid: () => `uid-${++uid}`, randomInt: (n) => 3 % n },
  });
  await registry.lookup('', 'v1', 'namespaces')!.create({ namespace: '' }, { metadata: { name: 'default' } });
  return registry.lookup('apps', 'v1', 'deployments')!;
}

async function statusOf(p: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof StatusError) return { code: err.status.code, message: err.status.message };
    throw err;
  }
  assert.fail('expected a StatusError');
}

const CANNOT = 'Deployment in version "v1" cannot be handled as a Deployment';

test('JSON: Strict is a 400 listing repeats and unknown fields in document order', async () => {
  const store = await deployments();
  const body = decodeBody('application/json', Buffer.from(INVALID_JSON.replaceAll('NAME', 'strict')));
  assert.deepEqual(await statusOf(store.create({ namespace: 'default', fieldValidation: 'Strict' }, body)), {
    code: 400, message: `${CANNOT}: strict decoding error: ${JSON_FINDINGS.join(', ')}`,
  });
});

test('JSON: Warn (and the default) warns once per finding; Ignore is silent; the last value wins', async () => {
  const store = await deployments();
  for (const [mode, name, want] of [['Warn', 'warn', JSON_FINDINGS], [undefined, 'default', JSON_FINDINGS], ['Ignore', 'ignore', []]] as const) {
    const warnings: string[] = [];
    const body = decodeBody('application/json', Buffer.from(INVALID_JSON.replaceAll('NAME', name)));
    const created = await store.create({ namespace: 'default', warnings, ...(mode !== undefined ? { fieldValidation: mode } : {}) }, body) as unknown as { spec: { paused: boolean } };
    assert.deepEqual(warnings, want, String(mode));
    assert.equal(created.spec.paused, false);
  }
});

test('YAML: goyaml lines first as one error, then unknown fields in sorted order', async () => {
  const store = await deployments();
  const strict = decodeBody('application/yaml', Buffer.from(INVALID_YAML.replaceAll('NAME', 'strict-yaml')));
  assert.deepEqual(await statusOf(store.create({ namespace: 'default', fieldValidation: 'Strict' }, strict)), {
    code: 400, message: `${CANNOT}: strict decoding error: yaml: unmarshal errors:\n  ${YAML_LINES.join('\n  ')}, ${YAML_UNKNOWN.join(', ')}`,
  });
  const warnings: string[] = [];
  await store.create({ namespace: 'default', fieldValidation: 'Warn', warnings }, decodeBody('application/yaml', Buffer.from(INVALID_YAML.replaceAll('NAME', 'warn-yaml'))));
  assert.deepEqual(warnings, [...YAML_LINES, ...YAML_UNKNOWN]);
});

test('PUT reports the same way as POST', async () => {
  const store = await deployments();
  await store.create({ namespace: 'default' }, decodeBody('application/json', Buffer.from(INVALID_JSON.replaceAll('NAME', 'put'))));
  const body = decodeBody('application/json', Buffer.from(INVALID_JSON.replaceAll('NAME', 'put')));
  assert.deepEqual(await statusOf(store.update({ namespace: 'default', fieldValidation: 'Strict' }, 'put', body)), {
    code: 400, message: `${CANNOT}: strict decoding error: ${JSON_FINDINGS.join(', ')}`,
  });
});

test('a body with repeats only (no unknown fields) is reported; a clean body is not', async () => {
  const store = await deployments();
  const dupOnly = INVALID_JSON.replace('"unknownMeta": "metaVal"', '"labels": {"a": "1", "a": "2"}').replace(/\s*"unknown(1|Dupe|Nested)": "[^"]*",?/g, '').replaceAll('NAME', 'dup');
  const warnings: string[] = [];
  await store.create({ namespace: 'default', warnings }, decodeBody('application/json', Buffer.from(dupOnly)));
  assert.deepEqual(warnings, ['duplicate field "metadata.name"', 'duplicate field "metadata.labels.a"', 'duplicate field "spec.paused"', 'duplicate field "spec.template.spec.containers[0].imagePullPolicy"']);
  const clean: string[] = [];
  await store.create({ namespace: 'default', warnings: clean, fieldValidation: 'Strict' }, decodeBody('application/json', Buffer.from('{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"clean"},"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}}')));
  assert.deepEqual(clean, []);
});
