import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryObjectReader } from '@logbook/admission';
import { StatusError } from '@logbook/apimachinery';
import { podSecurityAdmission, parsePodSecurityConfiguration, PodSecurityError } from '../src/index.ts';
import { attrs, goodSpec, namespace } from './attrs.ts';

const NS = { group: '', resource: 'namespaces' };
const PODS = { group: '', resource: 'pods' };
const bare = { containers: [{ name: 'c', image: 'i' }] };

function plugin(labels: Record<string, string>, config?: unknown, clock?: () => number) {
  const reader = new MemoryObjectReader([[NS, namespace('ns', labels)]]);
  return { reader, p: podSecurityAdmission({ reader, ...(config !== undefined ? { config } : {}), ...(clock !== undefined ? { clock } : {}) }) };
}

async function refusal(fn: () => Promise<void>): Promise<StatusError> {
  try {
    await fn();
  } catch (e: unknown) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  assert.fail('expected a StatusError');
}

test('enforce restricted refuses a bare pod with kube\'s exact message, and annotates the audit event', async () => {
  const { p } = plugin({ 'pod-security.kubernetes.io/enforce': 'restricted' });
  const a = attrs({ object: { metadata: { name: 'p' }, spec: bare } });
  const e = await refusal(async () => p.validate?.(a));
  assert.equal(e.status.code, 403);
  assert.equal(e.status.reason, 'Forbidden');
  assert.equal(e.message, 'pods "p" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")');
  assert.equal(a.annotations.get('pod-security.kubernetes.io/enforce-policy'), 'restricted:latest');
  // Warn defaulted to the enforce level, but a refused request gets no warnings.
  assert.deepEqual(a.warnings, []);
});

test('a compliant pod passes enforce restricted:v1.25', async () => {
  const { p } = plugin({ 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'v1.25' });
  const a = attrs({ object: { spec: goodSpec() } });
  await p.validate?.(a);
  assert.equal(a.annotations.get('pod-security.kubernetes.io/enforce-policy'), 'restricted:v1.25');
  assert.deepEqual(a.warnings, []);
});

test('warn and audit modes allow the pod with a warning and an audit annotation', async () => {
  const { p } = plugin({ 'pod-security.kubernetes.io/warn': 'baseline', 'pod-security.kubernetes.io/audit': 'baseline', 'pod-security.kubernetes.io/audit-version': 'v1.30' });
  const a = attrs({ object: { spec: { ...bare, hostNetwork: true } } });
  await p.validate?.(a);
  assert.deepEqual(a.warnings, ['would violate PodSecurity "baseline:latest": host namespaces (hostNetwork=true)']);
  assert.equal(a.annotations.get('pod-security.kubernetes.io/audit-violations'), 'would violate PodSecurity "baseline:v1.30": host namespaces (hostNetwork=true)');
  assert.equal(a.annotations.get('pod-security.kubernetes.io/enforce-policy'), 'privileged:latest');
});

test('a fully privileged namespace short-circuits with the privileged enforce annotation', async () => {
  const { p } = plugin({});
  const a = attrs({ object: { spec: { hostPID: true } } });
  await p.validate?.(a);
  assert.deepEqual([...a.annotations], [['pod-security.kubernetes.io/enforce-policy', 'privileged:latest']]);
});

test('configured defaults apply to unlabelled namespaces', async () => {
  const config = { apiVersion: 'pod-security.admission.config.k8s.io/v1', kind: 'PodSecurityConfiguration', defaults: { enforce: 'baseline' } };
  const { p } = plugin({}, config);
  const e = await refusal(async () => p.validate?.(attrs({ object: { spec: { ...bare, hostIPC: true } } })));
  assert.equal(e.message, 'pods "p" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostIPC=true)');
});

