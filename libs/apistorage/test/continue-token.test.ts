// Continue tokens: kube-apiserver's format, round trips, and every way a
// token can be malformed or forged.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeContinue, encodeContinue } from '../src/continue-token.ts';
import { StorageError } from '../src/errors.ts';
import { parseResourceVersion } from '../src/resource-version.ts';

const P = '/registry/pods/';
const enc = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('continue tokens', () => {
  it('encodes kube\'s exact bytes and decodes back to the full key', () => {
    const t = encodeContinue('/registry/pods/ns/web-0\u0000', P, 42);
    assert.equal(Buffer.from(t, 'base64url').toString(), '{"v":"meta.k8s.io/v1","rv":42,"start":"ns/web-0\\u0000"}');
    assert.doesNotMatch(t, /=/);
    assert.deepEqual(decodeContinue(t, P), { startKey: '/registry/pods/ns/web-0\u0000', revision: 42 });
  });

  it('accepts a start key with a leading "/" and kube\'s negative "inconsistent" revision', () => {
    assert.deepEqual(decodeContinue(enc({ v: 'meta.k8s.io/v1', rv: -1, start: '/ns/a' }), P), { startKey: '/registry/pods/ns/a', revision: -1 });
  });

  it('refuses to encode a key outside the prefix', () => {
    assert.throws(() => encodeContinue('/registry/secrets/x', P, 1), (e) => e instanceof StorageError && e.code === 'invalidContinue');
    assert.throws(() => encodeContinue(P, P, 1), StorageError);
  });

  const bad: [string, string][] = [
    ['empty', ''],
    ['not base64url', 'a+b/c'],
    ['impossible base64 length', 'abcde'],
    ['not JSON', Buffer.from('{').toString('base64url')],
    ['a JSON array', enc([])],
    ['a JSON string', enc('x')],
    ['unknown version', enc({ v: 'meta.k8s.io/v2', rv: 1, start: 'a' })],
    ['no version', enc({ rv: 1, start: 'a' })],
    ['rv 0', enc({ v: 'meta.k8s.io/v1', rv: 0, start: 'a' })],
    ['rv missing', enc({ v: 'meta.k8s.io/v1', start: 'a' })],
    ['rv not an integer', enc({ v: 'meta.k8s.io/v1', rv: 1.5, start: 'a' })],
    ['rv a string', enc({ v: 'meta.k8s.io/v1', rv: '5', start: 'a' })],
    ['start empty', enc({ v: 'meta.k8s.io/v1', rv: 1, start: '' })],
    ['start not a string', enc({ v: 'meta.k8s.io/v1', rv: 1, start: 7 })],
    ['start climbing out with ..', enc({ v: 'meta.k8s.io/v1', rv: 1, start: '../secrets/x' })],
    ['start with a .. inside', enc({ v: 'meta.k8s.io/v1', rv: 1, start: 'ns/../../x' })],
    ['start with //', enc({ v: 'meta.k8s.io/v1', rv: 1, start: 'ns//a' })],
    ['start with ./', enc({ v: 'meta.k8s.io/v1', rv: 1, start: './a' })],
    ['start ending in /', enc({ v: 'meta.k8s.io/v1', rv: 1, start: 'ns/' })],
  ];
  for (const [name, token] of bad) {
    it(`refuses a token: ${name}`, () => {
      assert.throws(
        () => decodeContinue(token, P),
        (e) => e instanceof StorageError && e.code === 'invalidContinue' && e.message.startsWith('continue key is not valid'),
      );
    });
  }
});

describe('parseResourceVersion', () => {
  const good: [string | undefined, number][] = [[undefined, 0], ['', 0], ['0', 0], ['1', 1], ['007', 7], ['9007199254740991', 9007199254740991]];
  for (const [rv, want] of good) it(`parses ${JSON.stringify(rv)}`, () => assert.equal(parseResourceVersion(rv, '/k'), want));
  for (const rv of ['-1', '+1', '1e3', '0x10', ' 1', '1 ', 'abc', '1.0', '9007199254740993']) {
    it(`refuses ${JSON.stringify(rv)}`, () => {
      assert.throws(() => parseResourceVersion(rv, '/k'), (e) => e instanceof StorageError && e.code === 'invalidResourceVersion');
    });
  }
});
