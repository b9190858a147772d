import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TransformError, describeStoredValue, parseEncryptionConfiguration, transformerFor } from '../src/index.ts';
import type { ValueTransformer } from '../src/index.ts';
import { b64, configText, countingRandom, dec, enc, keyBytes } from './fixtures.ts';
import type { ProviderSpec } from './fixtures.ts';

const KEY = '/registry/secrets/default/db';
const OBJ = enc.encode('{"kind":"Secret","apiVersion":"v1","data":{"password":"aHVudGVyMg=="}}');

function keyed(type: 'aescbc' | 'aesgcm' | 'secretbox', ...keys: [string, number, number][]): ProviderSpec {
  return { type, keys: keys.map(([name, len, seed]) => ({ name, secret: b64(keyBytes(len, seed)) })) };
}

function secretsTransformer(...providers: ProviderSpec[]): ValueTransformer {
  const c = parseEncryptionConfiguration(configText([{ resources: ['secrets'], providers }]));
  return transformerFor(c, '', 'secrets', { randomBytes: countingRandom() });
}

function readError(t: ValueTransformer, stored: Uint8Array, ctx = KEY): TransformError {
  try {
    t.fromStorage(stored, ctx);
  } catch (err: unknown) {
    assert.ok(err instanceof TransformError, `expected TransformError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the read to fail');
}

describe('round trips', () => {
  const cases: [string, ProviderSpec, string][] = [
    ['aescbc-128', keyed('aescbc', ['k', 16, 1]), 'k8s:enc:aescbc:v1:k:'],
    ['aescbc-192', keyed('aescbc', ['k', 24, 1]), 'k8s:enc:aescbc:v1:k:'],
    ['aescbc-256', keyed('aescbc', ['k', 32, 1]), 'k8s:enc:aescbc:v1:k:'],
    ['aesgcm-128', keyed('aesgcm', ['key-a', 16, 2]), 'k8s:enc:aesgcm:v1:key-a:'],
    ['aesgcm-192', keyed('aesgcm', ['key-a', 24, 2]), 'k8s:enc:aesgcm:v1:key-a:'],
    ['aesgcm-256', keyed('aesgcm', ['key-a', 32, 2]), 'k8s:enc:aesgcm:v1:key-a:'],
    ['secretbox', keyed('secretbox', ['sb1', 32, 3]), 'k8s:enc:secretbox:v1:sb1:'],
    ['identity', 'identity', ''],
  ];
  const payloads = [new Uint8Array(0), enc.encode('x'), enc.encode('0123456789abcdef'), OBJ, Uint8Array.from({ length: 5000 }, (_, i) => i & 0xff)];
  for (const [name, provider, prefix] of cases) {
    it(name, () => {
      const t = secretsTransformer(provider);
      for (const p of payloads) {
        const stored = t.toStorage(p, KEY);
        assert.equal(dec.decode(stored.subarray(0, prefix.length)), prefix);
        if (prefix !== '') assert.notDeepEqual(stored.subarray(prefix.length), p);
        const r = t.fromStorage(stored, KEY);
        assert.deepEqual(r, { data: p, stale: false });
      }
    });
  }

  it('uses a fresh IV/nonce per write', () => {
    const t = secretsTransformer(keyed('aesgcm', ['k', 32, 1]));
    assert.notDeepEqual(t.toStorage(OBJ, KEY), t.toStorage(OBJ, KEY));
  });

  it('sizes stored values as kube does', () => {
    const len = (p: ProviderSpec, n: number): number => secretsTransformer(p).toStorage(new Uint8Array(n), KEY).length;
    const cbcPrefix = 'k8s:enc:aescbc:v1:k:'.length;
    assert.equal(len(keyed('aescbc', ['k', 32, 1]), 0), cbcPrefix + 16 + 16);
    assert.equal(len(keyed('aescbc', ['k', 32, 1]), 15), cbcPrefix + 16 + 16);
    assert.equal(len(keyed('aescbc', ['k', 32, 1]), 16), cbcPrefix + 16 + 32);
    assert.equal(len(keyed('aesgcm', ['k', 32, 1]), 10), 'k8s:enc:aesgcm:v1:k:'.length + 12 + 10 + 16);
    assert.equal(len(keyed('secretbox', ['k', 32, 1]), 10), 'k8s:enc:secretbox:v1:k:'.length + 24 + 16 + 10);
  });
});

describe('rotation and staleness', () => {
  it('[new, old] reads old data as stale and writes with new', () => {
    const before = secretsTransformer(keyed('aescbc', ['old', 32, 1]));
    const oldStored = before.toStorage(OBJ, KEY);
    const after = secretsTransformer(keyed('aescbc', ['new', 32, 2], ['old', 32, 1]));
    assert.deepEqual(after.fromStorage(oldStored, KEY), { data: OBJ, stale: true });
    const rewritten = after.toStorage(OBJ, KEY);
    assert.equal(describeStoredValue(rewritten).keyName, 'new');
    assert.deepEqual(after.fromStorage(rewritten, KEY), { data: OBJ, stale: false });
  });

  it('moving from one provider to another marks the old provider stale', () => {
    const old = secretsTransformer(keyed('secretbox', ['s', 32, 1])).toStorage(OBJ, KEY);
    const t = secretsTransformer(keyed('aesgcm', ['g', 16, 2]), keyed('secretbox', ['s', 32, 1]));
    assert.deepEqual(t.fromStorage(old, KEY), { data: OBJ, stale: true });
  });

  it('turning encryption on: [aescbc, identity] reads plain data as stale', () => {
    const t = secretsTransformer(keyed('aescbc', ['k', 32, 1]), 'identity');
    assert.deepEqual(t.fromStorage(OBJ, KEY), { data: OBJ, stale: true });
  });

  it('turning encryption off: [identity, aescbc] reads encrypted data as stale and writes plain', () => {
    const encrypted = secretsTransformer(keyed('aescbc', ['k', 32, 1])).toStorage(OBJ, KEY);
    const t = secretsTransformer('identity', keyed('aescbc', ['k', 32, 1]));
    assert.deepEqual(t.fromStorage(encrypted, KEY), { data: OBJ, stale: true });
    assert.deepEqual(t.toStorage(OBJ, KEY), OBJ);
    assert.deepEqual(t.fromStorage(OBJ, KEY), { data: OBJ, stale: false });
  });

  it('the same provider type twice with different keys: a failure in the first falls through', () => {
    const old = secretsTransformer(keyed('aesgcm', ['k', 32, 1])).toStorage(OBJ, KEY);
    // Both entries call their key "k"; the first has the wrong bytes.
    const t = secretsTransformer(keyed('aesgcm', ['k', 32, 9]), keyed('aesgcm', ['k', 32, 1]));
    assert.deepEqual(t.fromStorage(old, KEY), { data: OBJ, stale: true });
  });

  it('a resource named in two entries reads with both entries\' providers', () => {
    const c = parseEncryptionConfiguration(configText([
      { resources: ['secrets'], providers: [keyed('aesgcm', ['a', 16, 1])] },
      { resources: ['secrets', 'configmaps'], providers: [keyed('aescbc', ['b', 32, 2])] },
    ]));
    const cm = transformerFor(c, '', 'configmaps').toStorage(OBJ, KEY);
    assert.deepEqual(transformerFor(c, '', 'secrets').fromStorage(cm, KEY), { data: OBJ, stale: true });
  });
});

describe('binding to the etcd key', () => {
  const OTHER = '/registry/secrets/kube-system/stolen';
  it('aesgcm: a value moved under another key fails to open', () => {
    const t = secretsTransformer(keyed('aesgcm', ['k', 32, 1]));
    const err = readError(t, t.toStorage(OBJ, KEY), OTHER);
    assert.equal(err.code, 'authentication-failed');
    assert.equal(err.message, 'cipher: message authentication failed');
  });
  for (const p of [keyed('aescbc', ['k', 32, 1]), keyed('secretbox', ['k', 32, 1])]) {
    const type = typeof p === 'string' ? p : p.type;
    it(`${type}: not bound, as in kube (the value still opens under another key)`, () => {
      const t = secretsTransformer(p);
      assert.deepEqual(t.fromStorage(t.toStorage(OBJ, KEY), OTHER), { data: OBJ, stale: false });
    });
  }
});

describe('identity and unmatched prefixes', () => {
  it('an unconfigured resource is plain identity that refuses encrypted bytes', () => {
    const c = parseEncryptionConfiguration(configText([{ resources: ['secrets'], providers: [keyed('aescbc', ['k', 32, 1])] }]));
    const pods = transformerFor(c, '', 'pods');
    assert.deepEqual(pods.toStorage(OBJ, KEY), OBJ);
    assert.deepEqual(pods.fromStorage(OBJ, KEY), { data: OBJ, stale: false });
    const err = readError(pods, transformerFor(c, '', 'secrets').toStorage(OBJ, KEY));
    assert.equal(err.code, 'identity-read-encrypted');
    assert.equal(err.message, 'identity transformer tried to read encrypted data');
  });

  it('plain data with no identity provider configured: no matching prefix', () => {
    const err = readError(secretsTransformer(keyed('aesgcm', ['k', 32, 1])), OBJ);
    assert.equal(err.code, 'no-matching-prefix');
    assert.equal(err.message, 'no matching prefix found');
  });

  it('encrypted data under an identity-only rule: no matching prefix (kube skips identity\'s error)', () => {
    const stored = secretsTransformer(keyed('aesgcm', ['k', 32, 1])).toStorage(OBJ, KEY);
    assert.equal(readError(secretsTransformer('identity'), stored).code, 'no-matching-prefix');
  });

  it('a provider that is not configured: no matching prefix', () => {
    const stored = secretsTransformer(keyed('secretbox', ['k', 32, 1])).toStorage(OBJ, KEY);
    assert.equal(readError(secretsTransformer(keyed('aescbc', ['k', 32, 1])), stored).code, 'no-matching-prefix');
  });

  const unknownKey: [string, ProviderSpec, string][] = [
    ['aescbc', keyed('aescbc', ['k', 32, 1]), 'no matching key was found for the provided AES transformer'],
    ['aesgcm', keyed('aesgcm', ['k', 32, 1]), 'no matching key was found for the provided AES transformer'],
    ['secretbox', keyed('secretbox', ['k', 32, 1]), 'no matching key was found for the provided Secretbox transformer'],
  ];
  for (const [type, provider, message] of unknownKey) {
    it(`${type}: a key name that is not configured`, () => {
      const other = typeof provider === 'string' ? provider : { ...provider, keys: [{ name: 'gone', secret: provider.keys[0]?.secret ?? '' }] };
      const stored = secretsTransformer(other).toStorage(OBJ, KEY);
      const err = readError(secretsTransformer(provider), stored);
      assert.equal(err.code, 'no-matching-key');
      assert.equal(err.message, message);
    });
  }
});

describe('wrong keys and corrupt or truncated data', () => {
  const providers: [string, (seed: number) => ProviderSpec, string][] = [
    ['aescbc', (s) => keyed('aescbc', ['k', 32, s]), 'k8s:enc:aescbc:v1:k:'],
    ['aesgcm', (s) => keyed('aesgcm', ['k', 32, s]), 'k8s:enc:aesgcm:v1:k:'],
    ['secretbox', (s) => keyed('secretbox', ['k', 32, s]), 'k8s:enc:secretbox:v1:k:'],
  ];
  for (const [type, make, prefix] of providers) {
    describe(type, () => {
      const stored = secretsTransformer(make(1)).toStorage(OBJ, KEY);
      const t = secretsTransformer(make(1));

      it('wrong key of the same name is an error, not garbage', () => {
        const err = readError(secretsTransformer(make(2)), stored);
        assert.ok(['authentication-failed', 'invalid-padding'].includes(err.code), err.code);
      });

      it('every single flipped bit is detected or, for unauthenticated aescbc, never yields the original', () => {
        for (let i = prefix.length; i < stored.length; i++) {
          const bad = Uint8Array.from(stored);
          bad[i] = (bad[i] ?? 0) ^ 0x01;
          let out: Uint8Array | undefined;
          try {
            out = t.fromStorage(bad, KEY).data;
          } catch (err: unknown) {
            assert.ok(err instanceof TransformError);
            continue;
          }
          // CBC cannot detect every flip (kube's format has no MAC): it must at least not return the plaintext unchanged.
          assert.equal(type, 'aescbc', `flip at ${i} went undetected`);
          assert.notDeepEqual(out, OBJ);
        }
      });

      it('truncations are errors at every length', () => {
        for (let n = prefix.length; n < stored.length; n++) {
          if (type === 'aescbc' && n > prefix.length + 16 && (n - prefix.length) % 16 === 0) {
            // Dropping whole CBC blocks can leave valid-looking padding; kube cannot tell either.
            continue;
          }
          const err = readError(t, stored.subarray(0, n));
          assert.ok(err instanceof TransformError);
        }
      });
    });
  }

  it('short values get kube\'s messages', () => {
    const cases: [ProviderSpec, string, number, string, string][] = [
      [keyed('aescbc', ['k', 16, 1]), 'k8s:enc:aescbc:v1:k:', 15, 'data-too-short', 'the stored data was shorter than the required size'],
      [keyed('aescbc', ['k', 16, 1]), 'k8s:enc:aescbc:v1:k:', 20, 'invalid-block-size', 'the stored data is not a multiple of the block size'],
      [keyed('aescbc', ['k', 16, 1]), 'k8s:enc:aescbc:v1:k:', 16, 'invalid-padding', 'invalid PKCS7 data (empty or not padded)'],
      [keyed('aesgcm', ['k', 16, 1]), 'k8s:enc:aesgcm:v1:k:', 11, 'data-too-short', 'the stored data was shorter than the required size'],
      [keyed('aesgcm', ['k', 16, 1]), 'k8s:enc:aesgcm:v1:k:', 20, 'authentication-failed', 'cipher: message authentication failed'],
      [keyed('secretbox', ['k', 32, 1]), 'k8s:enc:secretbox:v1:k:', 39, 'data-too-short', 'the stored data was shorter than the required size'],
      [keyed('secretbox', ['k', 32, 1]), 'k8s:enc:secretbox:v1:k:', 40, 'authentication-failed', 'output array was not large enough for encryption'],
    ];
    for (const [p, prefix, n, code, message] of cases) {
      const err = readError(secretsTransformer(p), new Uint8Array([...enc.encode(prefix), ...new Uint8Array(n)]));
      assert.deepEqual([err.code, err.message], [code, message], `${prefix} + ${n} bytes`);
    }
  });

  it('several matching providers failing aggregate their messages', () => {
    const stored = secretsTransformer(keyed('aesgcm', ['k', 32, 1])).toStorage(OBJ, KEY);
    const t = secretsTransformer(keyed('aesgcm', ['k', 32, 2]), keyed('aesgcm', ['x', 32, 3]));
    const err = readError(t, stored);
    assert.equal(err.code, 'multiple-failures');
    assert.equal(err.message, '[cipher: message authentication failed, no matching key was found for the provided AES transformer]');
    assert.equal(err.causes.length, 2);
  });
});

describe('describeStoredValue', () => {
  const cases: [string, object][] = [
    ['{"kind":"Pod"}', { kind: 'plain' }],
    ['k8s\u0000protobuf', { kind: 'plain' }],
    ['k8s:enc:aescbc:v1:key1:xxxx', { kind: 'aescbc', keyName: 'key1' }],
    ['k8s:enc:aesgcm:v1:k:', { kind: 'aesgcm', keyName: 'k' }],
    ['k8s:enc:secretbox:v1:s:...', { kind: 'secretbox', keyName: 's' }],
    ['k8s:enc:kms:v2:vault:...', { kind: 'kms', keyName: 'vault', version: 'v2' }],
    ['k8s:enc:rot13:v1:k:', { kind: 'unknown-encrypted' }],
    ['k8s:enc:aescbc:v2:k:', { kind: 'unknown-encrypted' }],
  ];
  for (const [text, want] of cases) it(JSON.stringify(text), () => assert.deepEqual(describeStoredValue(enc.encode(text)), want));
});
