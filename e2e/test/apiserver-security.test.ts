// The security chain end to end, against one `logbook apiserver` with kube's
// flags for every part of it and real servers beside it: an OpenID issuer,
// an authorization webhook, admission webhooks (quick, slow, failing) and
// an audit log. Identities × operations through kubectl and raw HTTPS,
// admission plugins as users meet them, audit content per level, secrets
// encrypted at rest (read back with etcdctl), and bad credentials refused
// without their secret in any log.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair } from 'jose';
import { writeKubeconfig, type CertAndKey } from '@logbook/pki';
import { ApiserverCluster } from '../src/apiserver-cluster.ts';
import { JsonHttpsServer, makePki, OidcIssuer, rawRequest, webhookKubeconfig, type Pki, type RawReply } from '../src/https-fixtures.ts';
import { runKubectl, type KubectlResult } from '../src/logbook-up.ts';
import { until } from '../src/until.ts';

const ALICE_TOKEN = 'alice-token-5f0e2a9c71d44b08';
const FRIEND_TOKEN = 'friend-token-c2b91e7a04d35f66';
const BOOTSTRAP_ID = 'abcdef';
const BOOTSTRAP_SECRET = '0123456789abcdef';
const OIDC_CLIENT = 'logbook-e2e';

let cluster: ApiserverCluster;
let dir: string;
let hooksPki: Pki;
let proxyPki: Pki;
let strangerPki: Pki;
let oidc: OidcIssuer;
let authzHook: JsonHttpsServer;
let admissionHook: JsonHttpsServer;
let auditLog: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'logbook-security-'));
  hooksPki = await makePki('hooks');
  proxyPki = await makePki('front-proxy');
  strangerPki = await makePki('stranger');
  oidc = await OidcIssuer.start(hooksPki.serving);
  // The authorization webhook has an opinion on one user only: webhook-friend may read secrets.
  authzHook = await JsonHttpsServer.start(hooksPki.serving, (_path, body) => {
    const spec = (body as { spec?: { user?: string; resourceAttributes?: { resource?: string; verb?: string } } }).spec ?? {};
    const allowed = spec.user === 'webhook-friend' && spec.resourceAttributes?.resource === 'secrets' && ['get', 'list'].includes(spec.resourceAttributes.verb ?? '');
    return { body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', status: { allowed, ...(allowed ? { reason: 'the e2e webhook says so' } : {}) } } };
  });
  // Admission: /deny refuses config maps labelled deny=yes; /mutate labels every config map; /slow answers after 3 s; /fail is a 500.
  admissionHook = await JsonHttpsServer.start(hooksPki.serving, (path, body) => {
    const request = (body as { request: { uid: string; object?: { metadata?: { labels?: Record<string, string> } } } }).request;
    const review = (response: Record<string, unknown>): { body: unknown } => ({ body: { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: request.uid, ...response } } });
    if (path === '/deny') {
      const deny = request.object?.metadata?.labels?.deny === 'yes';
      return review(deny ? { allowed: false, status: { code: 403, message: 'config maps labelled deny=yes are not welcome' }, warnings: ['the e2e webhook looked at this'] } : { allowed: true });
    }
    if (path === '/mutate') {
      const patch = request.object?.metadata?.labels === undefined
        ? [{ op: 'add', path: '/metadata/labels', value: { mutated: 'yes' } }]
        : [{ op: 'add', path: '/metadata/labels/mutated', value: 'yes' }];
      return review({ allowed: true, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(patch)).toString('base64') });
    }
    if (path === '/slow') return { ...review({ allowed: false, status: { message: 'too late to matter' } }), delayMs: 3_000 };
    return { status: 500, body: { message: 'the e2e webhook is broken' } };
  });

  writeFileSync(join(dir, 'tokens.csv'), `${ALICE_TOKEN},alice,uid-alice,"devs"\n${FRIEND_TOKEN},webhook-friend,uid-friend\n`);
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(join(dir, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(join(dir, 'hooks-ca.crt'), hooksPki.ca.certPem);
  writeFileSync(join(dir, 'proxy-ca.crt'), proxyPki.ca.certPem);
  writeFileSync(join(dir, 'authz.kubeconfig'), webhookKubeconfig(`${authzHook.url}/authorize`, hooksPki.ca.certPem));
  writeFileSync(join(dir, 'audit-policy.yaml'), [
    'apiVersion: audit.k8s.io/v1', 'kind: Policy', 'omitStages: ["RequestReceived"]', 'rules:',
    '- level: None', '  users: ["system:apiserver"]',
    '- level: Metadata', '  resources: [{group: "", resources: ["secrets"]}]',
    '- level: RequestResponse', '  resources: [{group: "", resources: ["configmaps"]}]',
    '- level: Request', '  resources: [{group: "", resources: ["pods"]}]',
    '- level: None', '',
  ].join('\n'));
  writeFileSync(join(dir, 'encryption.yaml'), [
    'apiVersion: apiserver.config.k8s.io/v1', 'kind: EncryptionConfiguration', 'resources:',
    '- resources: [secrets]', '  providers:', '  - aescbc:', '      keys:', `      - name: key1`, `        secret: ${randomBytes(32).toString('base64')}`, '  - identity: {}', '',
  ].join('\n'));
  auditLog = join(dir, 'audit.log');
  cluster = await ApiserverCluster.start({
    impl: 'logbook', storeMembers: 1,
    extraFlags: [
      '--authorization-mode', 'Node,RBAC,Webhook', '--authorization-webhook-config-file', join(dir, 'authz.kubeconfig'), '--authorization-webhook-version', 'v1',
      '--authorization-webhook-cache-authorized-ttl', '1s', '--authorization-webhook-cache-unauthorized-ttl', '1s',
      '--token-auth-file', join(dir, 'tokens.csv'),
      '--service-account-issuer', 'https://logbook.test', '--service-account-signing-key-file', join(dir, 'sa.key'),
      '--oidc-issuer-url', oidc.url, '--oidc-client-id', OIDC_CLIENT, '--oidc-ca-file', join(dir, 'hooks-ca.crt'),
      '--oidc-username-claim', 'email', '--oidc-groups-claim', 'groups', '--oidc-groups-prefix', 'oidc:',
      '--enable-bootstrap-token-auth',
      '--requestheader-client-ca-file', join(dir, 'proxy-ca.crt'), '--requestheader-allowed-names', 'front-proxy',
      '--requestheader-username-headers', 'X-Remote-User', '--requestheader-group-headers', 'X-Remote-Group',
      '--enable-admission-plugins', 'NodeRestriction',
      '--audit-policy-file', join(dir, 'audit-policy.yaml'), '--audit-log-path', auditLog,
      '--encryption-provider-config', join(dir, 'encryption.yaml'),
    ],
  });
  await setUpRbac();
});

