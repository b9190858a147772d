import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  AuthnError, buildAuthenticator, mintServiceAccountToken, parseSigningKey, parseVerificationKeys, serviceAccountTokenAuthenticator,
  type BoundObjectKind, type LiveObject, type MintOptions,
} from '../src/index.ts';
import { assertErrorWithoutSecret, bearer, okUser } from './helpers.ts';

const ISSUER = 'https://kubernetes.default.svc.cluster.local';
const NOW = Date.parse('2026-03-01T12:00:00Z');

function ecPem(): { priv: string; pub: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { priv: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), pub: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}
const main = ecPem();
const other = ecPem();
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaPriv = rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();

const SA = { name: 'builder', uid: 'sa-uid' };
const POD = { name: 'web-0', uid: 'pod-uid' };

function world(objects: Record<string, LiveObject>) {
  return (kind: BoundObjectKind, ns: string, name: string): Promise<LiveObject | undefined> => Promise.resolve(objects[`${kind}/${ns}/${name}`]);
}
const LIVE = { 'ServiceAccount/ci/builder': { uid: 'sa-uid' }, 'Pod/ci/web-0': { uid: 'pod-uid' } };

function authn(objects: Record<string, LiveObject> = LIVE, now = NOW) {
  return serviceAccountTokenAuthenticator({
    issuers: [ISSUER, 'https://old-issuer'],
    keys: [...parseVerificationKeys(main.pub, 'sa.pub'), ...parseVerificationKeys(rsaPriv, 'rsa.key')],
    apiAudiences: [ISSUER],
    getObject: world(objects),
    now: () => now,
  });
}

function mint(overrides: Partial<MintOptions> = {}, pem = main.priv, bindPod = true) {
  return mintServiceAccountToken({
    key: parseSigningKey(pem, 'sa.key'), issuer: ISSUER, audiences: [ISSUER], expirationSeconds: 3600, nowMs: NOW,
    jti: 'jti-1', namespace: 'ci', serviceAccount: SA, ...(bindPod ? { pod: POD } : {}), ...overrides,
  });
}

describe('service account tokens', () => {
  it('mints a token that authenticates as the service account with pod extras', async () => {
    const { token, expirationTimestamp } = await mint();
    assert.equal(expirationTimestamp, '2026-03-01T13:00:00Z');
    const r = await authn().authenticateToken(token);
    assert.deepEqual(r, {
      kind: 'ok',
      audiences: [ISSUER],
      user: {
        name: 'system:serviceaccount:ci:builder', uid: 'sa-uid', groups: ['system:serviceaccounts', 'system:serviceaccounts:ci'],
        extra: {
          'authentication.kubernetes.io/pod-name': ['web-0'], 'authentication.kubernetes.io/pod-uid': ['pod-uid'],
          'authentication.kubernetes.io/credential-id': ['JTI=jti-1'],
        },
      },
    });
  });

  it('verifies RSA-signed tokens too, and through the chain gets system:authenticated', async () => {
    const { token } = await mint({}, rsaPriv);
    const chain = buildAuthenticator({ tokens: [authn()], apiAudiences: [ISSUER] });
    assert.deepEqual(okUser(await chain.authenticate(bearer(token))).groups, ['system:serviceaccounts', 'system:serviceaccounts:ci', 'system:authenticated']);
  });

  it('ignores tokens that are not JWTs or come from another issuer', async () => {
    assert.deepEqual(await authn().authenticateToken('not-a-jwt'), { kind: 'none' });
    const { token } = await mint({ issuer: 'https://someone-else' });
    assert.deepEqual(await authn().authenticateToken(token), { kind: 'none' });
  });

  const refused: [string, () => Promise<string>, Record<string, LiveObject> | undefined, number | undefined, string | RegExp][] = [
    ['signed by an unknown key', async () => (await mint({}, other.priv)).token, undefined, undefined, 'invalid signature'],
    ['expired', async () => (await mint()).token, undefined, NOW + 3600_000 + 61_000, 'service account token has expired'],
    ['not yet valid', async () => (await mint()).token, undefined, NOW - 120_000, 'service account token is not valid yet'],
    ['for another audience', async () => (await mint({ audiences: ['vault'] })).token, undefined, undefined,
      `token audiences ["vault"] is invalid for the target audiences ["${ISSUER}"]`],
    ['bound to a deleted pod', async () => (await mint()).token, { 'ServiceAccount/ci/builder': { uid: 'sa-uid' } }, undefined, 'service account token has been invalidated'],
    ['bound to a recreated pod', async () => (await mint()).token, { ...LIVE, 'Pod/ci/web-0': { uid: 'new-uid' } }, undefined, 'pod UID (new-uid) does not match claim (pod-uid)'],
    ['of a deleted service account', async () => (await mint()).token, { 'Pod/ci/web-0': { uid: 'pod-uid' } }, undefined, 'service account token has been invalidated'],
    ['bound to a pod deleted over a minute ago', async () => (await mint()).token,
      { ...LIVE, 'Pod/ci/web-0': { uid: 'pod-uid', deletionTimestamp: '2026-03-01T11:58:00Z' } }, undefined, 'service account token has been invalidated'],
    ['bound to a deleted secret', async () => (await mint({ secret: { name: 's', uid: 'u' } }, main.priv, false)).token, undefined, undefined, 'service account token has been invalidated'],
  ];
  for (const [name, make, objects, now, message] of refused) {
    it(`refuses a token ${name}, without echoing it`, async () => {
      const token = await make();
      assertErrorWithoutSecret(await authn(objects, now).authenticateToken(token), token, message);
      // The signature part alone must not leak either.
      assertErrorWithoutSecret(await authn(objects, now).authenticateToken(token), token.split('.')[2] ?? '', message);
    });
  }

  it('refuses a forged payload under a valid signature', async () => {
    const { token } = await mint();
    const [h, p, s] = token.split('.');
    const payload = JSON.parse(Buffer.from(p ?? '', 'base64url').toString()) as Record<string, unknown>;
    payload.sub = 'system:serviceaccount:kube-system:admin';
    const forged = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
    assertErrorWithoutSecret(await authn().authenticateToken(forged), forged, 'invalid signature');
  });

  it('checks requested audiences (TokenReview) against the token', async () => {
    const { token } = await mint({ audiences: ['vault', ISSUER] });
    const r = await authn().authenticateToken(token, ['vault']);
    assert.deepEqual(r.kind === 'ok' ? r.audiences : undefined, ['vault']);
    assert.equal((await authn().authenticateToken(token, ['other'])).kind, 'error');
  });

  it('refuses unusable keys and mint arguments', async () => {
    assert.throws(() => parseVerificationKeys('nothing here', 'k'), (e: unknown) => e instanceof AuthnError && e.code === 'invalid-key');
    assert.throws(() => parseSigningKey('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n', 'k'), (e: unknown) => e instanceof AuthnError && e.code === 'invalid-key');
    await assert.rejects(mint({ expirationSeconds: 0 }), RangeError);
    await assert.rejects(mint({ audiences: [] }), RangeError);
  });

  it('derives the same key ID from the private and the public key', () => {
    assert.equal(parseSigningKey(main.priv, 'a').kid, parseVerificationKeys(main.pub, 'b')[0]?.kid);
  });
});
