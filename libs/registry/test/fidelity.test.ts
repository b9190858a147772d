// The registry with schemas, field management and service ranges: what the
// fidelity issue added to every write, asserted on the objects a client gets.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '@logbook/apimachinery';
import { MemoryStorage, type KubeObject } from '@logbook/apistorage';
import { catalogue } from '@logbook/resources';
import { builtinSchemas } from '@logbook/schemas';
import { Registry, type ResourceStore } from '../src/index.ts';

function setup(): (g: string, v: string, r: string) => ResourceStore {
  const storage = new MemoryStorage();
  let uid = 0;
  let t = Date.parse('2026-11-21T10:00:00Z');
  const registry = new Registry({
    etcdPrefix: '/registry',
    resources: catalogue(),
    storageFor: () => storage,
    env: { now: () => (t += 1000), uuid: () => `uid-${++uid}`, randomInt: (n) => 3 % n },
    schemas: builtinSchemas(),
    serviceRanges: { storage: new MemoryStorage(), clusterIpRange: '10.0.0.0/29', nodePortRange: '30000-30001' },
  });
  return (g, v, r) => registry.lookup(g, v, r)!;
}

async function failure(p: Promise<unknown>): Promise<{ code: number; message: string; causes?: unknown }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof StatusError) return { code: err.status.code, message: err.status.message, ...(err.status.details?.causes ? { causes: err.status.details.causes } : {}) };
    throw err;
  }
  assert.fail('expected a StatusError');
}

type Managed = { manager: string; operation: string }[];
const managers = (o: KubeObject): string[][] => ((o.metadata.managedFields ?? []) as Managed).map((m) => [m.manager, m.operation]);

const deployment = (replicas: number, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
  spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] } }, ...extra },
});

test('a create is decoded, defaulted, validated and recorded under its field manager', async () => {
  const store = setup();
  await store('', 'v1', 'namespaces').create({ namespace: '' }, { metadata: { name: 'default' } });
  const deploys = store('apps', 'v1', 'deployments');
  const warnings: string[] = [];
  const web = await deploys.create({ namespace: 'default', fieldManager: 'kubectl-create', warnings }, { ...deployment(2), bogus: 1 }) as KubeObject & { spec: Record<string, unknown>; bogus?: unknown };
  assert.deepEqual(warnings, ['unknown field "bogus"']);
  assert.equal(web.bogus, undefined, 'unknown fields are dropped');
  assert.equal(web.spec.revisionHistoryLimit, 10);
  assert.equal((web.spec.template as { spec: { containers: { imagePullPolicy: string }[] } }).spec.containers[0]!.imagePullPolicy, 'IfNotPresent');
  assert.deepEqual(managers(web), [['kubectl-create', 'Update']]);
  assert.deepEqual(await failure(deploys.create({ namespace: 'default', fieldValidation: 'Strict' }, { ...deployment(1), metadata: { name: 'strict' }, bogus: 1 })), {
    code: 400, message: 'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "bogus"',
  });
  assert.deepEqual(await failure(deploys.create({ namespace: 'default' }, { ...deployment(-1), metadata: { name: 'neg' } })), {
    code: 422, message: 'Deployment.apps "neg" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: -1: must be greater than or equal to 0', field: 'spec.replicas' }],
  });
  assert.equal((await failure(deploys.create({ namespace: 'default' }, { ...deployment(1), metadata: { name: 'typed' }, spec: { replicas: 'two' } }))).message,
    'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32');
});

test('strategic merge patch merges containers by name; /scale reads and writes replicas', async () => {
  const store = setup();
  await store('', 'v1', 'namespaces').create({ namespace: '' }, { metadata: { name: 'default' } });
  const deploys = store('apps', 'v1', 'deployments');
  await deploys.create({ namespace: 'default' }, deployment(2));
  const patched = await deploys.patch({ namespace: 'default' }, 'web', 'application/strategic-merge-patch+json', { spec: { template: { spec: { containers: [{ name: 'side', image: 'busybox' }] } } } });
  assert.deepEqual((patched as unknown as { spec: { template: { spec: { containers: { name: string }[] } } } }).spec.template.spec.containers.map((c) => c.name), ['side', 'c']);
  const scale = await deploys.getScale({ namespace: 'default' }, 'web');
  assert.deepEqual([scale.kind, scale.apiVersion, scale.spec, scale.status], ['Scale', 'autoscaling/v1', { replicas: 2 }, { replicas: 0, selector: 'app=web' }]);
  const scaled = await deploys.writeScale({ namespace: 'default' }, 'web', { type: 'application/merge-patch+json', patch: { spec: { replicas: 5 } } });
  assert.deepEqual(scaled.spec, { replicas: 5 });
  const stale = await failure(deploys.writeScale({ namespace: 'default' }, 'web', { body: { metadata: { name: 'web', resourceVersion: '1' }, spec: { replicas: 1 } } }));
  assert.equal(stale.code, 409);
  assert.equal((await failure(deploys.writeScale({ namespace: 'default' }, 'web', { body: { spec: { replicas: -1 } } }))).message, 'Scale.autoscaling "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');
  assert.equal((await failure(store('', 'v1', 'configmaps').getScale({ namespace: 'default' }, 'x'))).code, 405);
});