after(async () => {
  await cluster?.[Symbol.asyncDispose]();
  await Promise.all([oidc?.server.close(), authzHook?.close(), admissionHook?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

async function kubectl(args: readonly string[], stdin?: string): Promise<KubectlResult> {
  return cluster.kubectl(args, stdin !== undefined ? { stdin } : {});
}

async function ok(args: readonly string[], stdin?: string): Promise<string> {
  const r = await kubectl(args, stdin);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}\n${cluster.logs()}`);
  return r.stdout;
}

async function apply(objects: readonly object[]): Promise<void> {
  await ok(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
}

/** kubectl with a kubeconfig holding only a bearer token. */
async function asToken(token: string, args: readonly string[]): Promise<KubectlResult> {
  const kubeconfig = join(dir, `token-${randomBytes(6).toString('hex')}.kubeconfig`);
  await writeKubeconfig(kubeconfig, { server: cluster.server, caPem: cluster.caPem, token, clusterName: 'e2e', userName: 'token', contextName: 'e2e' });
  return runKubectl(kubeconfig, args);
}

/** kubectl with a client certificate. */
async function asCert(cert: CertAndKey, args: readonly string[], stdin?: string): Promise<KubectlResult> {
  const kubeconfig = join(dir, `cert-${randomBytes(6).toString('hex')}.kubeconfig`);
  await writeKubeconfig(kubeconfig, { server: cluster.server, caPem: cluster.caPem, clientCertPem: cert.certPem, clientKeyPem: cert.keyPem, clusterName: 'e2e', userName: 'cert', contextName: 'e2e' });
  return runKubectl(kubeconfig, args, stdin !== undefined ? { stdin } : {});
}

function raw(path: string, o: { headers?: Record<string, string>; cert?: CertAndKey; method?: string; body?: string } = {}): Promise<RawReply> {
  return rawRequest(`${cluster.server}${path}`, { caPem: cluster.caPem, ...o });
}

async function whoami(run: (args: readonly string[]) => Promise<KubectlResult>): Promise<{ username: string; groups: string[] }> {
  const r = await run(['auth', 'whoami', '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { status: { userInfo: { username: string; groups?: string[] } } }).status.userInfo as { username: string; groups: string[] };
}

/** The cluster CA signs client certificates: a user "carol" in group "devs". */
async function clusterClientCert(cn: string, orgs: readonly string[]): Promise<CertAndKey> {
  const { issueClientCert } = await import('@logbook/pki');
  const ca = { certPem: cluster.caPem, keyPem: readFileSync(join(cluster.dir, 'pki', 'ca.key'), 'utf8') };
  return issueClientCert(ca, { commonName: cn, organizations: orgs, now: new Date(), validityDays: 1 });
}

async function setUpRbac(): Promise<void> {
  await ok(['create', 'namespace', 'team']);
  await apply([
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'cm-reader', namespace: 'team' }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }] },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'devs-read', namespace: 'team' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'cm-reader' }, subjects: [{ kind: 'Group', name: 'devs', apiGroup: 'rbac.authorization.k8s.io' }] },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'robot-read', namespace: 'team' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'cm-reader' }, subjects: [{ kind: 'ServiceAccount', name: 'robot', namespace: 'team' }] },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'oidc-admins-view' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'Group', name: 'oidc:admins', apiGroup: 'rbac.authorization.k8s.io' }] },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'proxied-view' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'User', name: 'erin', apiGroup: 'rbac.authorization.k8s.io' }] },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'robot', namespace: 'team' } },
    {
      apiVersion: 'v1', kind: 'Secret', metadata: { name: `bootstrap-token-${BOOTSTRAP_ID}`, namespace: 'kube-system' }, type: 'bootstrap.kubernetes.io/token',
      stringData: { 'token-id': BOOTSTRAP_ID, 'token-secret': BOOTSTRAP_SECRET, 'usage-bootstrap-authentication': 'true', 'auth-extra-groups': 'system:bootstrappers:e2e' },
    },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shared', namespace: 'team' }, data: { k: 'v' } },
  ]);
  // RBAC and the bootstrap-token secret are read from the watch caches: wait until they are visible.
  await until('alice to read team config maps', { timeoutMs: 10_000, intervalMs: 200 }, async () => ((await asToken(ALICE_TOKEN, ['get', 'configmaps', '-n', 'team'])).code === 0 ? true : undefined));
}

test('identities: each authenticator names its user and groups, and RBAC and the webhook decide what each may do', async () => {
  // x509 client certificate (CN user, O groups).
  const carol = await clusterClientCert('carol', ['devs']);
  assert.deepEqual(await whoami((a) => asCert(carol, a)), { username: 'carol', groups: ['devs', 'system:authenticated'] });
  assert.equal((await asCert(carol, ['get', 'configmaps', '-n', 'team', '-o', 'name'])).stdout.includes('configmap/shared'), true);
  assert.match((await asCert(carol, ['get', 'secrets', '-n', 'team'])).stderr, /secrets is forbidden: User "carol" cannot list resource "secrets" in API group "" in the namespace "team"/);

  // --token-auth-file.
  assert.deepEqual(await whoami((a) => asToken(ALICE_TOKEN, a)), { username: 'alice', groups: ['devs', 'system:authenticated'] });
  assert.equal((await asToken(ALICE_TOKEN, ['auth', 'can-i', 'list', 'configmaps', '-n', 'team'])).stdout, 'yes\n');
  assert.equal((await asToken(ALICE_TOKEN, ['auth', 'can-i', 'delete', 'configmaps', '-n', 'team'])).stdout, 'no\n');

  // The authorization webhook: no RBAC binding, yet webhook-friend may list secrets (and nothing else).
  const friend = await asToken(FRIEND_TOKEN, ['get', 'secrets', '-n', 'team', '-o', 'name']);
  assert.equal(friend.code, 0, friend.stderr);
  assert.match((await asToken(FRIEND_TOKEN, ['get', 'pods', '-n', 'team'])).stderr, /pods is forbidden: User "webhook-friend" cannot list resource "pods"/);
  assert.ok(authzHook.requests.some((r) => (r.body as { spec?: { user?: string } }).spec?.user === 'webhook-friend'), 'the webhook was asked');

  // Service account token (TokenRequest), bound to the account.
  const saToken = (await ok(['create', 'token', 'robot', '-n', 'team'])).trim();
  assert.deepEqual(await whoami((a) => asToken(saToken, a)), { username: 'system:serviceaccount:team:robot', groups: ['system:serviceaccounts', 'system:serviceaccounts:team', 'system:authenticated'] });
  assert.equal((await asToken(saToken, ['get', 'configmap', 'shared', '-n', 'team', '-o', 'name'])).stdout, 'configmap/shared\n');

  // OIDC ID token from the issuer the test runs (email claim, prefixed groups).
  const idToken = await oidc.token({ sub: 'u-17', email: 'dave@example.com', groups: ['admins'] }, { audience: OIDC_CLIENT });
  assert.deepEqual(await whoami((a) => asToken(idToken, a)), { username: 'dave@example.com', groups: ['oidc:admins', 'system:authenticated'] });
  assert.equal((await asToken(idToken, ['auth', 'can-i', 'list', 'deployments', '-A'])).stdout, 'yes\n');
  assert.equal((await asToken(idToken, ['auth', 'can-i', 'create', 'deployments', '-n', 'team'])).stdout, 'no\n');

  // Bootstrap token (Secret in kube-system).
  assert.deepEqual(await whoami((a) => asToken(`${BOOTSTRAP_ID}.${BOOTSTRAP_SECRET}`, a)), {
    username: `system:bootstrap:${BOOTSTRAP_ID}`, groups: ['system:bootstrappers', 'system:bootstrappers:e2e', 'system:authenticated'],
  });

  // Authenticating front proxy: its certificate (from its own CA) vouches for the headers.
  const proxy = await proxyPki.client('front-proxy');
  const proxied = await raw('/api/v1/namespaces/team/configmaps', { cert: proxy, headers: { 'X-Remote-User': 'erin', 'X-Remote-Group': 'qa' } });
  assert.equal(proxied.status, 200, proxied.body);
  const other = await raw('/api/v1/namespaces/team/configmaps', { cert: proxy, headers: { 'X-Remote-User': 'frank' } });
  assert.equal(other.status, 403, 'a different user on the same proxy connection is decided on its own');
  assert.match(other.body, /User \\"frank\\" cannot list resource \\"configmaps\\"/);
  const notAllowedName = await raw('/api/v1/namespaces/team/configmaps', { cert: await proxyPki.client('someone-else'), headers: { 'X-Remote-User': 'erin' } });
  assert.equal(notAllowedName.status, 401, 'a proxy certificate whose CN is not in --requestheader-allowed-names');

  // Anonymous: the public-info endpoints only.
  assert.equal((await raw('/version')).status, 200);
  const anon = await raw('/api/v1/namespaces/team/pods');
  assert.equal(anon.status, 403);
  assert.equal((JSON.parse(anon.body) as { message: string }).message, 'pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" in the namespace "team"');

  // Impersonation: the admin acts as alice; alice may not impersonate.
  assert.deepEqual(await whoami((a) => kubectl([...a, '--as', 'alice', '--as-group', 'devs'])), { username: 'alice', groups: ['devs', 'system:authenticated'] });
  assert.match((await asToken(ALICE_TOKEN, ['get', 'configmaps', '-n', 'team', '--as', 'carol'])).stderr, /users "carol" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope/);
});

test('bad credentials: forged, expired, wrong-audience and wrong-issuer tokens, foreign certificates, bad impersonation headers', async () => {
  const unauthorized = async (token: string): Promise<void> => {
    const r = await raw('/api/v1/namespaces', { headers: { authorization: `Bearer ${token}` } });
    assert.equal(r.status, 401, `${r.status} ${r.body}`);
    assert.equal((JSON.parse(r.body) as { message: string }).message, 'Unauthorized');
  };
  const claims = { sub: 'u-1', email: 'mallory@example.com', groups: ['admins'] };
  const { privateKey: otherKey } = await generateKeyPair('RS256');
  const forged = await oidc.token(claims, { audience: OIDC_CLIENT, key: otherKey });
  const expired = await oidc.token(claims, { audience: OIDC_CLIENT, expiresInSeconds: -3600 });
  const wrongAudience = await oidc.token(claims, { audience: 'someone-else' });
  const wrongIssuer = await oidc.token(claims, { audience: OIDC_CLIENT, issuer: 'https://evil.example' });
  const garbage = `${ALICE_TOKEN}x`;
  for (const t of [forged, expired, wrongAudience, wrongIssuer, garbage, `${BOOTSTRAP_ID}.ffffffffffffffff`]) await unauthorized(t);
  // A service-account token for another audience, and one whose account is gone.
  const otherAudience = (await ok(['create', 'token', 'robot', '-n', 'team', '--audience', 'vault'])).trim();
  await unauthorized(otherAudience);
  await ok(['create', 'serviceaccount', 'doomed', '-n', 'team']);
  const doomed = (await ok(['create', 'token', 'doomed', '-n', 'team'])).trim();
  assert.equal((await raw('/api/v1/namespaces/team/configmaps', { headers: { authorization: `Bearer ${doomed}` } })).status, 403, 'valid while the account exists');
  await ok(['delete', 'serviceaccount', 'doomed', '-n', 'team']);
  await until('the deleted account\'s token to be refused', { timeoutMs: 10_000, intervalMs: 200 }, async () =>
    ((await raw('/api/v1/namespaces', { headers: { authorization: `Bearer ${doomed}` } })).status === 401 ? true : undefined));

  // A client certificate from another CA is not an identity.
  const stranger = await strangerPki.client('root', ['system:masters']);
  const foreign = await raw('/api/v1/namespaces', { cert: stranger });
  assert.equal(foreign.status, 401, foreign.body);

  // Impersonation headers: oversized, or an Extra without a user.
  const huge = await raw('/api/v1/namespaces', { cert: await clusterClientCert('kube-admin', ['system:masters']), headers: { 'Impersonate-User': 'x'.repeat(10_000) } });
  assert.equal(huge.status, 400, huge.body);
  assert.match(huge.body, /Impersonate-User: a value must be no more than 4096 bytes/);
  const extraOnly = await raw('/api/v1/namespaces', { cert: await clusterClientCert('kube-admin', ['system:masters']), headers: { 'Impersonate-Extra-scopes': 'view' } });
  assert.equal(extraOnly.status, 400, extraOnly.body);

  // Escalation: alice may create Roles in team (granted below) but not one granting more than she holds.
  await apply([
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'role-writer', namespace: 'team' }, rules: [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'], verbs: ['create'] }] },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'alice-writes-roles', namespace: 'team' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'role-writer' }, subjects: [{ kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' }] },
  ]);
  await until('alice to create roles', { timeoutMs: 10_000, intervalMs: 200 }, async () => ((await asToken(ALICE_TOKEN, ['auth', 'can-i', 'create', 'roles', '-n', 'team'])).stdout === 'yes\n' ? true : undefined));
  const escalate = await asToken(ALICE_TOKEN, ['create', 'role', 'grab', '-n', 'team', '--verb=*', '--resource=secrets']);
  assert.notEqual(escalate.code, 0);
  assert.match(escalate.stderr, /is attempting to grant RBAC permissions not currently held/);
  const fine = await asToken(ALICE_TOKEN, ['create', 'role', 'subset', '-n', 'team', '--verb=get', '--resource=configmaps']);
  assert.equal(fine.code, 0, fine.stderr);

  // No secret reached a log.
  const logs = `${cluster.logs()}\n${readFileSync(auditLog, 'utf8')}`;
  for (const secret of [forged, expired, garbage, ALICE_TOKEN, FRIEND_TOKEN, BOOTSTRAP_SECRET, doomed]) assert.ok(!logs.includes(secret), 'a credential in the logs');
});

test('admission: LimitRanger, PodSecurity, ResourceQuota, webhooks and a ValidatingAdmissionPolicy, as users meet them', async () => {
  await ok(['create', 'namespace', 'adm']);
  await until('the default ServiceAccount in adm', { timeoutMs: 10_000, intervalMs: 100 }, async () => ((await kubectl(['get', 'sa', 'default', '-n', 'adm'])).code === 0 ? true : undefined));
  // LimitRanger: defaults from the namespace's LimitRange.
  await apply([{ apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'defaults', namespace: 'adm' }, spec: { limits: [{ type: 'Container', default: { cpu: '500m', memory: '256Mi' }, defaultRequest: { cpu: '100m', memory: '64Mi' }, max: { cpu: '1' } }] } }]);
  await until('the LimitRange to apply', { timeoutMs: 10_000, intervalMs: 200 }, async () => {
    const r = await kubectl(['run', `lr-${randomBytes(3).toString('hex')}`, '-n', 'adm', '--image=nginx', '--dry-run=server', '-o', 'json']);
    return r.code === 0 && (JSON.parse(r.stdout) as { spec: { containers: { resources?: { limits?: unknown } }[] } }).spec.containers[0]?.resources?.limits !== undefined ? true : undefined;
  });
  await ok(['run', 'web', '-n', 'adm', '--image=nginx']);
  const web = JSON.parse(await ok(['get', 'pod', 'web', '-n', 'adm', '-o', 'json'])) as { metadata: { annotations: Record<string, string> }; spec: { containers: { resources: unknown }[] } };
  assert.deepEqual(web.spec.containers[0]?.resources, { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '64Mi' } });
  assert.equal(web.metadata.annotations['kubernetes.io/limit-ranger'], 'LimitRanger plugin set: cpu, memory request for container web; cpu, memory limit for container web');
  const tooBig = await kubectl(['run', 'big', '-n', 'adm', '--image=nginx', '--overrides', JSON.stringify({ spec: { containers: [{ name: 'big', image: 'nginx', resources: { limits: { cpu: '2' } } }] } })]);
  assert.match(tooBig.stderr, /pods "big" is forbidden: maximum cpu usage per Container is 1, but limit is 2/);

  // PodSecurity: warn, then enforce.
  await ok(['label', 'namespace', 'adm', 'pod-security.kubernetes.io/warn=restricted']);
  const warned = await kubectl(['run', 'warned', '-n', 'adm', '--image=nginx']);
  assert.equal(warned.code, 0, warned.stderr);
  assert.match(warned.stderr, /Warning: would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false/);
  const raise = await kubectl(['label', 'namespace', 'adm', 'pod-security.kubernetes.io/enforce=baseline']);
  assert.equal(raise.code, 0, raise.stderr);
  const privileged = await kubectl(['run', 'priv', '-n', 'adm', '--image=nginx', '--privileged']);
  assert.match(privileged.stderr, /pods "priv" is forbidden: violates PodSecurity "baseline:latest": privileged \(container "priv" must not set securityContext.privileged=true\)/);

  // ResourceQuota: counted by the control loop, charged with each create.
  await apply([{ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'pods', namespace: 'adm' }, spec: { hard: { pods: '3', 'count/configmaps': '20' } } }]);
  await until('the quota status to be computed', { timeoutMs: 15_000, intervalMs: 200 }, async () => {
    const q = JSON.parse(await ok(['get', 'resourcequota', 'pods', '-n', 'adm', '-o', 'json'])) as { status?: { used?: Record<string, string> } };
    return q.status?.used?.pods === '2' ? true : undefined;
  });
  await ok(['run', 'third', '-n', 'adm', '--image=nginx']);
  const fourth = await kubectl(['run', 'fourth', '-n', 'adm', '--image=nginx']);
  assert.match(fourth.stderr, /pods "fourth" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=3, limited: pods=3/);
  const quota = JSON.parse(await ok(['get', 'resourcequota', 'pods', '-n', 'adm', '-o', 'json'])) as { status: { used: Record<string, string> } };
  assert.equal(quota.status.used.pods, '3', 'charged in the same transaction as the pod');

  // Admission webhooks over HTTPS with caBundle: validating, mutating, slow (Ignore), failing (Fail).
  const caBundle = Buffer.from(hooksPki.ca.certPem).toString('base64');
  const hook = (name: string, path: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    name, admissionReviewVersions: ['v1'], sideEffects: 'None', clientConfig: { url: `${admissionHook.url}${path}`, caBundle },
    rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }],
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'adm' } }, ...extra,
  });
  await apply([
    { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: 'e2e-validate' }, webhooks: [hook('deny.e2e.logbook', '/deny'), hook('slow.e2e.logbook', '/slow', { failurePolicy: 'Ignore', timeoutSeconds: 1 })] },
    { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: 'e2e-mutate' }, webhooks: [hook('mutate.e2e.logbook', '/mutate')] },
  ]);
  let last = '';
  await until('the webhooks to be in use', { timeoutMs: 10_000, intervalMs: 200 }, async () => {
    const name = `probe-${randomBytes(3).toString('hex')}`;
    const r = await kubectl(['create', 'configmap', name, '-n', 'adm', '--dry-run=server', '-o', 'json']);
    last = `${r.code} ${r.stdout} ${r.stderr}`;
    return r.code === 0 && (JSON.parse(r.stdout) as { metadata: { labels?: Record<string, string> } }).metadata.labels?.mutated === 'yes' ? true : undefined;
  }).catch((err: unknown) => assert.fail(`${String(err)}\nlast answer: ${last}\n${cluster.logs()}`));
  const started = Date.now();
  const created = await kubectl(['create', 'configmap', 'mutated', '-n', 'adm', '-o', 'json']);
  assert.equal(created.code, 0, created.stderr);
  assert.equal((JSON.parse(created.stdout) as { metadata: { labels: Record<string, string> } }).metadata.labels.mutated, 'yes');
  assert.ok(Date.now() - started < 2_900, 'the slow webhook could not hold the request past its 1 s timeout');
  const denied = await kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'unwelcome', namespace: 'adm', labels: { deny: 'yes' } } }));
  assert.match(denied.stderr, /admission webhook "deny.e2e.logbook" denied the request: config maps labelled deny=yes are not welcome/);
  assert.match(denied.stderr, /Warning: the e2e webhook looked at this/);
  await apply([{ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: 'e2e-broken' }, webhooks: [hook('broken.e2e.logbook', '/fail', { failurePolicy: 'Fail' })] }]);
  await until('the failing webhook to refuse', { timeoutMs: 10_000, intervalMs: 200 }, async () => {
    const r = await kubectl(['create', 'configmap', `x-${randomBytes(3).toString('hex')}`, '-n', 'adm']);
    return /failed calling webhook "broken.e2e.logbook"/.test(r.stderr) ? true : undefined;
  });
  // The configurations themselves are exempt: a broken webhook can always be removed.
  await ok(['delete', 'validatingwebhookconfiguration', 'e2e-broken', 'e2e-validate']);
  await ok(['delete', 'mutatingwebhookconfiguration', 'e2e-mutate']);

  // ValidatingAdmissionPolicy with CEL.
  await apply([
    {
      apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name: 'max-replicas' },
      spec: {
        failurePolicy: 'Fail', matchConstraints: { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments'] }] },
        validations: [{ expression: 'object.spec.replicas <= 5', messageExpression: "'replicas must be at most 5, got ' + string(object.spec.replicas)" }],
      },
    },
    { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name: 'max-replicas-adm' }, spec: { policyName: 'max-replicas', validationActions: ['Deny'], matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'adm' } } } } },
  ]);
  await until('the policy to refuse', { timeoutMs: 10_000, intervalMs: 200 }, async () => {
    const r = await kubectl(['create', 'deployment', 'wide', '-n', 'adm', '--image=nginx', '--replicas=6', '--dry-run=server']);
    return r.code !== 0 ? r : undefined;
  }).then((r) => assert.match(r.stderr, /ValidatingAdmissionPolicy 'max-replicas' with binding 'max-replicas-adm' denied request: replicas must be at most 5, got 6/));
  await ok(['create', 'deployment', 'narrow', '-n', 'adm', '--image=nginx', '--replicas=2']);
});

test('audit: the policy\'s level decides what each event holds; the Audit-Id header names the event', async () => {
  const reply = await raw('/api/v1/namespaces/team/configmaps', { cert: await clusterClientCert('auditor', ['system:masters']), method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'audited' }, data: { k: 'v' } }) });
  assert.equal(reply.status, 201, reply.body);
  const auditId = String(reply.headers['audit-id']);
  await ok(['create', 'secret', 'generic', 'audited', '-n', 'team', '--from-literal=password=hunter2-e2e']);
  await ok(['run', 'audited', '-n', 'team', '--image=nginx']);
  type Event = { auditID: string; level: string; stage: string; verb: string; user: { username: string }; objectRef?: { resource?: string; name?: string }; requestObject?: unknown; responseObject?: unknown; responseStatus?: { code: number }; annotations?: Record<string, string> };
  const events = await until('the audit events', { timeoutMs: 10_000, intervalMs: 200 }, async (): Promise<Event[] | undefined> => {
    await Promise.resolve();
    const lines = readFileSync(auditLog, 'utf8').trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Event);
    const done = lines.filter((e) => e.stage === 'ResponseComplete' && e.verb === 'create' && e.objectRef?.name === 'audited');
    return done.length >= 3 ? lines : undefined;
  });
  const cm = events.find((e) => e.auditID === auditId && e.stage === 'ResponseComplete');
  assert.ok(cm !== undefined, 'the event carries the Audit-Id the response named');
  assert.equal(cm.level, 'RequestResponse');
  assert.equal(cm.user.username, 'auditor');
  assert.equal(cm.responseStatus?.code, 201);
  assert.deepEqual((cm.requestObject as { data: unknown }).data, { k: 'v' });
  assert.equal((cm.responseObject as { metadata: { name: string } }).metadata.name, 'audited');
  assert.equal(cm.annotations?.['authorization.k8s.io/decision'], 'allow');
  const secret = events.find((e) => e.objectRef?.resource === 'secrets' && e.verb === 'create' && e.stage === 'ResponseComplete');
  assert.equal(secret?.level, 'Metadata');
  assert.equal(secret.requestObject, undefined);
  assert.equal(secret.responseObject, undefined);
  const pod = events.find((e) => e.objectRef?.resource === 'pods' && e.verb === 'create' && e.stage === 'ResponseComplete');
  assert.equal(pod?.level, 'Request');
  assert.notEqual(pod.requestObject, undefined);
  assert.equal(pod.responseObject, undefined);
  assert.ok(!events.some((e) => e.stage === 'RequestReceived'), 'omitStages: RequestReceived');
  assert.ok(!events.some((e) => e.objectRef?.resource === 'namespaces'), 'level None records nothing');
  assert.ok(!readFileSync(auditLog, 'utf8').includes('hunter2-e2e'), 'Metadata level: no secret data');
});

test('encryption at rest: secrets are ciphertext in the store (etcdctl), plaintext through the API; config maps are not encrypted', async () => {
  await ok(['create', 'secret', 'generic', 'sealed', '-n', 'team', '--from-literal=password=s3cr3t-e2e-value']);
  const stored = await cluster.store.etcdctl(['get', '/registry/secrets/team/sealed', '--print-value-only']);
  assert.equal(stored.code, 0, stored.stderr);
  assert.ok(stored.stdout.startsWith('k8s:enc:aescbc:v1:key1:'), `stored as: ${stored.stdout.slice(0, 40)}`);
  assert.ok(!stored.stdout.includes('s3cr3t') && !stored.stdout.includes(Buffer.from('s3cr3t-e2e-value').toString('base64')), 'no plaintext in the store');
  const read = JSON.parse(await ok(['get', 'secret', 'sealed', '-n', 'team', '-o', 'json'])) as { data: Record<string, string> };
  assert.equal(Buffer.from(read.data.password ?? '', 'base64').toString(), 's3cr3t-e2e-value');
  const cm = await cluster.store.etcdctl(['get', '/registry/configmaps/team/shared', '--print-value-only']);
  assert.match(cm.stdout, /^\{"apiVersion":"v1",.*"kind":"ConfigMap"/);
});

test('a kubelet (system:node:<name>): the Node authorizer\'s graph and NodeRestriction decide what it may touch', async () => {
  const kubelet = await clusterClientCert('system:node:n1', ['system:nodes']);
  const as = (args: readonly string[], stdin?: string): Promise<KubectlResult> => asCert(kubelet, args, stdin);
  // Its own Node: created by itself; another node's is refused by NodeRestriction.
  const node = (name: string): string => JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name } });
  const created = await as(['create', '-f', '-'], node('n1'));
  assert.equal(created.code, 0, created.stderr);
  const other = await as(['create', '-f', '-'], node('n2'));
  assert.match(other.stderr, /nodes "n2" is forbidden: node "n1" is not allowed to modify node "n2"/);
  // Secrets: only those a pod bound to n1 uses.
  await ok(['create', 'secret', 'generic', 'used-by-n1', '-n', 'team', '--from-literal=k=v']);
  await ok(['create', 'secret', 'generic', 'unrelated', '-n', 'team', '--from-literal=k=v']);
  await apply([{
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'on-n1', namespace: 'team' },
    spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'nginx' }], volumes: [{ name: 's', secret: { secretName: 'used-by-n1' } }] },
  }]);
  await until('the graph to link n1 to its pod\'s secret', { timeoutMs: 10_000, intervalMs: 200 }, async () => ((await as(['get', 'secret', 'used-by-n1', '-n', 'team'])).code === 0 ? true : undefined));
  assert.match((await as(['get', 'secret', 'unrelated', '-n', 'team'])).stderr, /secrets "unrelated" is forbidden: User "system:node:n1" cannot get resource "secrets" in API group "" in the namespace "team": no relationship found between node 'n1' and this object/);
  // Pods: a list limited to its own node (the field selector reaches the authorizer).
  const mine = await as(['get', 'pods', '-A', '--field-selector', 'spec.nodeName=n1', '-o', 'name']);
  assert.equal(mine.code, 0, mine.stderr);
  assert.equal(mine.stdout, 'pod/on-n1\n');
});
