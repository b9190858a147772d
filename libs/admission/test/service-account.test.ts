import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryObjectReader, serviceAccountAdmission, tokenVolume } from '../src/index.ts';
import { attrs, pod, rejectsWith, run } from './attrs.ts';

const SA = { group: '', resource: 'serviceaccounts' };
const MOUNT = { name: 'kube-api-access-bbbbb', readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' };

function reader(...accounts: Array<Record<string, unknown>>): MemoryObjectReader {
  return new MemoryObjectReader(accounts.map((a) => [SA, { ...a, metadata: { namespace: 'default', ...(a.metadata as object) } }] as const));
}
const plugin = (r: MemoryObjectReader, limitSecretReferences = false) => serviceAccountAdmission({ reader: r, randomInt: () => 0, limitSecretReferences });

test('ServiceAccount defaults the account, mounts the projected token volume in every container, copies pull secrets', async () => {
  const obj = pod({ containers: [{ name: 'a' }, { name: 'b', volumeMounts: [{ name: 'own', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }] }], initContainers: [{ name: 'i' }], ephemeralContainers: [{ name: 'e' }] });
  await run(plugin(reader({ metadata: { name: 'default' }, imagePullSecrets: [{ name: 'regcred' }] })), attrs({ object: obj }));
  const spec = obj.spec as Record<string, unknown>;
  assert.equal(spec.serviceAccountName, 'default');
  assert.deepEqual(spec.volumes, [tokenVolume('kube-api-access-bbbbb')]);
  assert.deepEqual(tokenVolume('x'), {
    name: 'x',
    projected: {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    },
  });
  assert.deepEqual(spec.containers, [{ name: 'a', volumeMounts: [MOUNT] }, { name: 'b', volumeMounts: [{ name: 'own', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }] }]);
  assert.deepEqual(spec.initContainers, [{ name: 'i', volumeMounts: [MOUNT] }]);
  assert.deepEqual(spec.ephemeralContainers, [{ name: 'e' }]);
  assert.deepEqual(spec.imagePullSecrets, [{ name: 'regcred' }]);
});

test('ServiceAccount automount: the pod wins over the account; an existing kube-api-access volume is reused', async () => {
  const cases: Array<[boolean | undefined, boolean | undefined, boolean]> = [
    [undefined, undefined, true], [false, undefined, false], [undefined, false, false], [true, false, true], [false, true, false],
  ];
  for (const [podSays, saSays, mounted] of cases) {
    const obj = pod({ containers: [{ name: 'a' }], ...(podSays === undefined ? {} : { automountServiceAccountToken: podSays }) });
    await run(plugin(reader({ metadata: { name: 'default' }, ...(saSays === undefined ? {} : { automountServiceAccountToken: saSays }) })), attrs({ object: obj }));
    assert.equal((obj.spec as Record<string, unknown>).volumes !== undefined, mounted, `pod=${String(podSays)} sa=${String(saSays)}`);
  }
  const reuse = pod({ containers: [{ name: 'a' }], volumes: [{ name: 'kube-api-access-zzzzz', emptyDir: {} }] });
  await run(plugin(reader({ metadata: { name: 'default' } })), attrs({ object: reuse }));
  assert.deepEqual((reuse.spec as Record<string, unknown>).volumes, [{ name: 'kube-api-access-zzzzz', emptyDir: {} }]);
  assert.deepEqual((reuse.spec as { containers: unknown[] }).containers, [{ name: 'a', volumeMounts: [{ ...MOUNT, name: 'kube-api-access-zzzzz' }] }]);
});

test('ServiceAccount refuses a missing account with kube\'s message, and ignores updates and subresources', async () => {
  await rejectsWith(run(plugin(reader()), attrs({ object: pod({ containers: [{ name: 'a' }] }) })), 403, 'Forbidden',
    'pods "p" is forbidden: error looking up service account default/default: serviceaccount "default" not found');
  await rejectsWith(run(plugin(reader({ metadata: { name: 'default' } })), attrs({ object: pod({ serviceAccountName: 'robot', containers: [] }) })), 403, 'Forbidden',
    'pods "p" is forbidden: error looking up service account default/robot: serviceaccount "robot" not found');
  const upd = pod({ containers: [{ name: 'a' }] });
  await run(plugin(reader()), attrs({ operation: 'UPDATE', object: upd, oldObject: { metadata: { name: 'p' } } }));
  await run(plugin(reader()), attrs({ subresource: 'status', object: upd }));
  assert.equal((upd.spec as Record<string, unknown>).serviceAccountName, undefined);
});

test('ServiceAccount mirror pods: untouched, and refused when they reference accounts, secrets or tokens', async () => {
  const mirror = (spec: Record<string, unknown>) => pod(spec, { annotations: { 'kubernetes.io/config.mirror': 'hash' } });
  const ok = mirror({ containers: [{ name: 'a' }] });
  await run(plugin(reader()), attrs({ object: ok }));
  assert.deepEqual(ok.spec, { containers: [{ name: 'a' }] });
  const refusals: Array<[Record<string, unknown>, string]> = [
    [{ serviceAccountName: 'default', containers: [] }, 'a mirror pod may not reference service accounts'],
    [{ containers: [{ name: 'a', env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] }] }, 'a mirror pod may not reference secrets'],
    [{ containers: [], volumes: [{ name: 'v', csi: { driver: 'd', nodePublishSecretRef: { name: 's' } } }] }, 'a mirror pod may not reference secrets'],
    [{ containers: [], imagePullSecrets: [{ name: 'r' }] }, 'a mirror pod may not reference secrets'],
    [{ containers: [], volumes: [{ name: 'v', projected: { sources: [{ serviceAccountToken: { path: 't' } }] } }] }, 'a mirror pod may not use ServiceAccountToken volume projections'],
  ];
  for (const [spec, message] of refusals) {
    await rejectsWith(run(plugin(reader()), attrs({ object: mirror(spec) })), 403, 'Forbidden', `pods "p" is forbidden: ${message}`);
  }
});

