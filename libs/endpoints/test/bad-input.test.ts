// Every decoder a write goes through — JSON, YAML, the Kubernetes protobuf
// envelope, and the four patch types — fed malformed, truncated, deeply
// nested, oversized and random input through the real front end. Each answer
// must be a Status with a 4xx code (never a 5xx, never a dropped connection),
// and nothing may be stored or changed.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encodeKubeProtobuf } from '@logbook/kube-protobuf';
import { startTlsApiServer, type Reply, type TlsApiServer } from './tls-api-server.ts';

const MAX_BODY = 256 * 1024;
let server: TlsApiServer;
const CMS = '/api/v1/namespaces/default/configmaps';

before(async () => {
  server = await startTlsApiServer({ maxBodyBytes: MAX_BODY });
  const r = await server.call('POST', CMS, JSON.stringify({ metadata: { name: 'keep' }, data: { a: '1' } }));
  assert.equal(r.code, 201, r.body);
});

after(async () => {
  await server[Symbol.asyncDispose]();
});

/** The stored state a bad request must leave alone: every config map's name and resourceVersion. */
async function snapshot(): Promise<string> {
  const r = await server.call('GET', CMS);
  assert.equal(r.code, 200, r.body);
  const list = JSON.parse(r.body) as { items: { metadata: { name: string; resourceVersion: string } }[] };
  return list.items.map((i) => `${i.metadata.name}@${i.metadata.resourceVersion}`).join(',');
}

function assertClientError(r: Reply, label: string, codes: readonly number[] = [400, 413, 415, 422]): void {
  assert.ok(codes.length > 0);
  assert.ok(codes.includes(r.code), `${label}: HTTP ${r.code} ${r.body.slice(0, 300)}`);
  const status = JSON.parse(r.body) as { kind: string; status: string; code: number; message: string };
  assert.equal(status.kind, 'Status', label);
  assert.equal(status.status, 'Failure', label);
  assert.equal(status.code, r.code, label);
  assert.ok(status.message.length > 0 && status.message.length < 20_000, `${label}: a bounded message`);
}

const valid = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'new' }, data: { k: 'v' } });
const validYaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: new\ndata:\n  k: v\n';
const validPb = encodeKubeProtobuf('v1', 'ConfigMap', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'new' }, data: { k: 'v' } });
const nestedJson = (depth: number): string => '{"data":'.repeat(depth) + '{}' + '}'.repeat(depth);
const nestedArray = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
const PB = 'application/vnd.kubernetes.protobuf';

interface Case { readonly label: string; readonly method: 'POST' | 'PUT' | 'PATCH'; readonly body: string | Uint8Array; readonly type: string }

const writes = (label: string, body: string | Uint8Array, type: string): Case[] => [
  { label: `create ${label}`, method: 'POST', body, type },
  ...(type === PB ? [] : [{ label: `replace ${label}`, method: 'PUT' as const, body, type }]),
];

const CASES: readonly Case[] = [
  ...writes('JSON malformed', '{"metadata": {"name": "new",', 'application/json'),
  ...writes('JSON truncated', valid.slice(0, valid.length / 2), 'application/json'),
  ...writes('JSON not an object', '[1,2,3]', 'application/json'),
  ...writes('JSON deeply nested objects', nestedJson(20_000), 'application/json'),
  ...writes('JSON deeply nested arrays', `{"data":${nestedArray(50_000)}}`, 'application/json'),
  ...writes('JSON oversized', JSON.stringify({ metadata: { name: 'big' }, data: { k: 'x'.repeat(MAX_BODY) } }), 'application/json'),
  // Go reads invalid UTF-8 inside strings as U+FFFD, so only bytes where syntax is expected are bad input.
  ...writes('JSON invalid UTF-8', new Uint8Array([...Buffer.from('{"metadata": '), 0xff, 0xfe, 0x7d]), 'application/json'),
  ...writes('YAML malformed', 'metadata: [name: new\n', 'application/yaml'),
  ...writes('YAML truncated', validYaml.slice(0, 30), 'application/yaml'),
  ...writes('YAML deeply nested', `data: ${nestedArray(20_000)}\n`, 'application/yaml'),
  ...writes('YAML alias bomb', 'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n', 'application/yaml'),
  ...writes('YAML oversized', `metadata:\n  name: big\ndata:\n  k: ${'x'.repeat(MAX_BODY)}\n`, 'application/yaml'),
  ...writes('protobuf without the envelope prefix', new Uint8Array([0x0a, 0x02, 0x76, 0x31]), PB),
  ...writes('protobuf truncated', validPb.subarray(0, validPb.length - 3), PB),
  ...writes('protobuf garbage after the prefix', new Uint8Array([0x6b, 0x38, 0x73, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]), PB),
  ...writes('protobuf unknown kind', encodeKubeProtobuf('v1', 'ConfigMap', {}).map((b, i, a) => (i === a.indexOf(0x43) ? 0x44 : b)), PB),
  ...writes('protobuf oversized', new Uint8Array(MAX_BODY + 10).fill(0x6b), PB),
];