test('exemptions: namespace, user and runtimeClass pass with the exempt annotation', async () => {
  const config = { apiVersion: 'pod-security.admission.config.k8s.io/v1beta1', kind: 'PodSecurityConfiguration',
    exemptions: { namespaces: ['ns'], usernames: ['root-user'], runtimeClasses: ['kata'] } };
  const labels = { 'pod-security.kubernetes.io/enforce': 'restricted' };
  const { p } = plugin(labels, config);
  const byNs = attrs({ object: { spec: bare } });
  await p.validate?.(byNs);
  assert.equal(byNs.annotations.get('pod-security.kubernetes.io/exempt'), 'namespace');
  const reader = new MemoryObjectReader([[NS, namespace('other', labels)]]);
  const p2 = podSecurityAdmission({ reader, config });
  const byUser = attrs({ namespace: 'other', user: 'root-user', object: { spec: bare } });
  await p2.validate?.(byUser);
  assert.equal(byUser.annotations.get('pod-security.kubernetes.io/exempt'), 'user');
  const byRc = attrs({ namespace: 'other', object: { spec: { ...bare, runtimeClassName: 'kata' } } });
  await p2.validate?.(byRc);
  assert.equal(byRc.annotations.get('pod-security.kubernetes.io/exempt'), 'runtimeClass');
  await assert.rejects(async () => p2.validate?.(attrs({ namespace: 'other', object: { spec: { ...bare, runtimeClassName: 'runc' } } })), StatusError);
});

test('pod updates: only image changes and new ephemeral containers are evaluated; ignored subresources pass', async () => {
  const { p } = plugin({ 'pod-security.kubernetes.io/enforce': 'baseline' });
  const bad = { containers: [{ name: 'c', image: 'i', securityContext: { privileged: true } }] };
  await p.validate?.(attrs({ operation: 'UPDATE', object: { metadata: { labels: { a: 'b' } }, spec: bad }, oldObject: { spec: bad } }));
  await assert.rejects(async () => p.validate?.(attrs({ operation: 'UPDATE', object: { spec: { containers: [{ name: 'c', image: 'j', securityContext: { privileged: true } }] } }, oldObject: { spec: bad } })), StatusError);
  const eph = { containers: [{ name: 'c', image: 'i' }], ephemeralContainers: [{ name: 'dbg', image: 'd', securityContext: { privileged: true } }] };
  const e = await refusal(async () => p.validate?.(attrs({ operation: 'UPDATE', subresource: 'ephemeralcontainers', object: { spec: eph }, oldObject: { spec: bare } })));
  assert.equal(e.message, 'pods "p" is forbidden: violates PodSecurity "baseline:latest": privileged (container "dbg" must not set securityContext.privileged=true)');
  await p.validate?.(attrs({ subresource: 'binding', object: { spec: bad } }));
  await p.validate?.(attrs({ operation: 'DELETE', object: { spec: bad } }));
});

test('a pod in a namespace that does not exist is an internal error', async () => {
  const { p } = plugin({});
  const e = await refusal(async () => p.validate?.(attrs({ namespace: 'gone', object: { spec: bare } })));
  assert.equal(e.status.code, 500);
  assert.equal(e.message, 'Internal error occurred: failed to lookup namespace "gone"');
});

const workloads = [
  { group: 'apps', resource: 'deployments', kind: 'Deployment', object: { spec: { template: { spec: { ...bare, hostPID: true } } } } },
  { group: 'batch', resource: 'cronjobs', kind: 'CronJob', object: { spec: { jobTemplate: { spec: { template: { spec: { ...bare, hostPID: true } } } } } } },
  { group: '', resource: 'podtemplates', kind: 'PodTemplate', object: { template: { spec: { ...bare, hostPID: true } } } },
  { group: '', resource: 'replicationcontrollers', kind: 'ReplicationController', object: { spec: { template: { spec: { ...bare, hostPID: true } } } } },
] as const;

