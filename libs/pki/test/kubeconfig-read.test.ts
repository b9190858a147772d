import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { kubeconfigYaml, PkiError, readKubeconfig } from '../src/index.ts';

const CA = '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n';
const CERT = '-----BEGIN CERTIFICATE-----\nCLIENT\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n';
const b64 = (s: string): string => Buffer.from(s).toString('base64');

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'logbook-kubeconfig-read-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function config(cluster: Record<string, unknown>, user: Record<string, unknown> | undefined, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'other', cluster: { server: 'https://wrong:1' } }, { name: 'authz', cluster }],
    users: user === undefined ? [] : [{ name: 'apiserver', user }],
    contexts: [
      { name: 'other', context: { cluster: 'other' } },
      { name: 'webhook', context: user === undefined ? { cluster: 'authz' } : { cluster: 'authz', user: 'apiserver' } },
    ],
    'current-context': 'webhook',
    ...extra,
  };
}

test('reads what writeKubeconfig writes: embedded CA, client certificate and key', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'admin.conf');
  await writeFile(path, kubeconfigYaml({ server: 'https://127.0.0.1:6443', caPem: CA, clientCertPem: CERT, clientKeyPem: KEY, clusterName: 'c', userName: 'u', contextName: 'x' }));
  const k = await readKubeconfig(path);
  assert.equal(k.server, 'https://127.0.0.1:6443');
  assert.equal(k.caData?.toString(), CA);
  assert.equal(k.certData?.toString(), CERT);
  assert.equal(k.keyData?.toString(), KEY);
  assert.equal(k.insecureSkipTLSVerify, false);
  assert.equal(k.token, undefined);
});

test('the current-context picks the cluster and user; file forms resolve relative to the kubeconfig', async (t) => {
  const dir = await tempDir(t);
  await mkdir(join(dir, 'conf', 'pki'), { recursive: true });
  await writeFile(join(dir, 'conf', 'pki', 'ca.crt'), CA);
  await writeFile(join(dir, 'conf', 'pki', 'client.crt'), CERT);
  await writeFile(join(dir, 'client.key'), KEY);
  await writeFile(join(dir, 'conf', 'token'), '  s3cret\n');
  const path = join(dir, 'conf', 'webhook.yaml');
  await writeFile(path, stringify(config(
    { server: 'https://authz.example:8443/authorize', 'certificate-authority': 'pki/ca.crt', 'tls-server-name': 'authz.internal' },
    { 'client-certificate': 'pki/client.crt', 'client-key': join(dir, 'client.key'), tokenFile: 'token' },
  )));
  const k = await readKubeconfig(path);
  assert.equal(k.server, 'https://authz.example:8443/authorize');
  assert.equal(k.caData?.toString(), CA);
  assert.equal(k.certData?.toString(), CERT);
  assert.equal(k.keyData?.toString(), KEY);
  assert.equal(k.token, 's3cret');
  assert.equal(k.tlsServerName, 'authz.internal');
});

test('an inline token wins over tokenFile; insecure-skip-tls-verify is read', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'k.yaml');
  await writeFile(path, stringify(config({ server: 'https://h:1', 'insecure-skip-tls-verify': true }, { token: 'inline', tokenFile: 'missing-file' })));
  const k = await readKubeconfig(path);
  assert.equal(k.token, 'inline');
  assert.equal(k.insecureSkipTLSVerify, true);
  assert.equal(k.caData, undefined);
});

test('a context without a user is an anonymous TLS client', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'k.yaml');
  await writeFile(path, stringify(config({ server: 'https://h:1', 'certificate-authority-data': b64(CA) }, undefined)));
  const k = await readKubeconfig(path);
  assert.equal(k.caData?.toString(), CA);
  assert.equal(k.certData, undefined);
  assert.equal(k.token, undefined);
});

