// The Send stream's own HTTP/2 client (src/h2-send-call.ts) against the
// grpc-js server: TLS with client certificates and a peer that stops
// answering (keepalive). A server ending the call with a status is
// grpc-transport.test.ts's max-message-size test.

import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { before, describe, it } from 'node:test';
import { generateCa, issueClientCert, issueServingCert, type CertAndKey } from '@logbook/pki';
import type { TransportCredentials } from '../src/index.ts';
import { app, heldProxy, id, indexes, membersClosedAfter, waitFor } from './helpers.ts';

const member = membersClosedAfter();

interface Pki {
  readonly ca: CertAndKey;
  readonly serving: CertAndKey;
  readonly client: CertAndKey;
}

async function pki(name: string): Promise<Pki> {
  const now = new Date();
  const ca = await generateCa({ commonName: `${name} ca`, now, validityDays: 1 });
  const serving = await issueServingCert(ca, { commonName: 'member', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], now, validityDays: 1 });
  const client = await issueClientCert(ca, { commonName: 'member', organizations: [], now, validityDays: 1 });
  return { ca, serving, client };
}

/** As the store builds them from --peer-cert-file, --peer-key-file, --peer-trusted-ca-file and --peer-client-cert-auth. */
function credentials(trusted: Pki, own: Pki): TransportCredentials {
  const ca = Buffer.from(trusted.ca.certPem);
  const cert = Buffer.from(own.client.certPem);
  const key = Buffer.from(own.client.keyPem);
  return {
    serverTls: { ca, cert: Buffer.from(own.serving.certPem), key: Buffer.from(own.serving.keyPem), clientCertAuth: true },
    channel: grpc.credentials.createSsl(ca, key, cert),
    clientTls: { ca, cert, key },
  };
}

describe('Send stream', () => {
  let good: Pki;
  let other: Pki;
  before(async () => {
    [good, other] = await Promise.all([pki('cluster'), pki('stranger')]);
  });

  it('carries messages over TLS with client certificates', async () => {
    const a = await member(1, { credentials: credentials(good, good) });
    const b = await member(2, { credentials: credentials(good, good) });
    a.transport.addPeer(b.id, b.address);
    a.transport.send([0, 1, 2].map((i) => app(1, 2, i)));
    await waitFor('three messages', () => b.handler.received.length === 3);
    assert.deepStrictEqual(indexes(b.handler.received), [0, 1, 2]);
    assert.deepStrictEqual(a.handler.unreachable, []);
  });

  it('refuses a peer whose certificate its CA did not sign, and one that does not trust its own', async () => {
    const b = await member(2, { credentials: credentials(good, good) });
    // c's client certificate is from another CA: b's server refuses the handshake.
    const c = await member(3, { credentials: credentials(good, other) });
    c.transport.addPeer(b.id, b.address);
    c.transport.send([app(3, 2, 7)]);
    await waitFor('c to report b unreachable', () => c.handler.unreachable.includes(id(2)));
    // d does not trust b's serving certificate.
    const d = await member(4, { credentials: credentials(other, other) });
    d.transport.addPeer(b.id, b.address);
    d.transport.send([app(4, 2, 8)]);
    await waitFor('d to report b unreachable', () => d.handler.unreachable.includes(id(2)));
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepStrictEqual(b.handler.received, []);
  });

  it('gives up on a connection whose peer stops answering keepalive pings', async () => {
    const proxy = await heldProxy();
    try {
      const b = await member(2);
      proxy.release(Number(b.address.split(':')[1]));
      const a = await member(1, { peers: new Map([[id(2), proxy.address]]), timing: { keepaliveTimeMs: 150, keepaliveTimeoutMs: 150 } });
      a.transport.send([app(1, 2, 0)]);
      await waitFor('the first message', () => b.handler.received.length === 1);
      await new Promise((resolve) => setTimeout(resolve, 500)); // pings answered meanwhile: still connected
      assert.deepStrictEqual(a.handler.unreachable, []);
      proxy.freeze();
      await waitFor('the peer to be reported', () => a.handler.unreachable.includes(id(2)), 3_000);
      const failed = a.logger.records.find((r) => r.msg.includes('stream to peer failed'));
      assert.match(String(failed?.fields.details), /keepalive ping not answered within 150 ms/);
    } finally {
      await proxy.close();
    }
  });
});
