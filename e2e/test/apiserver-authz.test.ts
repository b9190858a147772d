// --authorization-mode=RBAC with the bootstrap policy: kubectl auth can-i
// (a SelfSubjectAccessReview, protobuf from kubectl 1.32 on), --list (a
// SelfSubjectRulesReview), auth whoami (SelfSubjectReview), and
// SubjectAccessReviews for another user before and after a RoleBinding.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeKubeconfig } from '@logbook/pki';
import { ApiserverCluster } from '../src/apiserver-cluster.ts';
import { runKubectl } from '../src/logbook-up.ts';

let cluster: ApiserverCluster;
let dir: string;
const BOB_TOKEN = 'bob-token-0123456789abcdef';

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'logbook-authz-'));
  writeFileSync(join(dir, 'tokens.csv'), `${BOB_TOKEN},bob,uid-bob,"devs,qa"\n`);
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(join(dir, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  cluster = await ApiserverCluster.start({
    impl: 'logbook', storeMembers: 1,
    extraFlags: ['--authorization-mode', 'Node,RBAC', '--token-auth-file', join(dir, 'tokens.csv'), '--service-account-issuer', 'https://logbook.test', '--service-account-signing-key-file', join(dir, 'sa.key')],
  });
});

after(async () => {
  await cluster[Symbol.asyncDispose]();
  rmSync(dir, { recursive: true, force: true });
});

/** kubectl with a kubeconfig holding only a bearer token (no client certificate). */
async function asToken(token: string, args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const kubeconfig = join(dir, `token-${token.slice(-12).replace(/[^A-Za-z0-9]/g, '_')}.kubeconfig`);
  await writeKubeconfig(kubeconfig, { server: cluster.server, caPem: cluster.caPem, token, clusterName: 'e2e', userName: 'token', contextName: 'e2e' });
  return runKubectl(kubeconfig, args);
}

async function kubectl(args: readonly string[], stdin?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return cluster.kubectl(args, stdin !== undefined ? { stdin } : {});
}