for (const w of workloads) {
  test(`workload ${w.resource}: warned and audited, never enforced`, async () => {
    const { p } = plugin({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/audit': 'baseline' });
    const a = attrs({ group: w.group, resource: w.resource, kind: w.kind, name: 'w', object: w.object });
    await p.validate?.(a);
    assert.deepEqual(a.warnings, ['would violate PodSecurity "baseline:latest": host namespaces (hostPID=true)']);
    assert.equal(a.annotations.get('pod-security.kubernetes.io/audit-violations'), 'would violate PodSecurity "baseline:latest": host namespaces (hostPID=true)');
    assert.equal(a.annotations.has('pod-security.kubernetes.io/enforce-policy'), false);
  });
}

test('unrelated resources and an RC without a template are ignored', async () => {
  const { p } = plugin({ 'pod-security.kubernetes.io/warn': 'restricted' });
  const svc = attrs({ resource: 'services', kind: 'Service', object: { spec: { hostPID: true } } });
  await p.validate?.(svc);
  const rc = attrs({ resource: 'replicationcontrollers', kind: 'ReplicationController', object: { spec: {} } });
  await p.validate?.(rc);
  assert.deepEqual([...svc.warnings, ...rc.warnings], []);
});

test('namespace labels: invalid level and version refused on create with kube\'s Invalid message', async () => {
  const { p } = plugin({});
  const a = attrs({ resource: 'namespaces', kind: 'Namespace', name: 'x', namespace: '',
    object: { metadata: { name: 'x', labels: { 'pod-security.kubernetes.io/enforce': 'strict', 'pod-security.kubernetes.io/warn-version': 'v1.2.3' } } } });
  const e = await refusal(async () => p.validate?.(a));
  assert.equal(e.status.code, 422);
  assert.equal(e.message, 'Namespace "x" is invalid: [metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted, metadata.labels[pod-security.kubernetes.io/warn-version]: Invalid value: "v1.2.3": must be "latest" or "v1.x"]');
});

test('namespace update keeping the same invalid labels is allowed; changing to another invalid one is not', async () => {
  const { p } = plugin({});
  const old = { metadata: { name: 'ns', labels: { 'pod-security.kubernetes.io/audit': 'bogus' } } };
  await p.validate?.(attrs({ operation: 'UPDATE', resource: 'namespaces', kind: 'Namespace', name: 'ns', object: { metadata: { name: 'ns', labels: { 'pod-security.kubernetes.io/audit': 'bogus', other: 'x' } } }, oldObject: old }));
  await assert.rejects(async () => p.validate?.(attrs({ operation: 'UPDATE', resource: 'namespaces', kind: 'Namespace', name: 'ns', object: { metadata: { name: 'ns', labels: { 'pod-security.kubernetes.io/audit': 'bogus2' } } }, oldObject: old })), StatusError);
});

function pod(name: string, spec: Record<string, unknown>, owner?: string) {
  const ownerReferences = owner === undefined ? [] : [{ uid: owner, controller: true, kind: 'ReplicaSet', name: 'rs', apiVersion: 'apps/v1' }];
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns', ownerReferences }, spec };
}

test('raising the enforce level warns about existing pods, grouped by reason (dry run too)', async () => {
  const { p, reader } = plugin({});
  reader.put(PODS, pod('b', { ...bare, hostPID: true }));
  reader.put(PODS, pod('a', { ...bare, hostPID: true }));
  reader.put(PODS, pod('c', { ...bare, hostPID: true }));
  reader.put(PODS, pod('z', { containers: [{ name: 'c', securityContext: { privileged: true } }] }));
  reader.put(PODS, pod('ok', bare));
  const a = attrs({ operation: 'UPDATE', dryRun: true, resource: 'namespaces', kind: 'Namespace', name: 'ns',
    object: { metadata: { name: 'ns', labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } } }, oldObject: { metadata: { name: 'ns' } } });
  await p.validate?.(a);
  assert.deepEqual(a.warnings, [
    'existing pods in namespace "ns" violate the new PodSecurity enforce level "baseline:latest"',
    'a (and 2 other pods): host namespaces',
    'z: privileged',
  ]);
});

test('relaxing the enforce level, or leaving it alone, checks nothing', async () => {
  const { p, reader } = plugin({});
  reader.put(PODS, pod('a', { ...bare, hostPID: true }));
  const relax = attrs({ operation: 'UPDATE', resource: 'namespaces', kind: 'Namespace', name: 'ns',
    object: { metadata: { name: 'ns', labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } } },
    oldObject: { metadata: { name: 'ns', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } } });
  await p.validate?.(relax);
  assert.deepEqual(relax.warnings, []);
});

