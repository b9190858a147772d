import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { generateCa, issueClientCert, issueServingCert } from '@logbook/pki';
import { buildAuthenticator, parseCertificateBundle, x509Authenticator } from '../src/index.ts';
import { requestHeaderAuthenticator, type RequestHeaderConfig } from '../src/request-header.ts';
import { okUser, request } from './helpers.ts';

const NOW = new Date('2026-02-01T00:00:00Z');
let clientCa: X509Certificate;
let proxyCaPem: string;
let alice: X509Certificate;
let proxy: X509Certificate;
let proxyFromClientCa: X509Certificate;
let serving: X509Certificate;

before(async () => {
  const ca = await generateCa({ commonName: 'client-ca', now: NOW, validityDays: 10 });
  const pca = await generateCa({ commonName: 'front-proxy-ca', now: NOW, validityDays: 10 });
  clientCa = new X509Certificate(ca.certPem);
  proxyCaPem = pca.certPem;
  alice = new X509Certificate((await issueClientCert(ca, { commonName: 'alice', organizations: ['dev', 'a,b'], now: NOW, validityDays: 1 })).certPem);
  proxy = new X509Certificate((await issueClientCert(pca, { commonName: 'front-proxy-client', organizations: [], now: NOW, validityDays: 1 })).certPem);
  proxyFromClientCa = new X509Certificate((await issueClientCert(ca, { commonName: 'front-proxy-client', organizations: [], now: NOW, validityDays: 1 })).certPem);
  serving = new X509Certificate((await issueServingCert(pca, { commonName: 'front-proxy-client', dnsNames: ['x'], ipAddresses: [], now: NOW, validityDays: 1 })).certPem);
});

function proxyConfig(over: Partial<RequestHeaderConfig> = {}): RequestHeaderConfig {
  return {
    clientCa: parseCertificateBundle(proxyCaPem), allowedNames: ['front-proxy-client'], usernameHeaders: ['X-Remote-User'], uidHeaders: ['X-Remote-Uid'],
    groupHeaders: ['X-Remote-Group'], extraHeaderPrefixes: ['X-Remote-Extra-'], now: () => NOW.getTime(), ...over,
  };
}

describe('x509 client certificates', () => {
  it('takes the user from CN and the groups from O when the TLS layer verified the chain', async () => {
    const u = okUser(await x509Authenticator().authenticate(request({}, [alice, clientCa], true)));
    assert.deepEqual(u, { name: 'alice', uid: '', groups: ['dev', 'a,b'], extra: {} });
  });

  it('refuses a certificate the TLS layer did not verify', async () => {
    const r = await x509Authenticator().authenticate(request({}, [alice], false));
    assert.equal(r.kind, 'error');
    assert.match(r.kind === 'error' ? r.message : '', /^verifying certificate SN=\d+ failed: x509: certificate signed by unknown authority$/);
  });

  it('passes on requests without a certificate', async () => {
    assert.deepEqual(await x509Authenticator().authenticate(request()), { kind: 'none' });
  });

  it('refuses a certificate not meant for client authentication', async () => {
    const r = await x509Authenticator().authenticate(request({}, [serving], true));
    assert.match(r.kind === 'error' ? r.message : '', /incompatible key usage/);
  });
});

describe('front proxy (requestheader)', () => {
  const headers = {
    'x-remote-user': 'bob', 'x-remote-uid': 'u-1', 'x-remote-group': ['g1', 'g2'],
    'x-remote-extra-scopes': ['read', 'write'], 'x-remote-extra-acme.com%2fproject': 'p',
  };

  it('trusts the identity headers from a proxy certificate signed by the requestheader CA', async () => {
    const u = okUser(await requestHeaderAuthenticator(proxyConfig()).authenticate(request(headers, [proxy], false)));
    assert.deepEqual(u, { name: 'bob', uid: 'u-1', groups: ['g1', 'g2'], extra: { scopes: ['read', 'write'], 'acme.com/project': ['p'] } });
  });

  it('refuses a certificate from another CA, even one the TLS layer trusts', async () => {
    const r = await requestHeaderAuthenticator(proxyConfig()).authenticate(request(headers, [proxyFromClientCa], true));
    assert.match(r.kind === 'error' ? r.message : '', /failed: x509: certificate signed by unknown authority$/);
  });

  it('refuses a CN outside --requestheader-allowed-names', async () => {
    const r = await requestHeaderAuthenticator(proxyConfig({ allowedNames: ['someone-else'] })).authenticate(request(headers, [proxy]));
    assert.deepEqual(r, { kind: 'error', message: 'x509: subject with cn=front-proxy-client is not in the allowed list' });
  });

  it('refuses an expired proxy certificate', async () => {
    const r = await requestHeaderAuthenticator(proxyConfig({ now: () => NOW.getTime() + 3 * 86_400_000 })).authenticate(request(headers, [proxy]));
    assert.match(r.kind === 'error' ? r.message : '', /expired or is not yet valid/);
  });

  it('passes when the proxy sends no user', async () => {
    assert.deepEqual(await requestHeaderAuthenticator(proxyConfig()).authenticate(request({ 'x-remote-group': 'g' }, [proxy])), { kind: 'none' });
  });

  it('in the chain: the proxy wins over x509; a client sending X-Remote-User with its own certificate is itself', async () => {
    const chain = buildAuthenticator({ requestHeader: requestHeaderAuthenticator(proxyConfig()), x509: x509Authenticator() });
    assert.equal(okUser(await chain.authenticate(request(headers, [proxy], false))).name, 'bob');
    assert.equal(okUser(await chain.authenticate(request(headers, [alice], true))).name, 'alice');
  });
});
