import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluatePod, forbiddenDetail, PodSecurityError } from '../src/index.ts';
import { goodContainer, goodSpec } from './attrs.ts';

const sc = (s: Record<string, unknown>) => ({ securityContext: s });
const bare = { containers: [{ name: 'c', image: 'i' }] };

interface Case { readonly name: string; readonly lv: string; readonly spec: Record<string, unknown>; readonly meta?: Record<string, unknown>; readonly want: string }

// want: "" = allowed, otherwise the exact aggregated forbidden detail.
const cases: readonly Case[] = [
  { name: 'empty pod passes baseline', lv: 'baseline:latest', spec: bare, want: '' },
  { name: 'privileged level allows anything', lv: 'privileged:latest', spec: { hostNetwork: true }, want: '' },
  { name: 'restricted-compliant pod', lv: 'restricted:latest', spec: goodSpec(), want: '' },
  { name: 'bare pod under restricted', lv: 'restricted:latest', spec: bare,
    want: 'allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")' },
  { name: 'host namespaces', lv: 'baseline:latest', spec: { ...bare, hostNetwork: true, hostPID: true, hostIPC: true },
    want: 'host namespaces (hostNetwork=true, hostPID=true, hostIPC=true)' },
  { name: 'hostProcess pod and containers', lv: 'baseline:latest',
    spec: { ...sc({ windowsOptions: { hostProcess: true } }), containers: [{ name: 'a', securityContext: { windowsOptions: { hostProcess: true } } }, { name: 'b', securityContext: { windowsOptions: { hostProcess: true } } }] },
    want: 'hostProcess (pod and containers "a", "b" must not set securityContext.windowsOptions.hostProcess=true)' },
  { name: 'privileged container', lv: 'baseline:latest', spec: { containers: [{ name: 'c', securityContext: { privileged: true } }] },
    want: 'privileged (container "c" must not set securityContext.privileged=true)' },
  { name: 'privileged=false is fine', lv: 'baseline:latest', spec: { containers: [{ name: 'c', securityContext: { privileged: false } }] }, want: '' },
  { name: 'non-default capabilities, init container first', lv: 'baseline:latest',
    spec: { initContainers: [{ name: 'i', securityContext: { capabilities: { add: ['SYS_ADMIN', 'CHOWN'] } } }], containers: [{ name: 'c', securityContext: { capabilities: { add: ['NET_RAW', 'SYS_ADMIN'] } } }] },
    want: 'non-default capabilities (containers "i", "c" must not include "NET_RAW", "SYS_ADMIN" in securityContext.capabilities.add)' },
  { name: 'hostPath volumes', lv: 'baseline:latest', spec: { ...bare, volumes: [{ name: 'h', hostPath: { path: '/' } }, { name: 'e', emptyDir: {} }] },
    want: 'hostPath volumes (volume "h")' },
  { name: 'host ports sort as strings', lv: 'baseline:latest',
    spec: { containers: [{ name: 'a', ports: [{ containerPort: 1, hostPort: 8080 }, { containerPort: 2, hostPort: 10000 }] }, { name: 'b', ports: [{ containerPort: 3 }] }] },
    want: 'hostPort (container "a" uses hostPorts 10000, 8080)' },
  { name: 'two containers use one host port', lv: 'baseline:latest',
    spec: { containers: [{ name: 'a', ports: [{ hostPort: 80 }] }, { name: 'b', ports: [{ hostPort: 80 }] }] },
    want: 'hostPort (containers "a", "b" use hostPort 80)' },
  { name: 'AppArmor field and annotation', lv: 'baseline:latest',
    spec: { ...sc({ appArmorProfile: { type: 'Unconfined' } }), containers: [{ name: 'c' }] },
    meta: { annotations: { 'container.apparmor.security.beta.kubernetes.io/c': 'unconfined' } },
    want: 'forbidden AppArmor profiles (pod and annotation must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/c="unconfined"")' },
  { name: 'AppArmor localhost allowed', lv: 'baseline:latest', spec: { ...sc({ appArmorProfile: { type: 'Localhost' } }), containers: [{ name: 'c' }] },
    meta: { annotations: { 'container.apparmor.security.beta.kubernetes.io/c': 'localhost/x' } }, want: '' },
  { name: 'SELinux type, user and role', lv: 'baseline:latest',
    spec: { ...sc({ seLinuxOptions: { type: 'spc_t' } }), containers: [{ name: 'c', securityContext: { seLinuxOptions: { user: 'u', role: 'r' } } }] },
    want: 'seLinuxOptions (pod and container "c" set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set; role may not be set)' },
  { name: 'container_engine_t refused before v1.31', lv: 'baseline:v1.30', spec: { ...sc({ seLinuxOptions: { type: 'container_engine_t' } }), ...bare },
    want: 'seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: type "container_engine_t")' },
  { name: 'container_engine_t allowed from v1.31', lv: 'baseline:v1.31', spec: { ...sc({ seLinuxOptions: { type: 'container_engine_t' } }), ...bare }, want: '' },
  { name: 'procMount Unmasked', lv: 'baseline:latest', spec: { containers: [{ name: 'c', securityContext: { procMount: 'Unmasked' } }] },
    want: 'procMount (container "c" must not set securityContext.procMount to "Unmasked")' },
  { name: 'seccomp Unconfined (baseline, field)', lv: 'baseline:latest', spec: { ...sc({ seccompProfile: { type: 'Unconfined' } }), ...bare },
    want: 'seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")' },
  { name: 'seccomp field ignored before v1.19 (annotations checked)', lv: 'baseline:v1.18',
    spec: { ...sc({ seccompProfile: { type: 'Unconfined' } }), ...bare },
    meta: { annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined', 'container.seccomp.security.alpha.kubernetes.io/c': 'docker/default' } },
    want: 'seccompProfile (forbidden annotation seccomp.security.alpha.kubernetes.io/pod="unconfined")' },
  { name: 'sysctls at v1.28', lv: 'baseline:v1.28', spec: { ...sc({ sysctls: [{ name: 'net.ipv4.tcp_keepalive_time', value: '1' }, { name: 'kernel.msgmax', value: '1' }, { name: 'net.ipv4.ip_local_reserved_ports', value: '1' }] }), ...bare },
    want: 'forbidden sysctls (net.ipv4.tcp_keepalive_time, kernel.msgmax)' },
  { name: 'sysctls at v1.32', lv: 'baseline:v1.32', spec: { ...sc({ sysctls: [{ name: 'net.ipv4.tcp_rmem', value: '1' }, { name: 'net.ipv4.tcp_keepalive_time', value: '1' }] }), ...bare }, want: '' },
  { name: 'tcp_rmem refused at v1.31', lv: 'baseline:v1.31', spec: { ...sc({ sysctls: [{ name: 'net.ipv4.tcp_rmem', value: '1' }] }), ...bare },
    want: 'forbidden sysctls (net.ipv4.tcp_rmem)' },
  { name: 'restricted volume types', lv: 'restricted:latest',
    spec: goodSpec({ volumes: [{ name: 'a', hostPath: {} }, { name: 'b', nfs: {} }, { name: 'c', configMap: {} }, { name: 'd' }] }),
    want: 'restricted volume types (volumes "a", "b", "d" use restricted volume types "hostPath", "nfs", "unknown")' },
  { name: 'runAsNonRoot=false explicit', lv: 'restricted:latest',
    spec: goodSpec({ securityContext: { runAsNonRoot: false, seccompProfile: { type: 'RuntimeDefault' } }, containers: [goodContainer('c', { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: false } })] }),
    want: 'runAsNonRoot != true (pod and container "c" must not set securityContext.runAsNonRoot=false)' },
  { name: 'runAsUser=0', lv: 'restricted:latest', spec: goodSpec({ securityContext: { runAsNonRoot: true, runAsUser: 0, seccompProfile: { type: 'Localhost' } } }),
    want: 'runAsUser=0 (pod must not set runAsUser=0)' },
  { name: 'runAsUser=0 not checked before v1.23', lv: 'restricted:v1.22', spec: goodSpec({ securityContext: { runAsNonRoot: true, runAsUser: 0, seccompProfile: { type: 'Localhost' } } }), want: '' },
  { name: 'restricted capabilities add', lv: 'restricted:latest',
    spec: goodSpec({ containers: [goodContainer('c', { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE', 'CHOWN'] } } })] }),
    want: 'unrestricted capabilities (container "c" must not include "CHOWN" in securityContext.capabilities.add)' },
  { name: 'before v1.22 restricted uses the baseline capabilities check', lv: 'restricted:v1.21',
    spec: goodSpec({ containers: [{ name: 'c', image: 'i', securityContext: { allowPrivilegeEscalation: false, capabilities: { add: ['CHOWN'] } } }] }), want: '' },
  { name: 'windows pods skip linux-only restricted checks from v1.25', lv: 'restricted:v1.25',
    spec: { os: { name: 'windows' }, securityContext: { runAsNonRoot: true }, containers: [{ name: 'c' }] }, want: '' },
  { name: 'windows pods checked at v1.24', lv: 'restricted:v1.24',
    spec: { os: { name: 'windows' }, securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }, containers: [{ name: 'c', securityContext: { capabilities: { drop: ['ALL'] } } }] },
    want: 'allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false)' },
  { name: 'ephemeral containers are checked', lv: 'baseline:latest',
    spec: { containers: [{ name: 'c' }], ephemeralContainers: [{ name: 'debug', securityContext: { privileged: true } }] },
    want: 'privileged (container "debug" must not set securityContext.privileged=true)' },
  { name: 'future version evaluates as newest', lv: 'baseline:v1.99', spec: { ...sc({ sysctls: [{ name: 'net.ipv4.tcp_wmem' }] }), ...bare }, want: '' },
  { name: 'malformed spec reads as empty', lv: 'restricted:latest', spec: { containers: 'nope', securityContext: 7 }, want: '' },
];

for (const c of cases) {
  test(`evaluatePod: ${c.name}`, () => {
    const r = evaluatePod(c.lv, c.meta ?? {}, c.spec);
    assert.equal(forbiddenDetail(r), c.want);
    assert.equal(r.allowed, c.want === '');
    assert.equal(r.forbiddenReasons.length, r.forbiddenDetails.length);
  });
}

test('evaluatePod accepts a LevelVersion object', () => {
  const r = evaluatePod({ level: 'baseline', version: 10 }, {}, { hostPID: true });
  assert.deepEqual(r, { allowed: false, forbiddenReasons: ['host namespaces'], forbiddenDetails: ['hostPID=true'] });
});

for (const bad of ['', 'root:latest', 'baseline:v2.0', 'baseline:1.20', 'baseline:v1.01', 'restricted:v1.x']) {
  test(`evaluatePod refuses level:version ${JSON.stringify(bad)}`, () => {
    assert.throws(() => evaluatePod(bad, {}, {}), (e: unknown) => e instanceof PodSecurityError && e.code === 'InvalidLevelVersion');
  });
}
