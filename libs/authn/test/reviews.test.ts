import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusError } from '@logbook/apimachinery';
import { buildAuthenticator, parseTokenFile, tokenFileAuthenticator, userInfo, type TokenAuthenticator } from '../src/index.ts';
import { evaluateSelfSubjectReview, evaluateTokenReview } from '../src/reviews.ts';

const API_AUDS = ['https://kubernetes.default.svc'];
const fileTokens = tokenFileAuthenticator(parseTokenFile('file-token,alice,uid-1,dev\n', 'f'));
const audienceAware: TokenAuthenticator = {
  authenticateToken: (token, auds) => Promise.resolve(token === 'sa-token'
    ? { kind: 'ok', user: userInfo('system:serviceaccount:ci:bot'), audiences: ['vault', ...API_AUDS].filter((a) => auds?.includes(a) ?? true) }
    : { kind: 'none' }),
};
const options = { authenticator: buildAuthenticator({ tokens: [fileTokens, audienceAware], anonymous: { enabled: true }, apiAudiences: API_AUDS }), apiAudiences: API_AUDS };
const review = (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}) => ({ kind: 'TokenReview', apiVersion: 'authentication.k8s.io/v1', metadata, spec });

describe('TokenReview', () => {
  it('reports an authenticated user with system:authenticated and the API audiences', async () => {
    const r = await evaluateTokenReview(review({ token: 'file-token' }), options);
    assert.deepEqual(r.status, { authenticated: true, user: { username: 'alice', uid: 'uid-1', groups: ['dev', 'system:authenticated'] }, audiences: API_AUDS });
    assert.equal(r.kind, 'TokenReview');
    assert.equal(r.apiVersion, 'authentication.k8s.io/v1');
  });

  it('honours spec.audiences for audience-aware tokens', async () => {
    const r = await evaluateTokenReview(review({ token: 'sa-token', audiences: ['vault'] }), options);
    assert.deepEqual(r.status.audiences, ['vault']);
    assert.equal(r.status.authenticated, true);
  });

  it('does not vouch for an audience-agnostic token outside the API audiences', async () => {
    const r = await evaluateTokenReview(review({ token: 'file-token', audiences: ['vault'] }), options);
    assert.deepEqual(r.status, { error: 'invalid bearer token' });
  });

  it('reports an unknown token as unauthenticated with an error, never as anonymous, and without the token in the error', async () => {
    const r = await evaluateTokenReview(review({ token: 'sekrit-value' }), options);
    assert.deepEqual(r.status, { error: 'invalid bearer token' });
  });

  const invalid: [string, unknown, string][] = [
    ['no token', review({}), 'token is required for TokenReview in authentication'],
    ['an empty token', review({ token: '' }), 'token is required for TokenReview in authentication'],
    ['a namespace', review({ token: 't' }, { namespace: 'default' }), 'namespace is not allowed on this type: default'],
    ['a non-object body', [], 'not a TokenReview'],
  ];
  for (const [name, body, message] of invalid) {
    it(`answers 400 for ${name}`, async () => {
      await assert.rejects(evaluateTokenReview(body, options), (err: unknown) => err instanceof StatusError && err.code === 400 && err.message === message);
    });
  }
});

describe('SelfSubjectReview', () => {
  const user = userInfo('kubernetes-admin', { uid: 'u', groups: ['system:masters', 'system:authenticated'], extra: { k: ['v'] } });
  for (const version of ['v1', 'v1beta1'] as const) {
    it(`answers ${version} with the caller's user info`, () => {
      const body = { kind: 'SelfSubjectReview', apiVersion: `authentication.k8s.io/${version}`, metadata: { creationTimestamp: null }, status: { userInfo: {} } };
      assert.deepEqual(evaluateSelfSubjectReview(body, user, version, Date.parse('2026-05-01T10:00:00.750Z')), {
        kind: 'SelfSubjectReview', apiVersion: `authentication.k8s.io/${version}`, metadata: { creationTimestamp: '2026-05-01T10:00:00Z' },
        status: { userInfo: { username: 'kubernetes-admin', uid: 'u', groups: ['system:masters', 'system:authenticated'], extra: { k: ['v'] } } },
      });
    });
  }

  it('omits empty fields and refuses bodies of another kind', () => {
    assert.deepEqual(evaluateSelfSubjectReview({}, userInfo('system:anonymous'), 'v1', 0).status, { userInfo: { username: 'system:anonymous' } });
    assert.throws(() => evaluateSelfSubjectReview({ kind: 'TokenReview' }, user, 'v1', 0), (err: unknown) => err instanceof StatusError && err.code === 400);
    assert.throws(() => evaluateSelfSubjectReview('x', user, 'v1', 0), (err: unknown) => err instanceof StatusError && err.code === 400);
  });
});
