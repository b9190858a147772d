import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { kubeconfigYaml, PkiError, writeKubeconfig, type KubeconfigOptions } from '../src/index.ts';

const opts: KubeconfigOptions = {
  server: 'https://127.0.0.1:6443',
  caPem: '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n',
  clientCertPem: '-----BEGIN CERTIFICATE-----\nCLIENT\n-----END CERTIFICATE-----\n',
  clientKeyPem: '-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n',
  clusterName: 'logbook',
  userName: 'kubernetes-admin',
  contextName: 'kubernetes-admin@logbook',
};

const b64 = (s: string): string => Buffer.from(s).toString('base64');

test('the kubeconfig parses back to kubeadm\'s admin.conf shape, mode 0600', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'logbook-kubeconfig-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'sub', 'admin.conf');
  await writeKubeconfig(path, opts);
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  assert.deepEqual(parse(await readFile(path, 'utf8')), {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'logbook', cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority-data': b64(opts.caPem) } }],
    users: [{ name: 'kubernetes-admin', user: { 'client-certificate-data': b64(opts.clientCertPem ?? ''), 'client-key-data': b64(opts.clientKeyPem ?? '') } }],
    contexts: [{ name: 'kubernetes-admin@logbook', context: { cluster: 'logbook', user: 'kubernetes-admin' } }],
    'current-context': 'kubernetes-admin@logbook',
    preferences: {},
  });
  // Rewriting replaces the file whole.
  await writeKubeconfig(path, { ...opts, server: 'https://[::1]:7443' });
  assert.equal((parse(await readFile(path, 'utf8')) as { clusters: [{ cluster: { server: string } }] }).clusters[0].cluster.server, 'https://[::1]:7443');
});

test('base64 data stays on one line', () => {
  const long = { ...opts, clientKeyPem: 'k'.repeat(2000) };
  assert.ok(kubeconfigYaml(long).split('\n').some((l) => l.endsWith(b64('k'.repeat(2000)))));
});

const bad: readonly (readonly [string, Partial<KubeconfigOptions>, RegExp])[] = [
  ['http server', { server: 'http://127.0.0.1:8080' }, /must be an https:\/\/ URL/],
  ['not a URL', { server: '127.0.0.1:6443' }, /must be an https:\/\/ URL|is not a URL/],
  ['garbage', { server: 'https://' }, /is not a URL/],
  ['empty cluster name', { clusterName: '' }, /clusterName must not be empty/],
  ['empty user name', { userName: '' }, /userName must not be empty/],
  ['empty context name', { contextName: '' }, /contextName must not be empty/],
];
for (const [name, change, message] of bad) {
  test(`refused: ${name}`, () => {
    assert.throws(() => kubeconfigYaml({ ...opts, ...change }), (err: unknown) => err instanceof PkiError && err.code === 'invalid-argument' && message.test(err.message));
  });
}

test('a kubeconfig user is a client certificate or a bearer token, never both or neither', () => {
  const base = { server: 'https://127.0.0.1:6443', caPem: 'CA', clusterName: 'c', userName: 'u', contextName: 'x' };
  const doc = parse(kubeconfigYaml({ ...base, token: 'tok' })) as { users: { user: unknown }[] };
  assert.deepEqual(doc.users[0]!.user, { token: 'tok' });
  assert.throws(() => kubeconfigYaml(base), /either a client certificate and key or a token/);
  assert.throws(() => kubeconfigYaml({ ...base, token: 't', clientCertPem: 'C', clientKeyPem: 'K' }), /either a client certificate and key or a token/);
});