const PATCHES: readonly { type: string; body: string; codes?: readonly number[] }[] = [
  { type: 'application/json-patch+json', body: '[{"op":"replace","path":"/data/a"' },
  { type: 'application/json-patch+json', body: '{"op":"add"}' },
  { type: 'application/json-patch+json', body: '[{"op":"move","from":"/data/zz","path":"/data/b"}]' },
  { type: 'application/json-patch+json', body: '[{"op":"test","path":"/data/a","value":"2"}]' },
  { type: 'application/json-patch+json', body: `[{"op":"add","path":"/data/b","value":${nestedArray(20_000)}}]` },
  { type: 'application/merge-patch+json', body: '{"data":{"a":' },
  { type: 'application/merge-patch+json', body: nestedJson(20_000) },
  { type: 'application/merge-patch+json', body: '{"data":{"a":1}}' },
  { type: 'application/strategic-merge-patch+json', body: '{"data":' },
  // kube answers an unknown $patch directive with its strategic-merge library's bare error: a 500 Status.
  { type: 'application/strategic-merge-patch+json', body: '{"$patch":"explode"}', codes: [500] },
  { type: 'application/strategic-merge-patch+json', body: nestedJson(20_000) },
  { type: 'application/apply-patch+yaml', body: 'apiVersion: v1\nkind: ConfigMap\nmetadata: [\n' },
  { type: 'application/apply-patch+yaml', body: 'kind: ConfigMap\nmetadata:\n  name: keep\n' },
  { type: 'application/apply-patch+yaml', body: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: keep\ndata: ${nestedArray(20_000)}\n` },
  { type: 'application/merge-patch+json', body: JSON.stringify({ data: { a: 'x'.repeat(MAX_BODY) } }) },
];

test('malformed, truncated, nested and oversized bodies on create and replace: a 4xx Status, nothing stored', async () => {
  const before = await snapshot();
  for (const c of CASES) {
    const path = c.method === 'PUT' ? `${CMS}/keep` : CMS;
    assertClientError(await server.call(c.method, path, c.body, c.type), c.label);
  }
  assert.equal(await snapshot(), before);
});

test('every patch type, malformed or impossible: a 4xx Status, the object unchanged', async () => {
  const before = await snapshot();
  for (const p of PATCHES) {
    const query = p.type === 'application/apply-patch+yaml' ? '?fieldManager=fuzz' : '';
    assertClientError(await server.call('PATCH', `${CMS}/keep${query}`, p.body, p.type), `${p.type}: ${p.body.slice(0, 60)}`, p.codes);
  }
  assert.equal(await snapshot(), before);
});

test('random bytes and strings in every body type never get a 5xx and never store anything', async () => {
  const before = await snapshot();
  const types = ['application/json', 'application/yaml', PB, 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];
  // Arbitrary text that is not a well-formed object under its name, or bytes behind the protobuf prefix.
  const body = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.uint8Array({ maxLength: 200 }).map((b) => Uint8Array.from([0x6b, 0x38, 0x73, 0x00, ...b])),
    fc.json({ maxDepth: 6 }).map((j) => j.replace(/}$/, '')),
  );
  await fc.assert(fc.asyncProperty(fc.constantFrom(...types), body, async (type, b) => {
    const patch = type.includes('patch');
    const r = await server.call(patch ? 'PATCH' : 'POST', patch ? `${CMS}/keep?fieldManager=fuzz` : CMS, b, type);
    // Random input can be a valid change (a merge patch `{}`, a YAML scalar for a patch); only a 5xx or a malformed answer fails.
    assert.ok(r.code < 500, `HTTP ${r.code} for ${type}: ${r.body.slice(0, 200)}`);
    if (r.code >= 400) assertClientError(r, type, [400, 409, 413, 415, 422]);
  }), { numRuns: 300, seed: 20261122 });
  // A random valid patch may have changed `keep`; nothing new was created either way.
  const names = (s: string): string[] => s.split(',').map((x) => x.split('@')[0]!);
  assert.deepEqual(names(await snapshot()), names(before));
});
