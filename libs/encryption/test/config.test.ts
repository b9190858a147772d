import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { EncryptionConfigError, encryptionStatus, parseEncryptionConfiguration } from '../src/index.ts';
import { b64, configText, keyBytes } from './fixtures.ts';

const K32 = b64(keyBytes(32, 1));
const K16 = b64(keyBytes(16, 2));

const VALID_YAML = `
apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources:
      - secrets
      - configmaps
    providers:
      - aesgcm:
          keys:
            - name: key2
              secret: ${K16}
            - name: key1
              secret: ${K32}
      - identity: {}
  - resources:
      - '*.apps'
    providers:
      - secretbox:
          keys:
            - name: sb
              secret: ${K32}
  - resources:
      - '*.*'
    providers:
      - aescbc:
          keys:
            - name: cbc
              secret: ${K32}
`;

function parseError(text: string, path?: string): EncryptionConfigError {
  try {
    parseEncryptionConfiguration(text, path);
  } catch (err: unknown) {
    assert.ok(err instanceof EncryptionConfigError, `expected EncryptionConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the configuration to be rejected');
}

describe('parseEncryptionConfiguration: valid input', () => {
  it('parses YAML with several entries, providers in order', () => {
    const c = parseEncryptionConfiguration(VALID_YAML, '/etc/enc.yaml');
    assert.equal(c.resources.length, 3);
    assert.deepEqual(c.resources[0]?.resources, ['secrets', 'configmaps']);
    assert.deepEqual(c.resources[0]?.providers.map((p) => p.type), ['aesgcm', 'identity']);
    const gcm = c.resources[0]?.providers[0];
    assert.ok(gcm !== undefined && gcm.type === 'aesgcm');
    assert.deepEqual(gcm.keys.map((k) => [k.name, k.secret.length]), [['key2', 16], ['key1', 32]]);
    assert.deepEqual(c.warnings, []);
  });

  it('parses the same configuration written as JSON', () => {
    const c = parseEncryptionConfiguration(configText([{ resources: ['secrets'], providers: [{ type: 'aescbc', keys: [{ name: 'k', secret: K32 }] }, 'identity'] }]));
    assert.deepEqual(c.resources[0]?.providers.map((p) => p.type), ['aescbc', 'identity']);
  });

  it('resolves rules: exact, then *.group, then *.*, else identity', () => {
    const c = parseEncryptionConfiguration(VALID_YAML);
    const cases: [string, string, string][] = [
      ['', 'secrets', 'aesgcm'],
      ['', 'configmaps', 'aesgcm'],
      ['apps', 'deployments', 'secretbox'],
      ['batch', 'jobs', 'aescbc'],
      ['', 'pods', 'aescbc'],
    ];
    for (const [group, resource, want] of cases) assert.equal(encryptionStatus(c, group, resource).writeProvider, want, `${resource}.${group}`);
    const only = parseEncryptionConfiguration(configText([{ resources: ['secrets'], providers: ['identity'] }]));
    assert.deepEqual(encryptionStatus(only, '', 'pods'), { writeProvider: 'identity', configured: false });
    assert.deepEqual(encryptionStatus(only, '', 'secrets'), { writeProvider: 'identity', configured: true });
    assert.deepEqual(encryptionStatus(c, '', 'secrets'), { writeProvider: 'aesgcm', writeKeyName: 'key2', configured: true });
  });

  it('appends providers when a resource appears in two entries (as kube does)', () => {
    const c = parseEncryptionConfiguration(configText([
      { resources: ['secrets'], providers: [{ type: 'aesgcm', keys: [{ name: 'a', secret: K16 }] }] },
      { resources: ['secrets'], providers: [{ type: 'aescbc', keys: [{ name: 'b', secret: K32 }] }] },
    ]));
    assert.deepEqual(encryptionStatus(c, '', 'secrets'), { writeProvider: 'aesgcm', writeKeyName: 'a', configured: true });
  });

  it('warns about a key name used twice in one provider', () => {
    const c = parseEncryptionConfiguration(configText([{ resources: ['secrets'], providers: [{ type: 'aescbc', keys: [{ name: 'k', secret: K32 }, { name: 'k', secret: K16 }] }] }]));
    assert.equal(c.warnings.length, 1);
    assert.match(c.warnings[0] ?? '', /resources\[0\]\.providers\[0\]\.aescbc: key name "k" is used more than once/);
  });

  it('accepts every AES key size and the secretbox size; secrets may wrap lines', () => {
    for (const n of [16, 24, 32]) {
      for (const type of ['aescbc', 'aesgcm'] as const) {
        parseEncryptionConfiguration(configText([{ resources: ['secrets'], providers: [{ type, keys: [{ name: 'k', secret: b64(keyBytes(n, n)) }] }] }]));
      }
    }
    const wrapped = K32.slice(0, 20) + '\n' + K32.slice(20);
    parseEncryptionConfiguration(configText([{ resources: ['secrets'], providers: [{ type: 'secretbox', keys: [{ name: 'k', secret: wrapped }] }] }]));
  });
});

describe('parseEncryptionConfiguration: key material stays secret', () => {
  it('never prints secrets through inspect, JSON or String', () => {
    const c = parseEncryptionConfiguration(VALID_YAML);
    for (const text of [inspect(c, { depth: 10 }), JSON.stringify(c), String(c.resources[0]?.providers[0] && 'keys' in c.resources[0].providers[0] ? c.resources[0].providers[0].keys[0]?.secret : '')]) {
      assert.ok(!text.includes(K32) && !text.includes(K16), text);
      assert.ok(!text.includes(Buffer.from(keyBytes(32, 1)).toString('hex')));
    }
    assert.match(inspect(c, { depth: 10 }), /SecretKey\(REDACTED\)/);
  });

  it('never puts a secret into an error message', () => {
    const bad = 'c2VjcmV0LXRoYXQtaXMtdG9vLXNob3J0'; // valid base64, 24 bytes: wrong for secretbox
    const both = configText([{ resources: ['secrets'], providers: [{ type: 'secretbox', keys: [{ name: 'k', secret: bad }] }, { type: 'aescbc', keys: [{ name: 'x', secret: K32 }] }] }]);
    const err = parseError(both.replace('"secretbox":{', `"aescbc":{"keys":[{"name":"y","secret":"${K32}"}]},"secretbox":{`));
    assert.ok(!err.message.includes(bad) && !err.message.includes(K32), err.message);
    assert.match(err.message, /more than one provider specified in a single element/);
  });
});

// [name, config text, exact message after "error while parsing file: "]
const PREFIX = 'error while parsing file: ';
const INVALID: readonly [string, string, string][] = [
  ['no resources', configText([]), 'resources: Required value: at least one resources is required'],
  ['empty resource list and providers', configText([{ resources: [], providers: [] }]),
    '[resources[0].resources: Required value: at least one resources[0].resources is required, resources[0].providers: Required value: at least one resources[0].providers is required]'],
  ['bad base64', configText([{ resources: ['secrets'], providers: [{ type: 'aescbc', keys: [{ name: 'k', secret: 'not base64!' }] }] }]),
    'resources[0].providers[0].aescbc.keys[0].secret: Invalid value: "REDACTED": secrets must be base64 encoded'],
  ['unpadded base64', configText([{ resources: ['secrets'], providers: [{ type: 'aescbc', keys: [{ name: 'k', secret: K32.replace(/=+$/, '') }] }] }]),
    'resources[0].providers[0].aescbc.keys[0].secret: Invalid value: "REDACTED": secrets must be base64 encoded'],
  ['url-safe base64', configText([{ resources: ['secrets'], providers: [{ type: 'aescbc', keys: [{ name: 'k', secret: '-_-_-_-_-_-_-_-_-_-_-_==' }] }] }]),
    'resources[0].providers[0].aescbc.keys[0].secret: Invalid value: "REDACTED": secrets must be base64 encoded'],
  ['aescbc key of 10 bytes', configText([{ resources: ['secrets'], providers: [{ type: 'aescbc', keys: [{ name: 'k', secret: b64(keyBytes(10, 1)) }] }] }]),
    'resources[0].providers[0].aescbc.keys[0].secret: Invalid value: "REDACTED": secret is not of the expected length, got 10, expected one of [16 24 32]'],
  ['aesgcm key of 33 bytes', configText([{ resources: ['secrets'], providers: [{ type: 'aesgcm', keys: [{ name: 'k', secret: b64(keyBytes(33, 1)) }] }] }]),
    'resources[0].providers[0].aesgcm.keys[0].secret: Invalid value: "REDACTED": secret is not of the expected length, got 33, expected one of [16 24 32]'],
  ['secretbox key of 16 bytes', configText([{ resources: ['secrets'], providers: [{ type: 'secretbox', keys: [{ name: 'k', secret: K16 }] }] }]),
    'resources[0].providers[0].secretbox.keys[0].secret: Invalid value: "REDACTED": secret is not of the expected length, got 16, expected one of [32]'],
  ['missing key name and secret', configText([{ resources: ['secrets'], providers: [{ type: 'aesgcm', keys: [{ name: '', secret: '' }] }] }]),
    '[resources[0].providers[0].aesgcm.keys[0].name: Required value: name is a mandatory field for a key, resources[0].providers[0].aesgcm.keys[0].secret: Required value: secret is a mandatory field for a key]'],
  ['no keys', configText([{ resources: ['secrets'], providers: [{ type: 'secretbox', keys: [] }] }]),
    'resources[0].providers[0].secretbox.keys: Required value: at least one keys is required'],
  ['empty provider', configText([{ resources: ['secrets'], providers: [] }]).replace('"providers":[]', '"providers":[{}]'),
    'resources[0].providers[0]: Invalid value: {}: provider does not contain any of the expected providers: KMS, AESGCM, AESCBC, Secretbox, Identity'],
  ['null provider body', configText([{ resources: ['secrets'], providers: [] }]).replace('"providers":[]', '"providers":[{"identity":null}]'),
    'resources[0].providers[0]: Invalid value: {}: provider does not contain any of the expected providers: KMS, AESGCM, AESCBC, Secretbox, Identity'],
  ['two providers in one element', configText([{ resources: ['secrets'], providers: [] }]).replace('"providers":[]', '"providers":[{"identity":{},"aescbc":{"keys":[{"name":"k","secret":"' + K32 + '"}]}}]'),
    'resources[0].providers[0]: Invalid value: more than one provider specified in a single element, should split into different list elements'],
  ['kms', configText([{ resources: ['secrets'], providers: [] }]).replace('"providers":[]', '"providers":[{"kms":{"apiVersion":"v2","name":"p","endpoint":"unix:///tmp/kms.sock"}}]'),
    'resources[0].providers[0].kms: Forbidden: KMS providers are not supported by Logbook; use aescbc, aesgcm or secretbox'],
  ['star resource', configText([{ resources: ['*'], providers: ['identity'] }]),
    `resources[0].resources[0]: Invalid value: "*": use '*.' to encrypt all the resources from core API group or *.* to encrypt all resources`],
  ['capital letters', configText([{ resources: ['Secrets'], providers: ['identity'] }]),
    'resources[0].resources[0]: Invalid value: "Secrets": resource name should not contain capital letters'],
  ['non-REST resource', configText([{ resources: ['serviceipallocations'], providers: ['identity'] }]),
    'resources[0].resources[0]: Invalid value: "serviceipallocations": resources which do not have REST API/s cannot be encrypted'],
  ['events.k8s.io group', configText([{ resources: ['events.events.k8s.io'], providers: ['identity'] }]),
    `resources[0].resources[0]: Invalid value: "events.events.k8s.io": '*.events.k8s.io' objects are stored using the 'events' API group in etcd. Use 'events' instead in the config file`],
  ['extensions group', configText([{ resources: ['ingresses.extensions'], providers: ['identity'] }]),
    `resources[0].resources[0]: Invalid value: "ingresses.extensions": 'extensions' group has been removed and cannot be used for encryption`],
  ['resource across groups', configText([{ resources: ['secrets.*'], providers: ['identity'] }]),
    'resources[0].resources[0]: Invalid value: "secrets.*": encrypting the same resource across groups is not supported'],
  ['duplicate within an entry', configText([{ resources: ['secrets', 'secrets'], providers: ['identity'] }]),
    'resources[0].resources: Invalid value: ["secrets","secrets"]: the same resource cannot be specified multiple times'],
  ['wildcard overlap within an entry', configText([{ resources: ['secrets', '*.'], providers: ['identity'] }]),
    `resources[0].resources: Invalid value: ["secrets","*."]: using overlapping resources such as 'secrets' and '*.' in the same resource list is not allowed as they will be masked`],
  ['*.* with anything', configText([{ resources: ['*.*', 'deployments.apps'], providers: ['identity'] }]),
    `resources[0].resources: Invalid value: ["*.*","deployments.apps"]: using overlapping resources such as 'secrets' and '*.' in the same resource list is not allowed as they will be masked`],
];

describe('parseEncryptionConfiguration: invalid configurations (kube wording)', () => {
  for (const [name, text, want] of INVALID) {
    it(name, () => {
      const err = parseError(text);
      assert.equal(err.code, 'invalid-config');
      assert.equal(err.message, PREFIX + want);
      assert.ok(err.fieldErrors.length > 0);
    });
  }

  it('reports every problem at once, across entries', () => {
    const err = parseError(configText([
      { resources: ['Secrets'], providers: ['identity'] },
      { resources: ['pods'], providers: [{ type: 'aescbc', keys: [{ name: 'k', secret: b64(keyBytes(5, 1)) }] }] },
    ]));
    assert.deepEqual(err.fieldErrors.map((e) => e.field), ['resources[0].resources[0]', 'resources[1].providers[0].aescbc.keys[0].secret']);
  });
});

describe('parseEncryptionConfiguration: masking across entries', () => {
  const cases: [string, readonly string[][], string][] = [
    ['resource after *.', [['*.'], ['secrets']], 'resource "secrets" is masked by earlier rule "*."'],
    ['group resource after *.apps', [['*.apps'], ['deployments.apps']], 'resource "deployments.apps" is masked by earlier rule "*.apps"'],
    ['anything after *.*', [['*.*'], ['configmaps']], 'resource "configmaps" is masked by earlier rule "*.*"'],
    ['*. twice', [['*.'], ['*.']], 'resource "*." is masked by earlier rule "*."'],
  ];
  for (const [name, lists, want] of cases) {
    it(name, () => {
      const err = parseError(configText(lists.map((resources) => ({ resources, providers: ['identity' as const] }))));
      assert.equal(err.code, 'masked-resource');
      assert.equal(err.message, `error while building transformers: ${want}`);
    });
  }

  it('allows a specific rule before a wildcard', () => {
    const c = parseEncryptionConfiguration(configText([
      { resources: ['secrets'], providers: [{ type: 'aescbc', keys: [{ name: 'k', secret: K32 }] }] },
      { resources: ['*.'], providers: ['identity'] },
      { resources: ['*.*'], providers: [{ type: 'secretbox', keys: [{ name: 's', secret: K32 }] }] },
    ]));
    assert.equal(encryptionStatus(c, '', 'secrets').writeProvider, 'aescbc');
    assert.equal(encryptionStatus(c, '', 'pods').writeProvider, 'identity');
    assert.equal(encryptionStatus(c, 'apps', 'deployments').writeProvider, 'secretbox');
  });
});

describe('parseEncryptionConfiguration: decoding', () => {
  const base = { apiVersion: 'apiserver.config.k8s.io/v1', kind: 'EncryptionConfiguration', resources: [{ resources: ['secrets'], providers: [{ identity: {} }] }] };
  const cases: [string, string, RegExp][] = [
    ['wrong apiVersion', JSON.stringify({ ...base, apiVersion: 'v1' }), /no kind "EncryptionConfiguration" is registered for version "v1"/],
    ['wrong kind', JSON.stringify({ ...base, kind: 'EncryptionConfig' }), /no kind "EncryptionConfig" is registered for version "apiserver.config.k8s.io\/v1"/],
    ['missing kind', JSON.stringify({ ...base, kind: undefined }), /Object 'Kind' is missing/],
    ['unknown top-level field', JSON.stringify({ ...base, extra: 1 }), /strict decoding error: unknown field "extra"$/],
    ['unknown nested fields', JSON.stringify({ ...base, resources: [{ resources: ['secrets'], providers: [{ identity: { x: 1 } }, { aescbc: { keys: [{ name: 'k', secret: K32, size: 3 }] } }] }] }),
      /strict decoding error: unknown field "resources\[0\]\.providers\[0\]\.identity\.x", unknown field "resources\[0\]\.providers\[1\]\.aescbc\.keys\[0\]\.size"$/],
    ['unknown provider', JSON.stringify({ ...base, resources: [{ resources: ['secrets'], providers: [{ rot13: {} }] }] }), /unknown field "resources\[0\]\.providers\[0\]\.rot13"/],
    ['resources not a list', JSON.stringify({ ...base, resources: { resources: ['secrets'] } }), /json: cannot unmarshal object into Go struct field EncryptionConfiguration\.resources/],
    ['key name not a string', JSON.stringify({ ...base, resources: [{ resources: ['secrets'], providers: [{ aescbc: { keys: [{ name: 7, secret: K32 }] } }] }] }), /cannot unmarshal number into Go struct field Key\.name of type string/],
    ['duplicate YAML key', 'apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nkind: EncryptionConfiguration\nresources: []\n', /yaml: line \d+: duplicate mapping key/],
    ['malformed YAML', 'apiVersion: [unclosed\n', /error converting YAML to JSON/],
    ['a YAML scalar', 'just text\n', /json parse error/],
  ];
  for (const [name, text, want] of cases) {
    it(name, () => {
      const err = parseError(text, '/etc/kubernetes/enc.yaml');
      assert.equal(err.code, 'decode-failed');
      assert.ok(err.message.startsWith('error while parsing file: error decoding encryption provider configuration file "/etc/kubernetes/enc.yaml": '), err.message);
      assert.match(err.message, want);
    });
  }

  it('rejects an empty file with kube\'s message', () => {
    const err = parseError('', '/etc/enc.yaml');
    assert.equal(err.code, 'empty-file');
    assert.equal(err.message, 'error while parsing file: error while loading file: encryption provider configuration file "/etc/enc.yaml" is empty');
  });

  it('does not echo a secret from a decode error', () => {
    const text = JSON.stringify({ ...base, resources: [{ resources: ['secrets'], providers: [{ aescbc: { keys: [{ name: 'k', secret: K32, oops: K16 }] } }] }] });
    const err = parseError(text);
    assert.ok(!err.message.includes(K32) && !err.message.includes(K16));
  });
});
