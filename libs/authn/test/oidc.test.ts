import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SignJWT, exportJWK, generateKeyPair, type JWK, type CryptoKey } from 'jose';
import { oidcAuthenticator, validateOidcConfig, type OidcConfig } from '../src/oidc.ts';
import { assertErrorWithoutSecret } from './helpers.ts';

const ISSUER = 'https://issuer.example.com';
const NOW = Date.parse('2026-06-01T00:00:00Z');
let server: Server;
let base = '';
let signing: CryptoKey;
let rotated: CryptoKey;
let stranger: CryptoKey;
const jwks: { keys: JWK[] } = { keys: [] };
let fetches: string[] = [];
let rotatedJwk: JWK;

before(async () => {
  const a = await generateKeyPair('RS256');
  const b = await generateKeyPair('RS256');
  const c = await generateKeyPair('RS256');
  signing = a.privateKey;
  rotated = b.privateKey;
  stranger = c.privateKey;
  jwks.keys.push({ ...(await exportJWK(a.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' });
  rotatedJwk = { ...(await exportJWK(b.publicKey)), kid: 'k2', alg: 'RS256', use: 'sig' };
  server = createServer((req, res) => {
    fetches.push(req.url ?? '');
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') res.end(JSON.stringify({ issuer: ISSUER, jwks_uri: `${ISSUER}/keys` }));
    else if (req.url === '/keys') res.end(JSON.stringify(jwks));
    else { res.statusCode = 404; res.end('{}'); }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

// The issuer is https as kube requires; the test routes it to the local server.
const fetchJson = async (url: string): Promise<unknown> => {
  const res = await fetch(url.replace(ISSUER, base));
  if (!res.ok) throw new Error(`${res.status}`);
  return res.json();
};
let clock = NOW;
const config = (over: Partial<OidcConfig> = {}): OidcConfig => ({ issuerUrl: ISSUER, clientId: 'kubectl', groupsClaim: 'groups', fetchJson, now: () => clock, ...over });

function idToken(claims: Record<string, unknown>, key: CryptoKey = signing, kid = 'k1'): Promise<string> {
  const iat = Math.floor(NOW / 1000);
  return new SignJWT({ iss: ISSUER, aud: 'kubectl', sub: 'user-1', iat, exp: iat + 600, ...claims }).setProtectedHeader({ alg: 'RS256', kid }).sign(key);
}

describe('OIDC', () => {
  it('discovers the keys and prefixes the sub with the issuer by default', async () => {
    fetches = [];
    const r = await oidcAuthenticator(config()).authenticateToken(await idToken({ groups: ['dev', 'ops'] }));
    assert.deepEqual(r, { kind: 'ok', user: { name: `${ISSUER}#user-1`, uid: '', groups: ['dev', 'ops'], extra: {} } });
    assert.deepEqual(fetches, ['/.well-known/openid-configuration', '/keys']);
  });

  const mapping: [string, Partial<OidcConfig>, Record<string, unknown>, string, string[]][] = [
    ['email claim: no default prefix', { usernameClaim: 'email' }, { email: 'a@x.io', email_verified: true }, 'a@x.io', []],
    ['explicit prefixes', { usernamePrefix: 'oidc:', groupsPrefix: 'oidc:' }, { groups: 'dev' }, 'oidc:user-1', ['oidc:dev']],
    ['"-" disables the prefix', { usernamePrefix: '-' }, {}, 'user-1', []],
    ['a custom claim', { usernameClaim: 'preferred_username', usernamePrefix: '-' }, { preferred_username: 'ann' }, 'ann', []],
  ];
  for (const [name, over, claims, user, groups] of mapping) {
    it(name, async () => {
      const r = await oidcAuthenticator(config({ jwks, ...over })).authenticateToken(await idToken(claims));
      assert.equal(r.kind === 'ok' ? r.user.name : JSON.stringify(r), user);
      assert.deepEqual(r.kind === 'ok' ? r.user.groups : [], groups);
    });
  }

  it('ignores tokens of another issuer and non-JWTs', async () => {
    const a = oidcAuthenticator(config({ jwks }));
    assert.deepEqual(await a.authenticateToken(await idToken({ iss: 'https://other' })), { kind: 'none' });
    assert.deepEqual(await a.authenticateToken('opaque-token'), { kind: 'none' });
  });

  const refused: [string, () => Promise<string>, Partial<OidcConfig>, string | RegExp][] = [
    ['forged signature', () => idToken({}, stranger), {}, /^oidc: verify token: failed to verify signature: /],
    ['expired', () => idToken({ exp: Math.floor(NOW / 1000) - 1 }), {}, 'oidc: verify token: oidc: token is expired (Token Expiry: 2026-05-31 23:59:59 +0000 UTC)'],
    ['wrong audience', () => idToken({ aud: ['other', 'x'] }), {}, 'oidc: verify token: oidc: expected audience "kubectl" got ["other" "x"]'],
    ['unverified email', () => idToken({ email: 'a@x.io', email_verified: false }), { usernameClaim: 'email' }, 'oidc: email not verified'],
    ['missing username claim', () => idToken({}), { usernameClaim: 'email' }, 'oidc: parse username claims "email": claim not present'],
    ['bad groups claim', () => idToken({ groups: [1] }), {}, 'oidc: parse groups claim "groups": claim is not a string or an array of strings'],
    ['missing required claim', () => idToken({}), { requiredClaims: { hd: 'x.io' } }, 'oidc: required claim hd not present in ID token'],
    ['wrong required claim', () => idToken({ hd: 'y.io' }), { requiredClaims: { hd: 'x.io' } }, 'oidc: required claim hd value does not match. Got = y.io, want = x.io'],
    ['a disallowed algorithm', () => idToken({}), { signingAlgs: ['ES256'] }, /failed to verify signature/],
  ];
  for (const [name, make, over, message] of refused) {
    it(`refuses a token with ${name}`, async () => {
      const token = await make();
      assertErrorWithoutSecret(await oidcAuthenticator(config({ jwks, ...over })).authenticateToken(token), token.split('.')[2] ?? token, message);
    });
  }

  it('refetches the key set for an unknown kid, at most once per interval', async () => {
    fetches = [];
    clock = NOW;
    const a = oidcAuthenticator(config());
    assert.equal((await a.authenticateToken(await idToken({}))).kind, 'ok');
    jwks.keys.push(rotatedJwk);
    // Within the interval the new kid is not fetched.
    assert.equal((await a.authenticateToken(await idToken({}, rotated, 'k2'))).kind, 'error');
    clock = NOW + 11_000;
    assert.equal((await a.authenticateToken(await idToken({}, rotated, 'k2'))).kind, 'ok');
    assert.deepEqual(fetches, ['/.well-known/openid-configuration', '/keys', '/.well-known/openid-configuration', '/keys']);
    clock = NOW;
  });

  it('reports an unreachable issuer as an error', async () => {
    const down = oidcAuthenticator(config({ fetchJson: () => Promise.reject(new Error('connect ECONNREFUSED')) }));
    const token = await idToken({});
    assertErrorWithoutSecret(await down.authenticateToken(token), token.split('.')[2] ?? token, /ECONNREFUSED/);
  });

  it('validates the flags', () => {
    assert.deepEqual(validateOidcConfig({ issuerUrl: 'http://x', clientId: '' }), ['oidc-issuer-url: URL scheme must be https, got "http"', 'oidc-client-id is required when oidc-issuer-url is set']);
    assert.deepEqual(validateOidcConfig({ issuerUrl: ISSUER, clientId: 'c' }), []);
    assert.throws(() => oidcAuthenticator(config({ issuerUrl: 'nope' })), RangeError);
  });
});
