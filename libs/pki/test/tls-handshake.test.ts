// Real TLS handshakes in-process: the certificates are only right if Node's
// TLS stack (OpenSSL, as kubectl's Go stack and Python's ssl check the same
// extensions) accepts them for the purpose they were made for.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { clientIdentity, generateCa, issueClientCert, issueServingCert, type CertAndKey } from '../src/index.ts';

// TLS checks validity against the wall clock, so these certificates are made "now".
const now = new Date();
const ca = await generateCa({ commonName: 'test-ca', now, validityDays: 2 });
const otherCa = await generateCa({ commonName: 'other-ca', now, validityDays: 2 });
const serving = await issueServingCert(ca, { commonName: 'kube-apiserver', dnsNames: ['localhost', 'kubernetes.default.svc'], ipAddresses: ['127.0.0.1'], now, validityDays: 1 });
const admin = await issueClientCert(ca, { commonName: 'kubernetes-admin', organizations: ['system:masters', 'devs'], now, validityDays: 1 });
const stranger = await issueClientCert(otherCa, { commonName: 'mallory', organizations: ['system:masters'], now, validityDays: 1 });

/** An https server that requires a client certificate chaining to `ca` and answers with the identity it carries. */
async function startServer(): Promise<{ server: Server; port: number }> {
  const server = createServer({ cert: serving.certPem, key: serving.keyPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    res.end(JSON.stringify(clientIdentity((req.socket as TLSSocket).getPeerCertificate(true))));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port };
}

function get(port: number, client: CertAndKey | undefined, servername: string | undefined, trust = ca.certPem): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/', ca: trust, ...(client === undefined ? {} : { cert: client.certPem, key: client.keyPem }), ...(servername === undefined ? {} : { servername }), agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve(body));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

test('a client with the admin certificate is accepted and identified by CN and O', async (t) => {
  const { server, port } = await startServer();
  t.after(() => server.close());
  // By IP (checked against the IP SAN) and by each DNS SAN.
  for (const servername of [undefined, 'localhost', 'kubernetes.default.svc']) {
    assert.deepEqual(JSON.parse(await get(port, admin, servername)), { user: 'kubernetes-admin', groups: ['system:masters', 'devs'] }, `servername ${servername}`);
  }
});

test('a client certificate from another CA, or none, is refused in the handshake', async (t) => {
  const { server, port } = await startServer();
  t.after(() => server.close());
  await assert.rejects(get(port, stranger, 'localhost'));
  await assert.rejects(get(port, undefined, 'localhost'));
});

test('the client refuses the serving certificate for a name it does not carry, or without the CA', async (t) => {
  const { server, port } = await startServer();
  t.after(() => server.close());
  await assert.rejects(get(port, admin, 'example.com'), /ERR_TLS_CERT_ALTNAME_INVALID|does not match/);
  await assert.rejects(get(port, admin, 'localhost', otherCa.certPem), /unable to verify|self.signed|UNABLE_TO_VERIFY/i);
});

test('the handshake verdict names the reason: wrong CA, or a serving certificate used as a client', async (t) => {
  // rejectUnauthorized: false lets the request through so OpenSSL's reason can be read.
  const server = createServer({ cert: serving.certPem, key: serving.keyPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    res.end(String((req.socket as TLSSocket).authorizationError ?? 'authorized'));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  const port = (server.address() as AddressInfo).port;
  assert.equal(await get(port, admin, 'localhost'), 'authorized');
  assert.equal(await get(port, stranger, 'localhost'), 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  // extKeyUsage serverAuth only.
  assert.equal(await get(port, serving, 'localhost'), 'INVALID_PURPOSE');
});
