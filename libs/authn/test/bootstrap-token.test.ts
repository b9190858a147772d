import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bootstrapTokenAuthenticator, type SecretLike } from '../src/index.ts';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const b64 = (s: string): string => Buffer.from(s).toString('base64');

function secret(data: Record<string, string>, extra: Partial<SecretLike> = {}): SecretLike {
  return { type: 'bootstrap.kubernetes.io/token', data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])), ...extra };
}
const GOOD = { 'token-id': 'abcdef', 'token-secret': '0123456789abcdef', 'usage-bootstrap-authentication': 'true' };

function authn(s: SecretLike | undefined, seen: string[] = []) {
  return bootstrapTokenAuthenticator({
    getSecret: (ns, name) => { seen.push(`${ns}/${name}`); return Promise.resolve(s); },
    now: () => NOW,
  });
}

describe('bootstrap tokens', () => {
  it('authenticates <id>.<secret> against kube-system/bootstrap-token-<id>', async () => {
    const seen: string[] = [];
    const r = await authn(secret({ ...GOOD, 'auth-extra-groups': 'system:bootstrappers:worker,system:bootstrappers:a' }), seen).authenticateToken('abcdef.0123456789abcdef');
    assert.deepEqual(seen, ['kube-system/bootstrap-token-abcdef']);
    assert.deepEqual(r, { kind: 'ok', user: { name: 'system:bootstrap:abcdef', uid: '', groups: ['system:bootstrappers', 'system:bootstrappers:a', 'system:bootstrappers:worker'], extra: {} } });
  });

  const refused: [string, SecretLike | undefined, string?][] = [
    ['no secret', undefined],
    ['wrong secret value', secret({ ...GOOD, 'token-secret': 'ffffffffffffffff' })],
    ['token-id mismatch', secret({ ...GOOD, 'token-id': 'zzzzzz' })],
    ['wrong type', secret(GOOD, { type: 'Opaque' })],
    ['being deleted', secret(GOOD, { metadata: { deletionTimestamp: '2025-12-31T00:00:00Z' } })],
    ['expired', secret({ ...GOOD, expiration: '2025-12-31T23:59:59Z' })],
    ['unparseable expiration', secret({ ...GOOD, expiration: 'tomorrow' })],
    ['not for authentication', secret({ ...GOOD, 'usage-bootstrap-authentication': 'false' })],
    ['invalid extra group', secret({ ...GOOD, 'auth-extra-groups': 'system:masters' })],
    ['malformed token', secret(GOOD), 'ABCDEF.0123456789abcdef'],
    ['short secret', secret(GOOD), 'abcdef.0123'],
  ];
  for (const [name, s, token] of refused) {
    it(`passes on ${name}`, async () => {
      assert.deepEqual(await authn(s).authenticateToken(token ?? 'abcdef.0123456789abcdef'), { kind: 'none' });
    });
  }

  it('accepts a token whose expiration is in the future', async () => {
    const r = await authn(secret({ ...GOOD, expiration: '2026-01-02T00:00:00+01:00' })).authenticateToken('abcdef.0123456789abcdef');
    assert.equal(r.kind, 'ok');
  });

  it('reports a store failure as an error without the token secret', async () => {
    const a = bootstrapTokenAuthenticator({ getSecret: () => Promise.reject(new Error('etcd unavailable')), now: () => NOW });
    const r = await a.authenticateToken('abcdef.0123456789abcdef');
    assert.equal(r.kind, 'error');
    assert.ok(r.kind === 'error' && !r.message.includes('0123456789abcdef') && r.message.includes('etcd unavailable'));
  });
});
