import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rulesFor } from '../src/index.ts';
import type { JsonObject, KindRules } from '../src/index.ts';

const msgs = (errs: readonly { message(): string }[]): string[] => errs.map((e) => e.message());
const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const rules = (kind: string): KindRules => {
  const r = rulesFor('', kind);
  assert.ok(r !== undefined, kind);
  return r;
};
const KEY_ERR = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
const meta = { name: 'c', namespace: 'default' };

describe('ConfigMap', () => {
  const cm = rules('ConfigMap');
  const cases: { name: string; obj: JsonObject; want: string[] }[] = [
    { name: 'valid', obj: { metadata: meta, data: { 'app.properties': 'a=b', KEY_1: 'x' }, binaryData: { bin: b64('\u0000') } }, want: [] },
    { name: 'bad keys', obj: { metadata: meta, data: { 'a/b': '', '..x': '', '.': '' } }, want: [
      'data[.]: Invalid value: ".": must not be \'.\'',
      'data[..x]: Invalid value: "..x": must not start with \'..\'',
      `data[a/b]: Invalid value: "a/b": ${KEY_ERR}`,
    ] },
    { name: 'key in both maps', obj: { metadata: meta, data: { k: 'v' }, binaryData: { k: b64('v') } }, want: ['data[k]: Invalid value: "k": duplicate of key present in binaryData'] },
    { name: 'over 1 MiB', obj: { metadata: meta, data: { a: 'x'.repeat(600 * 1024) }, binaryData: { b: b64('y'.repeat(500 * 1024)) } }, want: [': Too long: may not be more than 1048576 bytes'] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(msgs(cm.validateCreate?.(c.obj) ?? []), c.want));

  it('immutable: data, binaryData and the flag itself are frozen', () => {
    const old = { metadata: { ...meta, resourceVersion: '1' }, immutable: true, data: { a: '1' } };
    assert.deepEqual(msgs(cm.validateUpdate?.({ ...old }, old) ?? []), []);
    assert.deepEqual(msgs(cm.validateUpdate?.({ ...old, immutable: false, data: { a: '2' }, binaryData: { b: 'AA==' } }, old) ?? []), [
      'immutable: Forbidden: field is immutable when `immutable` is set',
      'data: Forbidden: field is immutable when `immutable` is set',
      'binaryData: Forbidden: field is immutable when `immutable` is set',
    ]);
    const mutable = { ...old, immutable: false };
    assert.deepEqual(msgs(cm.validateUpdate?.({ ...mutable, data: { a: '2' } }, mutable) ?? []), []);
  });
});

describe('Secret', () => {
  const secret = rules('Secret');
  it('defaults type Opaque and folds stringData into data', () => {
    const s: JsonObject = { metadata: meta, data: { a: b64('old'), b: b64('keep') }, stringData: { a: 'new' } };
    secret.default?.(s);
    assert.deepEqual(s, { metadata: meta, type: 'Opaque', data: { a: b64('new'), b: b64('keep') } });
  });
  const cases: { name: string; obj: JsonObject; want: string[] }[] = [
    { name: 'valid opaque', obj: { metadata: meta, type: 'Opaque', data: { x: b64('y') } }, want: [] },
    { name: 'tls keys', obj: { metadata: meta, type: 'kubernetes.io/tls', data: {} }, want: ['data[tls.crt]: Required value', 'data[tls.key]: Required value'] },
    { name: 'basic-auth needs one of username/password', obj: { metadata: meta, type: 'kubernetes.io/basic-auth' }, want: ['data[username]: Required value', 'data[password]: Required value'] },
    { name: 'basic-auth with an empty password', obj: { metadata: meta, type: 'kubernetes.io/basic-auth', data: { password: '' } }, want: [] },
    { name: 'ssh-auth', obj: { metadata: meta, type: 'kubernetes.io/ssh-auth', data: { 'ssh-privatekey': '' } }, want: ['data[ssh-privatekey]: Required value'] },
    { name: 'service account token', obj: { metadata: meta, type: 'kubernetes.io/service-account-token' }, want: ['metadata.annotations[kubernetes.io/service-account.name]: Required value'] },
    { name: 'dockerconfigjson must be a JSON object', obj: { metadata: meta, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('hello') } }, want: [
      'data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": invalid character \'h\' looking for beginning of value',
    ] },
    { name: 'dockerconfigjson missing', obj: { metadata: meta, type: 'kubernetes.io/dockerconfigjson' }, want: ['data[.dockerconfigjson]: Required value'] },
    { name: 'dockercfg must not be an array', obj: { metadata: meta, type: 'kubernetes.io/dockercfg', data: { '.dockercfg': b64('[1]') } }, want: [
      'data[.dockercfg]: Invalid value: "<secret contents redacted>": json: cannot unmarshal array into Go value of type map[string]interface {}',
    ] },
    { name: 'dockercfg valid', obj: { metadata: meta, type: 'kubernetes.io/dockercfg', data: { '.dockercfg': b64('{"r":{}}') } }, want: [] },
    { name: 'data too large', obj: { metadata: meta, type: 'Opaque', data: { a: b64('x'.repeat(1024 * 1024 + 1)) } }, want: ['data: Too long: may not be more than 1048576 bytes'] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(msgs(secret.validateCreate?.(c.obj) ?? []), c.want));
  it('type is immutable and immutable secrets keep their data', () => {
    const old = { metadata: { ...meta, resourceVersion: '1' }, type: 'Opaque', immutable: true, data: { a: b64('1') } };
    assert.deepEqual(msgs(secret.validateUpdate?.({ ...old, type: 'kubernetes.io/ssh-auth', data: { 'ssh-privatekey': b64('k') } }, old) ?? []), [
      'type: Invalid value: "kubernetes.io/ssh-auth": field is immutable',
      'data: Forbidden: field is immutable when `immutable` is set',
    ]);
  });
});

describe('Namespace and ServiceAccount', () => {
  const ns = rules('Namespace');
  it('defaults the name label and phase', () => {
    const n: JsonObject = { metadata: { name: 'team-a', labels: { [`kubernetes.io/metadata.name`]: 'spoofed', x: 'y' } } };
    ns.default?.(n);
    assert.deepEqual(n, { metadata: { name: 'team-a', labels: { 'kubernetes.io/metadata.name': 'team-a', x: 'y' } }, status: { phase: 'Active' } });
  });
  it('validates the name as a DNS label and spec.finalizers', () => {
    assert.deepEqual(msgs(ns.validateCreate?.({ metadata: { name: 'team-a' }, spec: { finalizers: ['kubernetes', 'example.com/x', 'custom'] } }) ?? []), [
      'spec.finalizers: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified',
    ]);
    assert.deepEqual(msgs(ns.validateCreate?.({ metadata: { name: 'a.b', namespace: 'x' } }) ?? []), [
      'metadata.name: Invalid value: "a.b": must not contain dots',
      'metadata.namespace: Forbidden: not allowed on this type',
    ]);
  });
  it('service accounts use subdomain names', () => {
    const sa = rules('ServiceAccount');
    assert.deepEqual(msgs(sa.validateCreate?.({ metadata: { name: 'builder.v2', namespace: 'ci' } }) ?? []), []);
    assert.equal(msgs(sa.validateCreate?.({ metadata: { name: 'Builder', namespace: 'ci' } }) ?? []).length, 1);
  });
});