test('ServiceAccount enforce-mountable-secrets: only listed secrets, annotated or by option', async () => {
  const sa = { metadata: { name: 'default', annotations: { 'kubernetes.io/enforce-mountable-secrets': 'true' } }, secrets: [{ name: 'ok' }], imagePullSecrets: [{ name: 'pull' }], automountServiceAccountToken: false };
  const cases: Array<[Record<string, unknown>, string | undefined]> = [
    [{ containers: [{ name: 'a', env: [{ name: 'E', valueFrom: { secretKeyRef: { name: 'ok', key: 'k' } } }] }] }, undefined],
    [{ containers: [], volumes: [{ name: 'v', secret: { secretName: 'bad' } }] }, 'volume with secret.secretName="bad" is not allowed because service account default does not reference that secret'],
    [{ containers: [{ name: 'a', env: [{ name: 'E', valueFrom: { secretKeyRef: { name: 'bad', key: 'k' } } }] }] }, 'container a with envVar E referencing secret.secretName="bad" is not allowed because service account default does not reference that secret'],
    [{ containers: [], initContainers: [{ name: 'i', envFrom: [{ secretRef: { name: 'bad' } }] }] }, 'init container i with envFrom referencing secret.secretName="bad" is not allowed because service account default does not reference that secret'],
    [{ containers: [], imagePullSecrets: [{ name: 'pull' }, { name: 'other' }] }, 'imagePullSecrets[1].name="other" is not allowed because service account default does not reference that imagePullSecret'],
  ];
  for (const [spec, message] of cases) {
    const p = run(plugin(reader(sa)), attrs({ object: pod(spec) }));
    if (message === undefined) await p;
    else await rejectsWith(p, 403, 'Forbidden', `pods "p" is forbidden: ${message}`);
  }
  const unannotated = { ...sa, metadata: { name: 'default' } };
  await run(plugin(reader(unannotated)), attrs({ object: pod({ containers: [], volumes: [{ name: 'v', secret: { secretName: 'bad' } }] }) }));
  await rejectsWith(run(plugin(reader(unannotated), true), attrs({ object: pod({ containers: [], volumes: [{ name: 'v', secret: { secretName: 'bad' } }] }) })), 403, 'Forbidden',
    'pods "p" is forbidden: volume with secret.secretName="bad" is not allowed because service account default does not reference that secret');
  const eph = pod({ serviceAccountName: 'default', containers: [], ephemeralContainers: [{ name: 'dbg', envFrom: [{ secretRef: { name: 'bad' } }] }] });
  await rejectsWith(run(plugin(reader(sa)), attrs({ operation: 'UPDATE', subresource: 'ephemeralcontainers', object: eph, oldObject: { metadata: { name: 'p' } } })), 403, 'Forbidden',
    'pods "p" is forbidden: ephemeral container dbg with envFrom referencing secret.secretName="bad" is not allowed because service account default does not reference that secret');
});