test('the namespace dry run stops at its time bound and says how far it got', async () => {
  let now = 0;
  const { p, reader } = plugin({}, undefined, () => (now += 600));
  for (const n of ['a', 'b', 'c', 'd']) reader.put(PODS, pod(n, { ...bare, hostPID: true }, n === 'a' ? undefined : 'rs-uid'));
  const a = attrs({ operation: 'UPDATE', resource: 'namespaces', kind: 'Namespace', name: 'ns',
    object: { metadata: { name: 'ns', labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } } }, oldObject: { metadata: { name: 'ns' } } });
  await p.validate?.(a);
  assert.deepEqual(a.warnings, [
    // The clock reads 600 at the start (deadline 1600), 1200 after pod a, 1800 after pod b.
    'new PodSecurity enforce level only checked against the first 2 of 4 existing pods',
    'existing pods in namespace "ns" violate the new PodSecurity enforce level "baseline:latest"',
    'a (and 1 other pod): host namespaces',
  ]);
});

test('labelling an exempt namespace warns that the policy is ignored', async () => {
  const config = { apiVersion: 'pod-security.admission.config.k8s.io/v1', kind: 'PodSecurityConfiguration', exemptions: { namespaces: ['ns'] } };
  const { p } = plugin({}, config);
  const a = attrs({ resource: 'namespaces', kind: 'Namespace', name: 'ns', namespace: 'ns',
    object: { metadata: { name: 'ns', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } } });
  await p.validate?.(a);
  assert.deepEqual(a.warnings, ['namespace "ns" is exempt from Pod Security, and the policy (enforce=restricted:latest) will be ignored']);
});

const badConfigs: readonly [string, unknown, string][] = [
  ['wrong apiVersion', { apiVersion: 'v1', kind: 'PodSecurityConfiguration' }, 'PodSecurity invalid: apiVersion must be one of'],
  ['wrong kind', { apiVersion: 'pod-security.admission.config.k8s.io/v1', kind: 'Other' }, 'PodSecurity invalid: expected kind PodSecurityConfiguration'],
  ['bad level and version', { apiVersion: 'pod-security.admission.config.k8s.io/v1', kind: 'PodSecurityConfiguration', defaults: { enforce: 'max', 'audit-version': '1.2' } },
    'PodSecurity invalid: [defaults.enforce: Invalid value: "max": must be one of privileged, baseline, restricted, defaults.audit-version: Invalid value: "1.2": must be "latest" or "v1.x"]'],
  ['duplicate and empty exemptions', { apiVersion: 'pod-security.admission.config.k8s.io/v1', kind: 'PodSecurityConfiguration', exemptions: { usernames: ['a', 'a', ''] } },
    'PodSecurity invalid: [exemptions.usernames[1]: Duplicate value: "a", exemptions.usernames[2]: Invalid value: "": username must not be empty]'],
  ['bad namespace name', { apiVersion: 'pod-security.admission.config.k8s.io/v1', kind: 'PodSecurityConfiguration', exemptions: { namespaces: ['Bad_NS'] } },
    'PodSecurity invalid: exemptions.namespaces[0]: Invalid value: "Bad_NS": '],
  ['wrong types', { apiVersion: 'pod-security.admission.config.k8s.io/v1', kind: 'PodSecurityConfiguration', exemptions: { usernames: 'root' } }, 'PodSecurity invalid: exemptions.usernames must be a list of strings'],
];

for (const [name, cfg, prefix] of badConfigs) {
  test(`invalid configuration is an error at construction: ${name}`, () => {
    assert.throws(() => podSecurityAdmission({ reader: new MemoryObjectReader(), config: cfg }),
      (e: unknown) => e instanceof PodSecurityError && e.code === 'InvalidConfiguration' && e.message.startsWith(prefix));
  });
}

test('parsePodSecurityConfiguration defaults empty fields to privileged/latest', () => {
  const c = parsePodSecurityConfiguration({ apiVersion: 'pod-security.admission.config.k8s.io/v1', kind: 'PodSecurityConfiguration', defaults: { warn: 'restricted', 'warn-version': 'v1.30' } });
  assert.deepEqual(c.defaults, { enforce: { level: 'privileged', version: 'latest' }, audit: { level: 'privileged', version: 'latest' }, warn: { level: 'restricted', version: 30 } });
});
