import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { BACKDATE_MS, generateCa, issueClientCert, issueServingCert, PkiError } from '../src/index.ts';

const now = new Date('2030-01-02T03:04:05Z');
const ca = await generateCa({ commonName: 'logbook-ca', now, validityDays: 10 });

test('validity runs from an hour before now to now + validityDays; the CA is a CA, leaves are not', async () => {
  const c = new X509Certificate(ca.certPem);
  assert.equal(Date.parse(c.validFrom), now.getTime() - BACKDATE_MS);
  assert.equal(Date.parse(c.validTo), now.getTime() + 10 * 86_400_000);
  assert.equal(c.ca, true);
  assert.equal(c.subject, 'CN=logbook-ca');
  const leaf = new X509Certificate((await issueClientCert(ca, { commonName: 'u', organizations: [], now, validityDays: 1 })).certPem);
  assert.equal(leaf.ca, false);
  assert.ok(leaf.checkIssued(c) && leaf.verify(c.publicKey));
  assert.equal(leaf.subject, 'CN=u');
  assert.equal(leaf.keyUsage?.join(','), '1.3.6.1.5.5.7.3.2');
});

test('serving certificate carries exactly the given names', async () => {
  const s = await issueServingCert(ca, { commonName: 'kube-apiserver', dnsNames: ['localhost', 'api.example.com'], ipAddresses: ['10.0.0.1', '::1'], now, validityDays: 1 });
  const c = new X509Certificate(s.certPem);
  assert.equal(c.subjectAltName, 'DNS:localhost, DNS:api.example.com, IP Address:10.0.0.1, IP Address:0:0:0:0:0:0:0:1');
  assert.deepEqual(c.keyUsage, ['1.3.6.1.5.5.7.3.1']);
  assert.match(s.keyPem, /^-----BEGIN PRIVATE KEY-----\n/);
  assert.match(s.certPem, /^-----BEGIN CERTIFICATE-----\n/);
});

test('each certificate gets its own key and a fresh serial', async () => {
  const a = await issueClientCert(ca, { commonName: 'u', organizations: ['g'], now, validityDays: 1 });
  const b = await issueClientCert(ca, { commonName: 'u', organizations: ['g'], now, validityDays: 1 });
  assert.notEqual(a.keyPem, b.keyPem);
  assert.notEqual(new X509Certificate(a.certPem).serialNumber, new X509Certificate(b.certPem).serialNumber);
});

const serving = { commonName: 'x', dnsNames: ['localhost'], ipAddresses: [] as string[], now, validityDays: 1 };
const invalid: readonly (readonly [string, () => Promise<unknown>, PkiError['code'], RegExp])[] = [
  ['empty CA common name', () => generateCa({ commonName: '', now, validityDays: 1 }), 'invalid-argument', /common name must have 1 to 64 characters/],
  ['65-character common name', () => generateCa({ commonName: 'a'.repeat(65), now, validityDays: 1 }), 'invalid-argument', /1 to 64/],
  ['zero validity', () => generateCa({ commonName: 'c', now, validityDays: 0 }), 'invalid-argument', /validityDays must be an integer in \[1, 36500\] \(got 0\)/],
  ['fractional validity', () => issueClientCert(ca, { commonName: 'u', organizations: [], now, validityDays: 1.5 }), 'invalid-argument', /got 1.5/],
  ['invalid date', () => generateCa({ commonName: 'c', now: new Date(Number.NaN), validityDays: 1 }), 'invalid-argument', /invalid date/],
  ['bad IP', () => issueServingCert(ca, { ...serving, ipAddresses: ['10.0.0.256'] }), 'invalid-argument', /invalid IP address "10.0.0.256"/],
  ['bad DNS name', () => issueServingCert(ca, { ...serving, dnsNames: ['a b'] }), 'invalid-argument', /invalid DNS name "a b"/],
  ['DNS label starting with a hyphen', () => issueServingCert(ca, { ...serving, dnsNames: ['-a.example'] }), 'invalid-argument', /invalid DNS name/],
  ['no names', () => issueServingCert(ca, { ...serving, dnsNames: [] }), 'invalid-argument', /at least one DNS name or IP/],
  ['empty group', () => issueClientCert(ca, { commonName: 'u', organizations: ['ok', ''], now, validityDays: 1 }), 'invalid-argument', /group \(O\)/],
  ['CA cert not PEM', () => issueClientCert({ certPem: 'nope', keyPem: ca.keyPem }, { commonName: 'u', organizations: [], now, validityDays: 1 }), 'invalid-pem', /CA certificate/],
  ['CA key not PEM', () => issueClientCert({ certPem: ca.certPem, keyPem: 'nope' }, { commonName: 'u', organizations: [], now, validityDays: 1 }), 'invalid-pem', /CA key/],
];

for (const [name, fn, code, message] of invalid) {
  test(`refused: ${name}`, async () => {
    await assert.rejects(fn(), (err: unknown) => {
      assert.ok(err instanceof PkiError, String(err));
      assert.equal(err.code, code);
      assert.match(err.message, message);
      return true;
    });
  });
}