test('server-side apply creates, shares equal values, conflicts on different ones, and force takes over', async () => {
  const store = setup();
  await store('', 'v1', 'namespaces').create({ namespace: '' }, { metadata: { name: 'default' } });
  const deploys = store('apps', 'v1', 'deployments');
  const first = await deploys.apply({ namespace: 'default', fieldManager: 'alice' }, 'web', deployment(2), false);
  assert.equal(first.created, true);
  assert.deepEqual(managers(first.object), [['alice', 'Apply']]);
  const same = await deploys.apply({ namespace: 'default', fieldManager: 'bob' }, 'web', deployment(2), false);
  assert.equal(same.created, false);
  const conflict = await failure(deploys.apply({ namespace: 'default', fieldManager: 'bob' }, 'web', deployment(3), false));
  assert.equal(conflict.code, 409);
  assert.match(conflict.message, /^Apply failed with 1 conflict: conflict with "alice": \.spec\.replicas$/);
  const forced = await deploys.apply({ namespace: 'default', fieldManager: 'bob' }, 'web', deployment(3), true);
  assert.equal((forced.object as unknown as { spec: { replicas: number } }).spec.replicas, 3);
});

test('services get cluster IPs and node ports from the ranges, and give them back', async () => {
  const store = setup();
  await store('', 'v1', 'namespaces').create({ namespace: '' }, { metadata: { name: 'default' } });
  const svcs = store('', 'v1', 'services');
  const svc = (name: string, spec: Record<string, unknown>): Record<string, unknown> => ({ metadata: { name }, spec: { ports: [{ port: 80 }], ...spec } });
  const a = await svcs.create({ namespace: 'default' }, svc('a', { type: 'NodePort' })) as unknown as { spec: { clusterIP: string; clusterIPs: string[]; ipFamilies: string[]; ports: { nodePort: number; targetPort: number; protocol: string }[] } };
  assert.match(a.spec.clusterIP, /^10\.0\.0\.[2-6]$/, 'not the network, broadcast or first (kubernetes service) address');
  assert.deepEqual([a.spec.clusterIPs, a.spec.ipFamilies], [[a.spec.clusterIP], ['IPv4']]);
  assert.deepEqual(a.spec.ports.map((p) => [p.targetPort, p.protocol]), [[80, 'TCP']]);
  assert.ok([30000, 30001].includes(a.spec.ports[0]!.nodePort));
  const taken = a.spec.ports[0]!.nodePort;
  assert.equal((await failure(svcs.create({ namespace: 'default' }, svc('b', { type: 'NodePort', ports: [{ port: 80, nodePort: taken }] })))).message,
    `Service "b" is invalid: spec.ports[0].nodePort: Invalid value: ${taken}: provided port is already allocated`);
  assert.equal((await failure(svcs.create({ namespace: 'default' }, svc('c', { clusterIP: '10.9.9.9' })))).code, 422);
  // An update that leaves the IP out keeps it (kubectl apply of a manifest without clusterIP).
  const again = await svcs.update({ namespace: 'default' }, 'a', svc('a', { type: 'NodePort' })) as unknown as { spec: { clusterIP: string; ports: { nodePort: number }[] } };
  assert.deepEqual([again.spec.clusterIP, again.spec.ports[0]!.nodePort], [a.spec.clusterIP, taken]);
  await svcs.delete({ namespace: 'default' }, 'a', {});
  const b = await svcs.create({ namespace: 'default' }, svc('b', { type: 'NodePort', clusterIP: a.spec.clusterIP, ports: [{ port: 80, nodePort: taken }] })) as unknown as { spec: { clusterIP: string } };
  assert.equal(b.spec.clusterIP, a.spec.clusterIP, 'released on delete');
});
