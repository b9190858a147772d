import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeKubeProtobuf, encodeKubeProtobuf, KubeProtobufError, type KubeProtobufErrorCode } from '@logbook/kube-protobuf';

const NS = Buffer.from('azhzAAoPCgJ2MRIJTmFtZXNwYWNlEhkKEQoBeBIAGgAiACoAMgA4AEIAEgAaAgoA', 'base64');
const hex = (h: string): Buffer => Buffer.from(h.replace(/\s+/g, ''), 'hex');
const envelope = (apiVersion: string, kind: string, raw: Buffer): Buffer => {
  const tm = Buffer.concat([Buffer.from([0x0a, apiVersion.length]), Buffer.from(apiVersion), Buffer.from([0x12, kind.length]), Buffer.from(kind)]);
  const lenRaw = raw.length < 128 ? Buffer.from([raw.length]) : Buffer.from([(raw.length & 0x7f) | 0x80, raw.length >> 7]);
  return Buffer.concat([hex('6b387300'), Buffer.from([0x0a, tm.length]), tm, Buffer.from([0x12]), lenRaw, raw]);
};

function rejects(bytes: Uint8Array, code: KubeProtobufErrorCode, message?: RegExp, limits?: { maxBytes?: number; maxDepth?: number }): void {
  assert.throws(() => decodeKubeProtobuf(bytes, limits), (err: unknown) => {
    assert.ok(err instanceof KubeProtobufError, `not a KubeProtobufError: ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (message !== undefined) assert.match(err.message, message);
    return true;
  });
}

const CASES: readonly { name: string; bytes: Buffer; code: KubeProtobufErrorCode; message?: RegExp }[] = [
  { name: 'empty', bytes: Buffer.alloc(0), code: 'NotProtobuf', message: /^empty data$/ },
  { name: 'JSON', bytes: Buffer.from('{"kind":"Namespace"}'), code: 'NotProtobuf', message: /does not appear to be a protobuf message, expected prefix \[107 56 115 0\]/ },
  { name: 'prefix only', bytes: hex('6b387300'), code: 'NotProtobuf', message: /^empty body$/ },
  { name: 'no kind', bytes: envelope('v1', '', Buffer.alloc(0)), code: 'Malformed', message: /Object 'Kind' is missing/ },
  { name: 'no apiVersion', bytes: envelope('', 'Namespace', Buffer.alloc(0)), code: 'Malformed', message: /Object 'apiVersion' is missing/ },
  { name: 'unknown kind', bytes: envelope('v1', 'Frobnicator', Buffer.alloc(0)), code: 'UnknownKind', message: /no kind "Frobnicator" is registered for version "v1"/ },
  { name: 'kind in wrong group', bytes: envelope('apps/v1', 'Namespace', Buffer.alloc(0)), code: 'UnknownKind' },
  { name: 'unknown group', bytes: envelope('example.com/v1', 'Deployment', Buffer.alloc(0)), code: 'UnknownKind' },
  { name: 'truncated', bytes: NS.subarray(0, NS.length - 3), code: 'Malformed', message: /unexpected EOF/ },
  { name: 'wrong wire type', bytes: envelope('v1', 'Namespace', hex('0801')), code: 'Malformed', message: /wrong wireType = 0 for field Metadata/ },
  { name: 'field number 0', bytes: envelope('v1', 'Namespace', hex('0000')), code: 'Malformed', message: /illegal tag 0/ },
  { name: 'overlong varint', bytes: envelope('v1', 'Namespace', hex('f801ffffffffffffffffffff01')), code: 'Malformed', message: /integer overflow/ },
  { name: 'length past end', bytes: envelope('v1', 'Namespace', hex('0a7f00')), code: 'Malformed', message: /unexpected EOF/ },
  { name: 'bad wire type 7', bytes: envelope('v1', 'Namespace', hex('2f')), code: 'Malformed' },
  { name: 'invalid RawExtension JSON', bytes: envelope('v1', 'Namespace', hex('0a 0e 8a01 0b 3a 09 0a 07 7b6e6f742d6a73')), code: 'Malformed' },
];

for (const c of CASES) test(`rejects ${c.name}`, () => rejects(c.bytes, c.code, c.message));

test('oversized bodies are refused before parsing', () => {
  rejects(NS, 'TooLarge', /exceeds the limit of 10/, { maxBytes: 10 });
});

test('nesting beyond the limit is refused: a deep message and a deep unknown group', () => {
  const deployment = encodeKubeProtobuf('apps/v1', 'Deployment', { spec: { template: { spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'k' }] }] } } } } } } });
  assert.doesNotThrow(() => decodeKubeProtobuf(deployment));
  rejects(deployment, 'TooDeep', undefined, { maxDepth: 4 });
  // Unknown field 31 as start-group (0xfb 0x01) nested 50 times, then closed: skipping must stop at the limit.
  const open = Array.from({ length: 50 }, () => [0xfb, 0x01]).flat();
  const close = Array.from({ length: 50 }, () => [0xfc, 0x01]).flat();
  const nested = envelope('v1', 'Namespace', Buffer.from([...open, ...close]));
  assert.doesNotThrow(() => decodeKubeProtobuf(nested));
  rejects(nested, 'TooDeep', undefined, { maxDepth: 20 });
});

test('fuzz: random mutations of valid bodies decode or fail with a KubeProtobufError, never anything else', () => {
  let seed = 0x5eed;
  const rand = (n: number): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
  const bodies = [NS, encodeKubeProtobuf('apps/v1', 'Deployment', { metadata: { name: 'd', labels: { a: 'b' } }, spec: { replicas: 1, template: { spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80 }] }] } } } })];
  let failures = 0;
  for (let i = 0; i < 3000; i++) {
    const base = bodies[i % bodies.length] ?? NS;
    const b = Buffer.from(base);
    const edits = 1 + rand(4);
    for (let e = 0; e < edits; e++) b[4 + rand(b.length - 4)] = rand(256);
    const cut = rand(5) === 0 ? b.subarray(0, 4 + rand(b.length - 4)) : b;
    try {
      decodeKubeProtobuf(cut);
    } catch (err: unknown) {
      assert.ok(err instanceof KubeProtobufError, `mutation ${i} threw ${String(err)}`);
      failures += 1;
    }
  }
  assert.ok(failures > 100, 'mutations must actually hit the error paths');
});