async function ok(args: readonly string[], stdin?: string): Promise<string> {
  const r = await kubectl(args, stdin);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}\n${cluster.logs()}`);
  return r.stdout;
}

test('the bootstrap roles exist; the admin (system:masters) can do anything; whoami names it', async () => {
  assert.match(await ok(['get', 'clusterroles', 'cluster-admin', 'admin', 'edit', 'view', 'system:discovery', '-o', 'name']), /clusterrole\.rbac\.authorization\.k8s\.io\/cluster-admin\n/);
  const binding = JSON.parse(await ok(['get', 'clusterrolebinding', 'cluster-admin', '-o', 'json'])) as { subjects: { kind: string; name: string }[] };
  assert.deepEqual(binding.subjects.map((s) => `${s.kind}/${s.name}`), ['Group/system:masters']);
  assert.equal(await ok(['auth', 'can-i', 'create', 'pods']), 'yes\n');
  assert.equal(await ok(['auth', 'can-i', '*', '*']), 'yes\n');
  assert.match(await ok(['auth', 'can-i', '--list']), /^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]$/m);
  const whoami = await ok(['auth', 'whoami', '-o', 'json']);
  const who = JSON.parse(whoami) as { kind: string; status: { userInfo: { username: string; groups: string[] } } };
  assert.equal(who.kind, 'SelfSubjectReview');
  assert.equal(who.status.userInfo.username, 'kubernetes-admin');
  assert.ok(who.status.userInfo.groups.includes('system:masters'));
});

test('another user is denied until a RoleBinding grants it, with kube\'s reasons', async () => {
  await ok(['create', 'namespace', 'team']);
  const sar = (verb: string, resource: string): string => JSON.stringify({
    apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview',
    spec: { user: 'alice', groups: ['system:authenticated'], resourceAttributes: { namespace: 'team', verb, resource } },
  });
  const review = async (verb: string, resource: string): Promise<{ allowed: boolean; reason?: string }> =>
    (JSON.parse(await ok(['create', '-f', '-', '-o', 'json'], sar(verb, resource))) as { status: { allowed: boolean; reason?: string } }).status;
  assert.deepEqual(await review('list', 'pods'), { allowed: false });
  await ok(['create', 'rolebinding', 'alice-view', '--clusterrole=view', '--user=alice', '-n', 'team']);
  const allowed = await review('list', 'pods');
  assert.equal(allowed.allowed, true);
  assert.equal(allowed.reason, 'RBAC: allowed by RoleBinding "alice-view/team" of ClusterRole "view" to User "alice"');
  assert.deepEqual(await review('delete', 'pods'), { allowed: false }, 'view does not delete');
  assert.deepEqual(await review('get', 'secrets'), { allowed: false }, 'view does not read secrets');
});

test('a token from --token-auth-file authenticates; RBAC answers with kube\'s 403; a bad token is 401; impersonation is checked', async () => {
  const who = JSON.parse((await asToken(BOB_TOKEN, ['auth', 'whoami', '-o', 'json'])).stdout) as { status: { userInfo: { username: string; groups: string[] } } };
  assert.equal(who.status.userInfo.username, 'bob');
  assert.deepEqual(who.status.userInfo.groups, ['devs', 'qa', 'system:authenticated']);
  const denied = await asToken(BOB_TOKEN, ['get', 'configmaps', '-n', 'default']);
  assert.notEqual(denied.code, 0);
  assert.match(denied.stderr, /Error from server \(Forbidden\): configmaps is forbidden: User "bob" cannot list resource "configmaps" in API group "" in the namespace "default"/);
  const bad = await asToken('not-a-token', ['get', 'configmaps']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /Unauthorized/);
  assert.ok(!bad.stderr.includes('not-a-token'), 'the credential is not echoed');
  // The admin (system:masters) may impersonate; what bob may do then follows bob's bindings.
  assert.equal((await kubectl(['auth', 'can-i', 'list', 'configmaps', '-n', 'default', '--as', 'bob'])).stdout, 'no\n');
  await ok(['create', 'rolebinding', 'devs-view', '--clusterrole=view', '--group=devs', '-n', 'default']);
  assert.equal(await ok(['auth', 'can-i', 'list', 'configmaps', '-n', 'default', '--as', 'bob', '--as-group', 'devs']), 'yes\n');
  assert.equal((await asToken(BOB_TOKEN, ['get', 'configmaps', '-n', 'default'])).code, 0);
  // bob may not impersonate anyone.
  const imp = await asToken(BOB_TOKEN, ['get', 'configmaps', '-n', 'default', '--as', 'alice']);
  assert.match(imp.stderr, /users "alice" is forbidden: User "bob" cannot impersonate resource "users" in API group "" at the cluster scope/);
});

test('kubectl create token mints a bound service-account token; it authenticates as the account, for its audience only', async () => {
  await ok(['create', 'serviceaccount', 'robot', '-n', 'default']);
  const token = (await ok(['create', 'token', 'robot', '-n', 'default'])).trim();
  assert.match(token, /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
  const who = JSON.parse((await asToken(token, ['auth', 'whoami', '-o', 'json'])).stdout) as { status: { userInfo: { username: string; groups: string[] } } };
  assert.equal(who.status.userInfo.username, 'system:serviceaccount:default:robot');
  assert.deepEqual(who.status.userInfo.groups, ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated']);
  const denied = await asToken(token, ['get', 'secrets', '-n', 'default']);
  assert.match(denied.stderr, /User "system:serviceaccount:default:robot" cannot list resource "secrets" in API group "" in the namespace "default"/);
  const other = (await ok(['create', 'token', 'robot', '-n', 'default', '--audience', 'somebody-else'])).trim();
  const refused = await asToken(other, ['get', 'configmaps', '-n', 'default']);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /Unauthorized/);
  // TokenReview (what a webhook authenticator or a proxy asks): who the token is, and a forged one is not.
  const review = (t: string): string => JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: t } });
  const good = JSON.parse(await ok(['create', '-f', '-', '-o', 'json'], review(token))) as { status: { authenticated?: boolean; user?: { username: string } } };
  assert.deepEqual([good.status.authenticated, good.status.user?.username], [true, 'system:serviceaccount:default:robot']);
  const forged = JSON.parse(await ok(['create', '-f', '-', '-o', 'json'], review(`${token.slice(0, -4)}AAAA`))) as { status: { authenticated?: boolean; error?: string } };
  assert.notEqual(forged.status.authenticated, true);
  const missing = await kubectl(['create', 'token', 'nobody', '-n', 'default']);
  assert.match(missing.stderr, /serviceaccounts "nobody" not found/);
});
