// `logbook up` with the real kubectl: what a user types and what kubectl
// prints. (The manifests here are sent with --validate=false, i.e. without
// fieldValidation; kubectl-fidelity.test.ts covers validation, the create
// generators and the other kubectl versions.)

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { LogbookUp, type KubectlResult } from '../src/logbook-up.ts';
import { until } from '../src/until.ts';
import { rawRequest } from '../src/https-fixtures.ts';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

let up: LogbookUp;
before(async () => {
  up = await LogbookUp.start();
});
after(async () => {
  await up[Symbol.asyncDispose]();
});

const ok = async (args: readonly string[], stdin?: string): Promise<string> => {
  const r = await up.kubectl(args, stdin !== undefined ? { stdin } : {});
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}\nstdout: ${r.stdout}\nstderr: ${r.stderr}\n${up.logs()}`);
  return r.stdout;
};
const fails = async (args: readonly string[], stdin?: string): Promise<KubectlResult> => {
  const r = await up.kubectl(args, stdin !== undefined ? { stdin } : {});
  assert.notEqual(r.code, 0, `kubectl ${args.join(' ')} succeeded: ${r.stdout}`);
  return r;
};

const configMap = (name: string, labels: Record<string, string> = {}): string =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data: { a: '1' } });

/** kubectl get's table rows without the header, first column only. */
const names = (table: string): string[] => table.trim().split('\n').slice(1).map((l) => l.split(/\s+/)[0]!).filter((n) => n !== '');
/** The test's own config maps: the control plane publishes kube-root-ca.crt into every namespace, as kube-controller-manager does. */
const ROOT_CA = 'kube-root-ca.crt';
const cms = (table: string): string[] => names(table).filter((n) => n !== ROOT_CA);

test('a fresh control plane serves the system namespaces, version and discovery', async () => {
  assert.deepEqual(names(await ok(['get', 'namespaces'])), ['default', 'kube-node-lease', 'kube-public', 'kube-system']);
  assert.match(await ok(['version']), /Server Version: v1\.33\.0/);
  const resources = await ok(['api-resources', '--api-group=apps']);
  assert.match(resources, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
});

test('control loops give every namespace its default ServiceAccount and kube-root-ca.crt, and put them back', async () => {
  await ok(['create', 'namespace', 'loops']);
  const present = async (args: string[]): Promise<true | undefined> => ((await up.kubectl(args)).code === 0 ? true : undefined);
  await until('the default ServiceAccount', { timeoutMs: 10_000, intervalMs: 100 }, () => present(['get', 'serviceaccount', 'default', '-n', 'loops']));
  await until('kube-root-ca.crt', { timeoutMs: 10_000, intervalMs: 100 }, () => present(['get', 'configmap', ROOT_CA, '-n', 'loops']));
  const cm = JSON.parse(await ok(['get', 'configmap', ROOT_CA, '-n', 'loops', '-o', 'json'])) as { data: Record<string, string> };
  assert.match(cm.data['ca.crt'] ?? '', /^-----BEGIN CERTIFICATE-----/);
  // A pod right after its namespace: the ServiceAccount plugin finds the account and mounts the token volume.
  await ok(['create', 'namespace', 'quick']);
  await ok(['run', 'p', '--image=nginx', '-n', 'quick']);
  const pod = JSON.parse(await ok(['get', 'pod', 'p', '-n', 'quick', '-o', 'json'])) as { spec: { serviceAccountName: string; volumes: { name: string }[] } };
  assert.equal(pod.spec.serviceAccountName, 'default');
  assert.match(pod.spec.volumes.map((v) => v.name).join(','), /^kube-api-access-[a-z0-9]{5}$/);
  // Deleted or changed, they come back.
  await ok(['delete', 'serviceaccount', 'default', '-n', 'loops']);
  await until('the default ServiceAccount again', { timeoutMs: 15_000, intervalMs: 200 }, () => present(['get', 'serviceaccount', 'default', '-n', 'loops']));
  await ok(['patch', 'configmap', ROOT_CA, '-n', 'loops', '--type=merge', '-p', '{"data":{"ca.crt":"tampered"}}']);
  await until('kube-root-ca.crt restored', { timeoutMs: 15_000, intervalMs: 200 }, async () => {
    const now = JSON.parse(await ok(['get', 'configmap', ROOT_CA, '-n', 'loops', '-o', 'json'])) as { data: Record<string, string> };
    return now.data['ca.crt'] === cm.data['ca.crt'] ? true : undefined;
  });
  await ok(['delete', 'namespace', 'loops', 'quick', '--wait=false']);
});

test('create, get, label, annotate, select, paginate and delete config maps', async () => {
  assert.equal(await ok(['create', '-f', '-', '--validate=false'], configMap('alpha', { tier: 'fe' })), 'configmap/alpha created\n');
  await ok(['create', '-f', '-', '--validate=false'], configMap('beta'));
  await ok(['create', '-f', '-', '--validate=false'], configMap('gamma', { tier: 'be' }));
  assert.deepEqual(cms(await ok(['get', 'configmaps'])), ['alpha', 'beta', 'gamma']);
  assert.deepEqual(cms(await ok(['get', 'configmaps', '--chunk-size=1'])), ['alpha', 'beta', 'gamma'], 'pages of one, all at one revision');

  const cm = JSON.parse(await ok(['get', 'configmap', 'alpha', '-o', 'json'])) as { metadata: Record<string, unknown> };
  assert.equal(cm.metadata.namespace, 'default');
  assert.match(String(cm.metadata.uid), /^[0-9a-f-]{36}$/);
  assert.match(String(cm.metadata.creationTimestamp), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.match(String(cm.metadata.resourceVersion), /^\d+$/);

  assert.equal(await ok(['label', 'configmap', 'beta', 'tier=fe']), 'configmap/beta labeled\n');
  assert.equal(await ok(['annotate', 'configmap', 'beta', 'note=hello']), 'configmap/beta annotated\n');
  assert.deepEqual(names(await ok(['get', 'configmaps', '-l', 'tier=fe'])), ['alpha', 'beta']);
  assert.deepEqual(names(await ok(['get', 'configmaps', '-l', 'tier in (be),tier!=fe'])), ['gamma']);
  assert.deepEqual(names(await ok(['get', 'configmaps', '--field-selector', 'metadata.name=gamma'])), ['gamma']);
  const beta = JSON.parse(await ok(['get', 'configmap', 'beta', '-o', 'json'])) as { metadata: { annotations?: Record<string, string> } };
  assert.equal(beta.metadata.annotations?.note, 'hello');

  assert.equal(await ok(['delete', 'configmap', 'alpha']), 'configmap "alpha" deleted\n');
  assert.deepEqual(cms(await ok(['get', 'configmaps'])), ['beta', 'gamma']);
  await ok(['delete', 'configmaps', '-l', 'tier']);
  assert.equal((await up.kubectl(['get', 'configmaps', '-l', 'tier'])).stderr, 'No resources found in default namespace.\n');
});

test('get -w prints changes as they happen', async () => {
  const watch = up.kubectl(['get', 'configmaps', '-w', '--output-watch-events', '--field-selector', `metadata.name!=${ROOT_CA}`], { timeoutMs: 8_000 });
  await new Promise((r) => setTimeout(r, 1_500));
  await ok(['create', '-f', '-', '--validate=false'], configMap('watched'));
  await ok(['label', 'configmap', 'watched', 'x=y']);
  await ok(['delete', 'configmap', 'watched']);
  const r = await watch; // ended by the timeout
  const events = r.stdout.trim().split('\n').slice(1).map((l) => l.split(/\s+/).slice(0, 2).join(' '));
  assert.deepEqual(events, ['ADDED watched', 'MODIFIED watched', 'DELETED watched'], r.stdout + r.stderr);
});

test('bad input gets kube-apiserver\'s errors and stores nothing', async () => {
  const missingNs = await fails(['create', '-f', '-', '--validate=false', '-n', 'nope'], configMap('x'));
  assert.equal(missingNs.stderr, 'Error from server (NotFound): error when creating "STDIN": namespaces "nope" not found\n');
  await ok(['create', '-f', '-', '--validate=false'], configMap('dup'));
  const dup = await fails(['create', '-f', '-', '--validate=false'], configMap('dup'));
  assert.equal(dup.stderr, 'Error from server (AlreadyExists): error when creating "STDIN": configmaps "dup" already exists\n');
  const badName = await fails(['create', '-f', '-', '--validate=false'], configMap('Not_Valid'));
  assert.match(badName.stderr, /^The ConfigMap "Not_Valid" is invalid: metadata.name: Invalid value: "Not_Valid": a lowercase RFC 1123 subdomain/);
  const raw = await fails(['create', '--raw', '/api/v1/namespaces/default/configmaps', '-f', '-'], '{"metadata": ');
  assert.match(raw.stderr, /Error from server \(BadRequest\)/);
  const selector = await fails(['get', 'configmaps', '-l', 'a in (b']);
  assert.match(selector.stderr, /Error from server \(BadRequest\): .*unable to parse requirement/);
  const field = await fails(['get', 'configmaps', '--field-selector', 'spec.x=1']);
  // kubectl wraps the server's message in its own words, as it does against kube-apiserver.
  assert.equal(field.stderr, 'Error from server (BadRequest): Unable to find "/v1, Resource=configmaps" that match label selector "", field selector "spec.x=1": field label not supported: spec.x\n');
  assert.deepEqual(cms(await ok(['get', 'configmaps'])), ['dup']);
  await ok(['delete', 'configmap', 'dup']);
});

test('deleting a namespace removes its contents, then the namespace; a restart keeps the data', async () => {
  await ok(['create', '-f', '-', '--validate=false'], JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } }));
  await ok(['create', '-f', '-', '--validate=false', '-n', 'team'], configMap('inside'));
  await ok(['create', '-f', '-', '--validate=false'], configMap('kept'));
  assert.equal(await ok(['delete', 'namespace', 'team']), 'namespace "team" deleted\n');
  assert.equal((await up.kubectl(['get', 'namespace', 'team'])).stderr, 'Error from server (NotFound): namespaces "team" not found\n');
  assert.equal((await up.kubectl(['get', 'configmaps', '-n', 'team'])).stderr, 'No resources found in team namespace.\n', 'nothing is published into a namespace being deleted');

  await up.restart();
  await until('the restarted control plane to serve', { timeoutMs: 20_000, intervalMs: 200 }, async () => ((await up.kubectl(['get', 'configmaps'])).code === 0 ? true : undefined));
  assert.deepEqual(cms(await ok(['get', 'configmaps'])), ['kept']);
});

test('secure by default: RBAC and kube\'s admission set; anonymous sees only the public-info endpoints; the admin kubeconfig is the only credential', async () => {
  assert.equal(await ok(['auth', 'can-i', 'delete', 'nodes']), 'yes\n');
  assert.match(await ok(['auth', 'whoami']), /^Username\s+kubernetes-admin$/m);
  assert.match(await ok(['auth', 'can-i', '--list']), /^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]$/m);
  // RBAC decides for everyone else: a user with no bindings is refused with kube's words.
  const nobody = await fails(['get', 'pods', '--as', 'nobody']);
  assert.match(nobody.stderr, /pods is forbidden: User "nobody" cannot list resource "pods" in API group "" in the namespace "default"/);
  // Anonymous: /version, /healthz and friends only (system:public-info-viewer).
  const ca = readFileSync(join(up.dataDir, 'pki', 'ca.crt'), 'utf8');
  const anonymous = async (path: string): Promise<number> => (await rawRequest(`https://127.0.0.1:${up.apiPort}${path}`, { caPem: ca })).status;
  assert.equal(await anonymous('/version'), 200);
  assert.equal(await anonymous('/readyz'), 200);
  assert.equal(await anonymous('/api/v1/namespaces'), 403);
  assert.equal(await anonymous('/apis'), 403, 'discovery is for authenticated users (system:discovery)');
  // Service-account tokens work out of the box (the signing key is made once in the data dir).
  const token = (await ok(['create', 'token', 'default'])).trim();
  assert.equal(token.split('.').length, 3);
  // kube's default admission plugins are on: a pod gets the default account's token volume.
  await ok(['run', 'secure', '--image=nginx']);
  const pod = JSON.parse(await ok(['get', 'pod', 'secure', '-o', 'json'])) as { spec: { serviceAccountName: string; containers: { volumeMounts?: { mountPath: string }[] }[] } };
  assert.equal(pod.spec.serviceAccountName, 'default');
  assert.equal(pod.spec.containers[0]?.volumeMounts?.[0]?.mountPath, '/var/run/secrets/kubernetes.io/serviceaccount');
  await ok(['delete', 'pod', 'secure', '--grace-period=0', '--force']);
  // The credentials made: the admin kubeconfig's certificate (plus the CA and the server's own keys), nothing else.
  assert.deepEqual(readdirSync(join(up.dataDir, 'pki')).sort(), ['admin.crt', 'admin.key', 'apiserver.crt', 'apiserver.key', 'ca.crt', 'ca.key', 'sa.key']);
});
