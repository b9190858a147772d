import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildAuthenticator, headerMapFromRaw, parseTokenFile, stripCredentials, tokenFileAuthenticator, userInfo,
  type AuthResult, type TokenAuthenticator,
} from '../src/index.ts';
import { assertErrorWithoutSecret, bearer, okUser, request } from './helpers.ts';

const tokens = tokenFileAuthenticator(parseTokenFile('good-token,alice,uid-1,"dev,ops"\n', 'tokens.csv'));
const fixed = (r: AuthResult): TokenAuthenticator => ({ authenticateToken: () => Promise.resolve(r) });

describe('authentication chain', () => {
  it('authenticates a bearer token and adds system:authenticated', async () => {
    const chain = buildAuthenticator({ tokens: [tokens] });
    const u = okUser(await chain.authenticate(bearer('good-token')));
    assert.deepEqual(u, { name: 'alice', uid: 'uid-1', groups: ['dev', 'ops', 'system:authenticated'], extra: {} });
  });

  it('does not add system:authenticated twice, nor to a user in system:unauthenticated', async () => {
    for (const groups of [['system:authenticated'], ['system:unauthenticated']]) {
      const chain = buildAuthenticator({ tokens: [fixed({ kind: 'ok', user: userInfo('bob', { groups }) })] });
      assert.deepEqual(okUser(await chain.authenticate(bearer('t'))).groups, groups);
    }
  });

  it('refuses an unknown bearer token with an error that does not name it, even with anonymous enabled', async () => {
    const chain = buildAuthenticator({ tokens: [tokens], anonymous: { enabled: true } });
    assertErrorWithoutSecret(await chain.authenticate(bearer('wrong-secret-value')), 'wrong-secret-value', 'invalid bearer token');
  });

  it('treats malformed Authorization headers as no credential', async () => {
    const chain = buildAuthenticator({ tokens: [tokens] });
    for (const value of ['', 'Basic abc', 'Bearer', 'Bearer ', 'Bearer  good-token', 'good-token']) {
      assert.deepEqual(await chain.authenticate(request({ authorization: value })), { kind: 'none' }, value);
    }
    // The scheme is case-insensitive and surrounding space is trimmed, as in kube.
    assert.equal(okUser(await chain.authenticate(request({ authorization: '  bearer good-token  ' }))).name, 'alice');
  });

  it('reads a bearer token from the WebSocket protocol only on WebSocket requests', async () => {
    const chain = buildAuthenticator({ tokens: [tokens] });
    const proto = `base64url.bearer.authorization.k8s.io.${Buffer.from('good-token').toString('base64url')}, v4.channel.k8s.io`;
    const ws = { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-protocol': proto };
    assert.equal(okUser(await chain.authenticate(request(ws))).name, 'alice');
    assert.deepEqual(await chain.authenticate(request({ 'sec-websocket-protocol': proto })), { kind: 'none' });
    const bad = { ...ws, 'sec-websocket-protocol': 'base64url.bearer.authorization.k8s.io.!!!' };
    assert.deepEqual(await chain.authenticate(request(bad)), { kind: 'error', message: 'invalid bearer token' });
  });

  it('serves anonymous requests only when enabled, and only on allowed paths when conditions are set', async () => {
    const anon = { name: 'system:anonymous', uid: '', groups: ['system:unauthenticated'], extra: {} };
    assert.deepEqual(await buildAuthenticator({ tokens: [tokens] }).authenticate(request()), { kind: 'none' });
    assert.deepEqual(okUser(await buildAuthenticator({ anonymous: { enabled: true } }).authenticate(request())), anon);
    const limited = buildAuthenticator({ anonymous: { enabled: true, paths: ['/healthz'] } });
    assert.deepEqual(okUser(await limited.authenticate(request({}, [], false, '/healthz'))), anon);
    assert.deepEqual(await limited.authenticate(request({}, [], false, '/api')), { kind: 'none' });
  });

  it('keeps trying after an error and reports all errors when nobody accepts', async () => {
    const chain = buildAuthenticator({ tokens: [fixed({ kind: 'error', message: 'a' }), tokens] });
    assert.equal(okUser(await chain.authenticate(bearer('good-token'))).name, 'alice');
    const failing = buildAuthenticator({ tokens: [fixed({ kind: 'error', message: 'a' }), fixed({ kind: 'error', message: 'b' })] });
    assert.deepEqual(await failing.authenticate(bearer('x')), { kind: 'error', message: '[a, b]' });
  });

  it('refuses a result whose audiences do not include an API audience', async () => {
    const chain = buildAuthenticator({ tokens: [fixed({ kind: 'ok', user: userInfo('bob'), audiences: ['other'] })], apiAudiences: ['https://kubernetes.default.svc'] });
    assert.deepEqual(await chain.authenticate(bearer('x')), { kind: 'error', message: 'unable to match audience' });
    const agnostic = buildAuthenticator({ tokens: [tokens], apiAudiences: ['https://kubernetes.default.svc'] });
    assert.equal(okUser(await agnostic.authenticate(bearer('good-token'))).name, 'alice');
  });
});

describe('headers', () => {
  it('keeps repeated headers apart and drops pseudo-headers', () => {
    const h = headerMapFromRaw([':path', '/api', 'Impersonate-Group', 'a,b', 'impersonate-group', 'c', 'Authorization', 'Bearer x']);
    assert.deepEqual(h.get('impersonate-group'), ['a,b', 'c']);
    assert.equal(h.has(':path'), false);
    assert.throws(() => headerMapFromRaw(['a']), RangeError);
  });

  it('strips every credential header, standard and configured, and the WebSocket token protocol', () => {
    const h = headerMapFromRaw([
      'Authorization', 'Bearer secret', 'X-Remote-User', 'u', 'X-Remote-Group', 'g', 'X-Remote-Extra-Scopes', 's', 'X-Remote-Uid', 'id',
      'X-Proxy-User', 'p', 'X-Proxy-Extra-K', 'v', 'Accept', 'application/json',
      'Sec-WebSocket-Protocol', 'base64url.bearer.authorization.k8s.io.c2VjcmV0, v4.channel.k8s.io',
    ]);
    const out = stripCredentials(h, { requestHeader: { usernameHeaders: ['X-Proxy-User'], uidHeaders: [], groupHeaders: [], extraHeaderPrefixes: ['X-Proxy-Extra-'] } });
    assert.deepEqual([...out], [['accept', ['application/json']], ['sec-websocket-protocol', ['v4.channel.k8s.io']]]);
    assert.equal(stripCredentials(headerMapFromRaw(['Sec-WebSocket-Protocol', 'base64url.bearer.authorization.k8s.io.c2VjcmV0'])).size, 0);
  });
});
