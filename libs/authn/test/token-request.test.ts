import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { StatusError } from '@logbook/apimachinery';
import { parseSigningKey, parseVerificationKeys, serviceAccountTokenAuthenticator } from '../src/index.ts';
import { evaluateTokenRequest, type BoundObject, type TokenRequestOptions } from '../src/token-request.ts';

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const ISSUER = 'https://kubernetes.default.svc';
const NOW = Date.parse('2026-04-01T00:00:00Z');
const objects: Record<string, BoundObject> = {
  'Pod/ci/web-0': { uid: 'pod-uid', serviceAccountName: 'bot', nodeName: 'n1' },
  'Pod/ci/other': { uid: 'o', serviceAccountName: 'default' },
  'Node//n1': { uid: 'node-uid' },
  'Secret/ci/s': { uid: 'secret-uid' },
};
const options: TokenRequestOptions = {
  key: parseSigningKey(pem, 'k'), issuer: ISSUER, apiAudiences: [ISSUER], maxExpirationSeconds: 0, namespace: 'ci',
  serviceAccount: { name: 'bot', uid: 'sa-uid' }, nowMs: NOW, jti: 'j',
  getBoundObject: (kind, ns, name) => Promise.resolve(objects[`${kind}/${ns}/${name}`]),
};
const body = (spec: Record<string, unknown>) => ({ kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1', metadata: { creationTimestamp: null }, spec });

async function statusOf(p: Promise<unknown>): Promise<StatusError['status']> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof StatusError, String(err));
    return err.status;
  }
  assert.fail('expected a StatusError');
}

describe('TokenRequest', () => {
  it('defaults audiences and expiration and mints a token the authenticator accepts', async () => {
    const r = await evaluateTokenRequest(body({}), options);
    assert.deepEqual(r.spec, { audiences: [ISSUER], expirationSeconds: 3600 });
    assert.equal(r.status.expirationTimestamp, '2026-04-01T01:00:00Z');
    const live = { 'ServiceAccount/ci/bot': { uid: 'sa-uid' } } as Record<string, { uid: string }>;
    const authn = serviceAccountTokenAuthenticator({
      issuers: [ISSUER], keys: parseVerificationKeys(pem, 'k'), apiAudiences: [ISSUER], now: () => NOW,
      getObject: (kind, ns, name) => Promise.resolve(live[`${kind}/${ns}/${name}`]),
    });
    const a = await authn.authenticateToken(r.status.token);
    assert.equal(a.kind === 'ok' ? a.user.name : a.kind, 'system:serviceaccount:ci:bot');
  });

  it('binds to a pod and names its node', async () => {
    const r = await evaluateTokenRequest(body({ boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web-0', uid: 'pod-uid' }, expirationSeconds: 600 }), options);
    const claims = JSON.parse(Buffer.from(r.status.token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
    assert.deepEqual(claims['kubernetes.io'], { namespace: 'ci', node: { name: 'n1', uid: 'node-uid' }, pod: { name: 'web-0', uid: 'pod-uid' }, serviceaccount: { name: 'bot', uid: 'sa-uid' } });
    assert.equal(claims.exp, NOW / 1000 + 600);
  });

  it('clamps to --service-account-max-token-expiration', async () => {
    const r = await evaluateTokenRequest(body({ expirationSeconds: 86_400 }), { ...options, maxExpirationSeconds: 7200 });
    assert.equal(r.spec.expirationSeconds, 7200);
  });

  const refused: [string, Record<string, unknown>, number, string][] = [
    ['too short', { expirationSeconds: 599 }, 422, 'TokenRequest.authentication.k8s.io "bot" is invalid: spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes'],
    ['too long', { expirationSeconds: 2 ** 32 + 1 }, 422, 'TokenRequest.authentication.k8s.io "bot" is invalid: spec.expirationSeconds: Invalid value: 4294967297: may not specify a duration larger than 2^32 seconds'],
    ['a ConfigMap binding', { boundObjectRef: { kind: 'ConfigMap', apiVersion: 'v1', name: 'c' } }, 400, 'cannot bind token to object of type /v1, Kind=ConfigMap'],
    ['a missing pod', { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'gone' } }, 404, 'pods "gone" not found'],
    ['a pod of another service account', { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'other' } }, 400, 'cannot bind token for serviceaccount "bot" to pod running with different serviceaccount name.'],
    ['a stale uid', { boundObjectRef: { kind: 'Secret', apiVersion: 'v1', name: 's', uid: 'old' } }, 409,
      'Operation cannot be fulfilled on Secret "s": the UID in the bound object reference (old) does not match the UID in record. The object might have been deleted and then recreated'],
  ];
  for (const [name, spec, code, message] of refused) {
    it(`refuses ${name}`, async () => {
      const s = await statusOf(evaluateTokenRequest(body(spec), options));
      assert.equal(s.code, code);
      assert.equal(s.message, message);
    });
  }
});
