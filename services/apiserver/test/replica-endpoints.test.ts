// The kubernetes Service, Endpoints and EndpointSlices as replicas join,
// leave gracefully and crash, over a registry on MemoryStorage with a fake
// clock; and the pure object builders, including bad leases.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FieldSelector, LabelSelector } from '@logbook/apimachinery';
import { MemoryStorage, type KubeObject } from '@logbook/apistorage';
import { Registry } from '@logbook/registry';
import { catalogue } from '@logbook/resources';
import { builtinSchemas } from '@logbook/schemas';
import { ReplicaEndpoints, type ReplicaClock } from '../src/replica-endpoints.ts';
import { endpointSlices, endpointsSubsets, leaseObject, microTime, parseLease, type Replica } from '../src/kubernetes-service-objects.ts';

class FakeClock implements ReplicaClock {
  nowMs = Date.parse('2025-01-01T00:00:00Z');
  #next = 1;
  readonly #pending = new Map<number, { at: number; fn: () => void }>();
  now(): number {
    return this.nowMs;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.#next++;
    this.#pending.set(id, { at: this.nowMs + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.#pending.delete(handle as number);
  }
  get pending(): number {
    return this.#pending.size;
  }
  advance(ms: number): void {
    this.nowMs += ms;
    for (const [id, t] of [...this.#pending]) {
      if (t.at > this.nowMs) continue;
      this.#pending.delete(id);
      t.fn();
    }
  }
}

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const everything = { labelSelector: LabelSelector.everything(), fieldSelector: FieldSelector.everything(), resourceVersion: '', resourceVersionMatch: '' as const, limit: 0, continue: '' };

async function cluster(): Promise<Registry> {
  const storage = new MemoryStorage();
  let n = 0;
  const registry = new Registry({
    etcdPrefix: '/registry', resources: catalogue(), storageFor: () => storage, schemas: builtinSchemas(),
    env: { now: () => Date.now(), uuid: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`, randomInt: () => 0 },
    serviceRanges: { storage, clusterIpRange: '10.96.0.0/12', nodePortRange: '30000-32767' },
  });
  for (const name of ['default', 'kube-system']) await registry.lookup('', 'v1', 'namespaces')!.create({ namespace: '' }, { metadata: { name } });
  return registry;
}

const replica = (n: number, port = 6443, address = `10.0.0.${n}`): Replica => ({ identity: `apiserver-r${n}`, address, port });

function replicaOn(registry: Registry, clock: FakeClock, self: Replica): ReplicaEndpoints {
  return new ReplicaEndpoints({ registry, self, clusterIp: '10.96.0.1', clock, logger: quiet });
}

async function read(registry: Registry, group: string, plural: string, namespace: string): Promise<KubeObject[]> {
  const store = registry.lookup(group, 'v1', plural)!;
  const out: KubeObject[] = [];
  for await (const item of (await store.list({ namespace }, everything)).items) out.push(item);
  return out;
}

async function endpointsView(registry: Registry): Promise<{ endpoints: string[]; slices: string[]; leases: string[] }> {
  const [ep] = await read(registry, '', 'endpoints', 'default');
  const subsets = (ep?.['subsets'] ?? []) as { addresses: { ip: string }[]; ports: { port: number; name: string }[] }[];
  const slices = (await read(registry, 'discovery.k8s.io', 'endpointslices', 'default')) as unknown as { metadata: { name: string }; endpoints: { addresses: string[] }[]; ports: { port: number }[] }[];
  return {
    endpoints: subsets.map((s) => `${s.addresses.map((a) => a.ip).join(',')}:${s.ports.map((p) => `${p.name}/${p.port}`).join(',')}`),
    slices: slices.map((s) => `${s.metadata.name}=${s.endpoints.map((e) => e.addresses.join(',')).join(',')}:${s.ports.map((p) => p.port).join(',')}`),
    leases: (await read(registry, 'coordination.k8s.io', 'leases', 'kube-system')).map((l) => l.metadata.name!),
  };
}

describe('replica endpoints', () => {
  it('join: the lease, the kubernetes Service with kube labels and ClusterIP, Endpoints and EndpointSlice', async () => {
    const registry = await cluster();
    const clock = new FakeClock();
    await replicaOn(registry, clock, replica(1)).sync();
    const [svc] = await read(registry, '', 'services', 'default');
    assert.equal(svc?.metadata?.name, 'kubernetes');
    assert.deepEqual(svc?.metadata?.labels, { component: 'apiserver', provider: 'kubernetes' });
    const spec = svc?.['spec'] as { clusterIP: string; ports: { name: string; port: number; protocol: string; targetPort: number }[] };
    assert.equal(spec.clusterIP, '10.96.0.1');
    assert.deepEqual(spec.ports.map((p) => [p.name, p.port, p.protocol, p.targetPort]), [['https', 443, 'TCP', 6443]]);
    const [lease] = await read(registry, 'coordination.k8s.io', 'leases', 'kube-system');
    assert.equal(lease?.metadata?.labels?.['apiserver.kubernetes.io/identity'], 'kube-apiserver');
    assert.deepEqual((lease?.['spec']), {
      holderIdentity: 'apiserver-r1', leaseDurationSeconds: 15, acquireTime: microTime(clock.nowMs), renewTime: microTime(clock.nowMs),
    });
    assert.deepEqual(await endpointsView(registry), { endpoints: ['10.0.0.1:https/6443'], slices: ['kubernetes=10.0.0.1:6443'], leases: ['apiserver-r1'] });
    const [slice] = await read(registry, 'discovery.k8s.io', 'endpointslices', 'default');
    assert.equal(slice?.metadata?.labels?.['kubernetes.io/service-name'], 'kubernetes');
    assert.equal(slice?.['addressType'], 'IPv4');
  });

  it('two replicas on one machine: one subset and one slice per port; a steady pass writes nothing', async () => {
    const registry = await cluster();
    const clock = new FakeClock();
    const a = replicaOn(registry, clock, replica(1, 6443, '127.0.0.1'));
    const b = replicaOn(registry, clock, replica(2, 6444, '127.0.0.1'));
    await a.sync();
    await b.sync();
    await a.sync();
    const view = await endpointsView(registry);
    assert.deepEqual(view.endpoints, ['127.0.0.1:https/6443', '127.0.0.1:https/6444']);
    assert.deepEqual(view.slices.sort(), ['kubernetes-ipv4-6444=127.0.0.1:6444', 'kubernetes=127.0.0.1:6443']);
    const rvBefore = (await read(registry, '', 'endpoints', 'default'))[0]?.metadata?.resourceVersion;
    await b.sync();
    assert.equal((await read(registry, '', 'endpoints', 'default'))[0]?.metadata?.resourceVersion, rvBefore, 'idempotent: no write when nothing changed');
  });

  it('graceful leave: the lease is deleted and the endpoints drop the replica at once', async () => {
    const registry = await cluster();
    const clock = new FakeClock();
    const a = replicaOn(registry, clock, replica(1));
    const b = replicaOn(registry, clock, replica(2));
    await a.sync();
    await b.sync();
    assert.deepEqual((await endpointsView(registry)).endpoints, ['10.0.0.1,10.0.0.2:https/6443']);
    await b.leave();
    assert.deepEqual(await endpointsView(registry), { endpoints: ['10.0.0.1:https/6443'], slices: ['kubernetes=10.0.0.1:6443'], leases: ['apiserver-r1'] });
  });

  it('the last replica leaving keeps its entry (kube refuses to erase every endpoint)', async () => {
    const registry = await cluster();
    const clock = new FakeClock();
    const a = replicaOn(registry, clock, replica(1));
    await a.sync();
    await a.leave();
    const view = await endpointsView(registry);
    assert.deepEqual([view.endpoints, view.leases], [['10.0.0.1:https/6443'], []]);
  });

  it('crash: an expired lease is dropped by a survivor after the TTL, not before', async () => {
    const registry = await cluster();
    const clock = new FakeClock();
    const a = replicaOn(registry, clock, replica(1));
    await a.sync();
    await replicaOn(registry, clock, replica(2)).sync(); // then never again
    clock.nowMs += 14_000;
    await a.sync();
    assert.deepEqual((await endpointsView(registry)).endpoints, ['10.0.0.1,10.0.0.2:https/6443'], 'still within 15 s');
    clock.nowMs += 1_000;
    await a.sync();
    assert.deepEqual(await endpointsView(registry), { endpoints: ['10.0.0.1:https/6443'], slices: ['kubernetes=10.0.0.1:6443'], leases: ['apiserver-r1'] });
  });

  it('start() renews on the period; stop() ends it', async () => {
    const registry = await cluster();
    const clock = new FakeClock();
    const a = replicaOn(registry, clock, replica(1));
    a.start();
    clock.advance(0);
    await new Promise((r) => setTimeout(r, 50));
    const first = ((await read(registry, 'coordination.k8s.io', 'leases', 'kube-system'))[0]?.['spec'] as { renewTime: string }).renewTime;
    clock.advance(5_000);
    await new Promise((r) => setTimeout(r, 50));
    const second = ((await read(registry, 'coordination.k8s.io', 'leases', 'kube-system'))[0]?.['spec'] as { renewTime: string }).renewTime;
    assert.equal(Date.parse(second) - Date.parse(first), 5_000);
    a.stop();
    assert.equal(clock.pending, 0);
  });

  it('refuses a renew interval that is not shorter than the lease', async () => {
    const registry = await cluster();
    for (const renewIntervalMs of [0, -1, 15_000, Number.NaN]) {
      assert.throws(() => new ReplicaEndpoints({ registry, self: replica(1), clusterIp: '10.96.0.1', clock: new FakeClock(), logger: quiet, renewIntervalMs }), RangeError);
    }
  });
});

describe('kubernetes service objects', () => {
  it('microTime has six fractional digits', () => {
    assert.equal(microTime(Date.parse('2025-01-02T03:04:05.678Z')), '2025-01-02T03:04:05.678000Z');
  });

  it('a lease round-trips; malformed leases are ignored', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    const good = leaseObject(replica(1, 6443), now, 15);
    assert.deepEqual(parseLease({ ...good, metadata: { ...(good['metadata'] as object), resourceVersion: '7' } }), {
      identity: 'apiserver-r1', address: '10.0.0.1', port: 6443, expiresAtMs: now + 15_000, resourceVersion: '7',
    });
    const meta = good['metadata'] as { annotations: Record<string, string> };
    const spec = good['spec'] as Record<string, unknown>;
    const bad: [string, unknown][] = [
      ['not an object', 'lease'],
      ['null', null],
      ['no annotations', { ...good, metadata: { name: 'x' } }],
      ['address not an IP', { ...good, metadata: { ...meta, annotations: { ...meta.annotations, 'logbook.dev/advertise-address': 'host.example' } } }],
      ['port 0', { ...good, metadata: { ...meta, annotations: { ...meta.annotations, 'logbook.dev/secure-port': '0' } } }],
      ['port not a number', { ...good, metadata: { ...meta, annotations: { ...meta.annotations, 'logbook.dev/secure-port': 'https' } } }],
      ['no renewTime', { ...good, spec: { ...spec, renewTime: undefined } }],
      ['bad renewTime', { ...good, spec: { ...spec, renewTime: 'yesterday' } }],
      ['zero duration', { ...good, spec: { ...spec, leaseDurationSeconds: 0 } }],
      ['fractional duration', { ...good, spec: { ...spec, leaseDurationSeconds: 1.5 } }],
    ];
    for (const [what, obj] of bad) assert.equal(parseLease(obj), undefined, what);
  });

  it('groups by port and family, sorted, duplicates once', () => {
    const rs = [replica(3, 6444, '10.0.0.3'), replica(1, 6443, '10.0.0.9'), replica(2, 6443, '10.0.0.1'), replica(4, 6443, '10.0.0.1'), replica(5, 6443, 'fd00::1')];
    assert.deepEqual(endpointsSubsets(rs.filter((r) => !r.address.includes(':'))), [
      { addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.9' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] },
      { addresses: [{ ip: '10.0.0.3' }], ports: [{ name: 'https', port: 6444, protocol: 'TCP' }] },
    ]);
    assert.deepEqual(endpointSlices(rs).map((s) => [(s['metadata'] as { name: string }).name, s['addressType']]), [
      ['kubernetes', 'IPv4'], ['kubernetes-ipv4-6444', 'IPv4'], ['kubernetes-ipv6-6443', 'IPv6'],
    ]);
  });
});