const invalid: readonly { name: string; doc: unknown; raw?: string; message: RegExp; code?: string }[] = [
  { name: 'not YAML', doc: undefined, raw: 'a: [1, 2', message: /not valid YAML/ },
  { name: 'a list at the top', doc: [1, 2], message: /expected a mapping/ },
  { name: 'no current-context (no first-context fallback, as clientcmd)', doc: { ...config({ server: 'https://h:1' }, undefined), 'current-context': '' }, message: /current-context is not set/ },
  { name: 'current-context names a missing context', doc: { ...config({ server: 'https://h:1' }, undefined), 'current-context': 'nope' }, message: /context "nope" not found in contexts/ },
  { name: 'context names a missing cluster', doc: { ...config({ server: 'https://h:1' }, undefined), contexts: [{ name: 'webhook', context: { cluster: 'gone' } }] }, message: /cluster "gone" not found in clusters/ },
  { name: 'context without a cluster', doc: { ...config({ server: 'https://h:1' }, undefined), contexts: [{ name: 'webhook', context: {} }] }, message: /context "webhook" has no cluster/ },
  { name: 'context names a missing user', doc: { ...config({ server: 'https://h:1' }, undefined), contexts: [{ name: 'webhook', context: { cluster: 'authz', user: 'ghost' } }] }, message: /user "ghost" not found in users/ },
  { name: 'no server', doc: config({ 'certificate-authority-data': b64(CA) }, undefined), message: /no server found for cluster "authz"/ },
  { name: 'server not a URL', doc: config({ server: 'not a url' }, undefined), message: /server "not a url" is not a URL/ },
  { name: 'server not a string', doc: config({ server: 42 }, undefined), message: /cluster "authz" server must be a string/ },
  { name: 'clusters not a list', doc: { ...config({ server: 'https://h:1' }, undefined), clusters: { authz: {} } }, message: /clusters must be a list/ },
  { name: 'insecure not a boolean', doc: config({ server: 'https://h:1', 'insecure-skip-tls-verify': 'yes' }, undefined), message: /insecure-skip-tls-verify must be a boolean/ },
  { name: 'CA with insecure', doc: config({ server: 'https://h:1', 'insecure-skip-tls-verify': true, 'certificate-authority-data': b64(CA) }, undefined), message: /root certificates file with the insecure flag is not allowed/ },
  { name: 'CA data and file both', doc: config({ server: 'https://h:1', 'certificate-authority-data': b64(CA), 'certificate-authority': '/ca' }, undefined), message: /certificate-authority-data and certificate-authority are both specified for cluster "authz"/ },
  { name: 'CA data not base64', doc: config({ server: 'https://h:1', 'certificate-authority-data': CA }, undefined), message: /cluster "authz" certificate-authority-data is not valid base64/ },
  { name: 'CA file missing', doc: config({ server: 'https://h:1', 'certificate-authority': 'nope.crt' }, undefined), message: /certificate-authority .*nope\.crt: ENOENT/, code: 'io' },
  { name: 'certificate without key', doc: config({ server: 'https://h:1' }, { 'client-certificate-data': b64(CERT) }), message: /client-key-data or client-key must be specified for user "apiserver"/ },
  { name: 'key without certificate', doc: config({ server: 'https://h:1' }, { 'client-key-data': b64(KEY) }), message: /client-certificate-data or client-certificate must be specified for user "apiserver"/ },
  { name: 'tokenFile missing', doc: config({ server: 'https://h:1' }, { tokenFile: 'no-token' }), message: /user "apiserver" tokenFile .*no-token: ENOENT/, code: 'io' },
  { name: 'token not a string', doc: config({ server: 'https://h:1' }, { token: 7 }), message: /user "apiserver" token must be a string/ },
];

for (const c of invalid) {
  test(`rejected, naming the file: ${c.name}`, async (t) => {
    const dir = await tempDir(t);
    const path = join(dir, 'bad.yaml');
    await writeFile(path, c.raw ?? stringify(c.doc));
    await assert.rejects(readKubeconfig(path), (err: unknown) => {
      assert.ok(err instanceof PkiError);
      assert.equal(err.code, c.code ?? 'invalid-argument');
      assert.ok(err.message.startsWith(`kubeconfig ${path}`), err.message);
      assert.match(err.message, c.message);
      return true;
    });
  });
}

test('a missing kubeconfig is an io error naming the path', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'absent.yaml');
  await assert.rejects(readKubeconfig(path), (err: unknown) => err instanceof PkiError && err.code === 'io' && err.message.includes(path));
});
