// Golden vectors: fixed key, IV and nonce, compared against bytes produced by
// other implementations (NIST, NaCl, OpenSSL via Python) and decoded by hand
// according to kube's layout, so the stored format is pinned independently
// of this package's own code.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseEncryptionConfiguration, transformerFor } from '../src/index.ts';
import { b64, configText, dec, enc, fixedRandom } from './fixtures.ts';

interface Vector { readonly [field: string]: string }
const vectors = JSON.parse(readFileSync(new URL('../testdata/golden-vectors.json', import.meta.url), 'utf8')) as Record<string, Vector>;

function vector(name: string): Vector {
  const v = vectors[name];
  assert.ok(v !== undefined, `missing vector ${name}`);
  return v;
}

function hex(s: string | undefined): Uint8Array {
  assert.ok(s !== undefined);
  return Uint8Array.from(Buffer.from(s, 'hex'));
}

function toHex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

function transformer(type: 'aescbc' | 'aesgcm' | 'secretbox', keyName: string, key: Uint8Array, random: Uint8Array) {
  const c = parseEncryptionConfiguration(configText([{ resources: ['secrets'], providers: [{ type, keys: [{ name: keyName, secret: b64(key) }] }] }]));
  return transformerFor(c, '', 'secrets', { randomBytes: fixedRandom(random) });
}

/** Splits `k8s:enc:<provider>:v1:<key>:` off by hand and returns the rest. */
function splitPrefix(stored: Uint8Array, provider: string, keyName: string): Uint8Array {
  const prefix = `k8s:enc:${provider}:v1:${keyName}:`;
  assert.equal(dec.decode(stored.subarray(0, prefix.length)), prefix);
  return stored.subarray(prefix.length);
}

describe('golden vectors', () => {
  it('aescbc: NIST SP 800-38A block under kube\'s layout (IV || CBC(PKCS#7))', () => {
    const v = vector('nist-aescbc-128');
    const t = transformer('aescbc', 'nist', hex(v['key']), hex(v['iv']));
    const stored = t.toStorage(hex(v['plaintext']), '/registry/secrets/a/b');
    const rest = splitPrefix(stored, 'aescbc', 'nist');
    assert.equal(rest.length, 16 + 32, 'IV + two blocks (a full block of padding follows 16 bytes of data)');
    assert.equal(toHex(rest.subarray(0, 16)), v['iv']);
    assert.equal(toHex(rest.subarray(16, 32)), v['firstCipherBlock']);
    assert.deepEqual(t.fromStorage(stored, 'anything').data, hex(v['plaintext']));
  });

  it('aescbc-256: full stored value matches OpenSSL', () => {
    const v = vector('logbook-aescbc-256');
    const t = transformer('aescbc', 'key1', hex(v['key']), hex(v['iv']));
    const stored = t.toStorage(enc.encode(v['plaintext']), '/registry/secrets/default/s1');
    const rest = splitPrefix(stored, 'aescbc', 'key1');
    assert.equal(toHex(rest.subarray(0, 16)), v['iv']);
    assert.equal(toHex(rest.subarray(16)), v['ciphertext']);
    // A value written by kube with the same key reads back here.
    const fromKube = new Uint8Array([...enc.encode('k8s:enc:aescbc:v1:key1:'), ...hex(v['iv']), ...hex(v['ciphertext'])]);
    assert.deepEqual(t.fromStorage(fromKube, '/registry/secrets/default/s1'), { data: enc.encode(v['plaintext']), stale: false });
  });

  it('aesgcm: GCM spec test case 2 under kube\'s layout (nonce || ciphertext || tag), empty context', () => {
    const v = vector('nist-aesgcm-128-case2');
    const t = transformer('aesgcm', 'k', hex(v['key']), hex(v['nonce']));
    const rest = splitPrefix(t.toStorage(hex(v['plaintext']), ''), 'aesgcm', 'k');
    assert.equal(toHex(rest.subarray(0, 12)), v['nonce']);
    assert.equal(toHex(rest.subarray(12, 28)), v['ciphertext']);
    assert.equal(toHex(rest.subarray(28)), v['tag']);
  });

  it('aesgcm-128: the etcd key is the additional data, matching OpenSSL', () => {
    const v = vector('logbook-aesgcm-128');
    const aad = v['aad'] ?? '';
    const t = transformer('aesgcm', 'k2', hex(v['key']), hex(v['nonce']));
    const stored = t.toStorage(enc.encode(v['plaintext']), aad);
    const rest = splitPrefix(stored, 'aesgcm', 'k2');
    assert.equal(toHex(rest.subarray(0, 12)), v['nonce']);
    assert.equal(toHex(rest.subarray(12)), v['ciphertextAndTag']);
    assert.deepEqual(t.fromStorage(stored, aad).data, enc.encode(v['plaintext']));
    assert.throws(() => t.fromStorage(stored, aad + 'x'), { code: 'authentication-failed' });
  });

  it('secretbox: the NaCl vector under kube\'s layout (nonce || tag || ciphertext)', () => {
    const v = vector('nacl-secretbox');
    const t = transformer('secretbox', 'sb', hex(v['key']), hex(v['nonce']));
    const stored = t.toStorage(hex(v['plaintext']), '/registry/secrets/x/y');
    const rest = splitPrefix(stored, 'secretbox', 'sb');
    assert.equal(toHex(rest.subarray(0, 24)), v['nonce']);
    assert.equal(toHex(rest.subarray(24)), v['box']);
    assert.deepEqual(t.fromStorage(stored, '/registry/secrets/x/y').data, hex(v['plaintext']));
  });
});
