import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCertDir, PkiError } from '../src/index.ts';

const now = new Date('2030-06-01T00:00:00Z');
const DAY_MS = 86_400_000;

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'logbook-pki-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return join(dir, 'certs'); // not yet there: ensureCertDir creates it
}

test('a fresh dir gets a CA, a serving certificate with the Kubernetes names, and an admin certificate; keys are 0600', async (t) => {
  const dir = await tempDir(t);
  const d = await ensureCertDir(dir, { hosts: ['10.1.2.3', 'Api.Example.com', '127.0.0.1'], now });
  assert.deepEqual(d.generated, ['ca', 'serving', 'admin']);
  assert.deepEqual(
    [d.ca.certPath, d.ca.keyPath, d.serving.certPath, d.serving.keyPath, d.admin.certPath, d.admin.keyPath],
    ['ca.crt', 'ca.key', 'apiserver.crt', 'apiserver.key', 'admin.crt', 'admin.key'].map((f) => join(dir, f)),
  );
  for (const p of [d.ca.keyPath, d.serving.keyPath, d.admin.keyPath]) assert.equal((await stat(p)).mode & 0o777, 0o600, p);
  assert.equal((await stat(d.ca.certPath)).mode & 0o777, 0o644);
  assert.equal(await readFile(d.serving.certPath, 'utf8'), d.serving.certPem);
  const serving = new X509Certificate(d.serving.certPem);
  assert.equal(
    serving.subjectAltName,
    'DNS:localhost, DNS:kubernetes, DNS:kubernetes.default, DNS:kubernetes.default.svc, DNS:kubernetes.default.svc.cluster.local, DNS:api.example.com, IP Address:127.0.0.1, IP Address:10.1.2.3',
  );
  const ca = new X509Certificate(d.ca.certPem);
  assert.ok(serving.verify(ca.publicKey));
  const admin = new X509Certificate(d.admin.certPem);
  assert.equal(admin.subject, 'O=system:masters\nCN=kubernetes-admin');
  assert.ok(admin.verify(ca.publicKey));
});

test('a second call reuses everything, byte for byte', async (t) => {
  const dir = await tempDir(t);
  const first = await ensureCertDir(dir, { hosts: ['10.1.2.3'], now });
  const second = await ensureCertDir(dir, { hosts: ['10.1.2.3'], now: new Date(now.getTime() + 100 * DAY_MS) });
  assert.deepEqual(second.generated, []);
  assert.deepEqual(second, { ...first, generated: [] });
});

test('changed hosts: a new serving certificate under the same CA; the admin certificate stays', async (t) => {
  const dir = await tempDir(t);
  const first = await ensureCertDir(dir, { hosts: ['10.1.2.3'], now });
  for (const hosts of [['10.1.2.4'], ['10.1.2.3', 'extra.example'], []]) {
    const next = await ensureCertDir(dir, { hosts, now });
    assert.deepEqual(next.generated, ['serving'], JSON.stringify(hosts));
    assert.equal(next.ca.certPem, first.ca.certPem);
    assert.equal(next.admin.certPem, first.admin.certPem);
    assert.ok(new X509Certificate(next.serving.certPem).verify(new X509Certificate(first.ca.certPem).publicKey));
  }
});

test('a certificate near expiry is replaced; an expiring CA replaces everything', async (t) => {
  const dir = await tempDir(t);
  const first = await ensureCertDir(dir, { hosts: [], now, caValidityDays: 100, certValidityDays: 40 });
  // 11 days on, the 40-day certificates have less than 30 days left.
  const renewed = await ensureCertDir(dir, { hosts: [], now: new Date(now.getTime() + 11 * DAY_MS), caValidityDays: 100, certValidityDays: 40 });
  assert.deepEqual(renewed.generated, ['serving', 'admin']);
  assert.equal(renewed.ca.certPem, first.ca.certPem);
  const late = await ensureCertDir(dir, { hosts: [], now: new Date(now.getTime() + 80 * DAY_MS), caValidityDays: 100, certValidityDays: 40 });
  assert.deepEqual(late.generated, ['ca', 'serving', 'admin']);
  assert.notEqual(late.ca.certPem, first.ca.certPem);
});

test('damaged files are replaced: missing, corrupt, or a key that does not match', async (t) => {
  const dir = await tempDir(t);
  const first = await ensureCertDir(dir, { hosts: [], now });
  await rm(first.admin.keyPath);
  assert.deepEqual((await ensureCertDir(dir, { hosts: [], now })).generated, ['admin']);
  await writeFile(first.serving.certPath, 'garbage');
  assert.deepEqual((await ensureCertDir(dir, { hosts: [], now })).generated, ['serving']);
  // The admin key in place of the serving key.
  await writeFile(first.serving.keyPath, await readFile(first.admin.keyPath));
  assert.deepEqual((await ensureCertDir(dir, { hosts: [], now })).generated, ['serving']);
  await writeFile(first.ca.keyPath, 'not a key');
  const last = await ensureCertDir(dir, { hosts: [], now });
  assert.deepEqual(last.generated, ['ca', 'serving', 'admin']);
  assert.deepEqual((await ensureCertDir(dir, { hosts: [], now })).generated, []);
});

test('certificates from another CA in the dir are replaced', async (t) => {
  const dir = await tempDir(t);
  const other = await tempDir(t);
  const a = await ensureCertDir(dir, { hosts: [], now });
  const b = await ensureCertDir(other, { hosts: [], now });
  await writeFile(a.serving.certPath, b.serving.certPem);
  await writeFile(a.serving.keyPath, b.serving.keyPem);
  assert.deepEqual((await ensureCertDir(dir, { hosts: [], now })).generated, ['serving']);
});

test('an empty host is refused', async (t) => {
  const dir = await tempDir(t);
  await assert.rejects(ensureCertDir(dir, { hosts: [''], now }), (err: unknown) => err instanceof PkiError && err.code === 'invalid-argument');
});

test('an unreadable dir is an io error', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, '..', 'file'), 'x');
  await assert.rejects(ensureCertDir(join(dir, '..', 'file'), { hosts: [], now }), (err: unknown) => err instanceof PkiError && err.code === 'io');
});
