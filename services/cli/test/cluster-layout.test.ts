import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkCounts, clusterPaths, composeLayout, localLayout, portCount, processSpecs, START_ORDER, STOP_ORDER, type ClusterCounts,
} from '../src/cluster-layout.ts';
import { ClusterError } from '../src/cluster-error.ts';
import { decodeState } from '../src/cluster-state.ts';

const THREE: ClusterCounts = { replicas: 3, storeMembers: 3, natsServers: 3 };
const ports = (n: number, from = 20000): number[] => Array.from({ length: n }, (_, i) => from + i);
const flag = (args: readonly string[], name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? undefined : args[i + 1];
};

test('the default topology is 10 processes, each on its own loopback ports, in start order', () => {
  const l = localLayout('/d', THREE, ports(portCount(THREE)));
  const specs = processSpecs(l);
  assert.deepEqual(specs.map((s) => s.name), ['nats-1', 'nats-2', 'nats-3', 'store-1', 'store-2', 'store-3', 'apiserver-1', 'apiserver-2', 'apiserver-3', 'haproxy']);
  assert.deepEqual([...new Set(specs.map((s) => s.kind))], START_ORDER.filter((k) => k !== 'proxy'), 'no peer proxies unless asked for');
  const all = specs.flatMap((s) => Object.values(s.ports));
  assert.equal(all.length, 16);
  assert.equal(new Set(all).size, 16, 'no port is used twice');
  assert.equal(l.publicServer, `https://127.0.0.1:${l.haproxy.port}`);
  assert.equal(clusterPaths('/d').pidFile('apiserver-1'), '/d/pids/apiserver-1.pid');
  assert.equal(clusterPaths('/d').logFile('store-2'), '/d/logs/store-2.log');
  assert.deepEqual(STOP_ORDER, ['apiserver', 'haproxy', 'store', 'proxy', 'nats']);
});

test('store members know every peer and every NATS server; replicas know every member, the shared TLS files and NATS', () => {
  const l = localLayout('/d', THREE, ports(16));
  const specs = processSpecs(l);
  const natsUrl = l.nats.map((n) => `nats://127.0.0.1:${n.clientPort}`).join(',');
  for (const s of specs.filter((p) => p.kind === 'store')) {
    const m = l.store.find((x) => x.name === s.name)!;
    assert.equal(s.args[0], 'store');
    assert.equal(flag(s.args, 'name'), s.name);
    assert.equal(flag(s.args, 'initial-cluster'), l.store.map((x) => `${x.name}=http://127.0.0.1:${x.peerPort}`).join(','));
    assert.equal(flag(s.args, 'listen-client-urls'), `http://127.0.0.1:${m.clientPort}`);
    assert.equal(flag(s.args, 'data-dir'), `/d/data/${s.name}`);
    assert.equal(flag(s.args, 'nats-url'), natsUrl);
  }
  for (const s of specs.filter((p) => p.kind === 'apiserver')) {
    const a = l.apiservers.find((x) => x.name === s.name)!;
    assert.equal(s.args[0], 'apiserver');
    assert.equal(flag(s.args, 'etcd-servers'), l.store.map((x) => `http://127.0.0.1:${x.clientPort}`).join(','));
    assert.equal(flag(s.args, 'secure-port'), String(a.securePort));
    assert.equal(flag(s.args, 'bind-address'), '127.0.0.1');
    assert.equal(flag(s.args, 'advertise-address'), '127.0.0.1');
    assert.equal(flag(s.args, 'tls-cert-file'), '/d/pki/apiserver.crt');
    assert.equal(flag(s.args, 'tls-private-key-file'), '/d/pki/apiserver.key');
    assert.equal(flag(s.args, 'client-ca-file'), '/d/pki/ca.crt');
    assert.equal(flag(s.args, 'nats-url'), natsUrl);
  }
  assert.deepEqual(specs.find((s) => s.name === 'nats-2')!.args, ['-c', '/d/nats/nats-2.conf']);
  assert.deepEqual(specs.find((s) => s.name === 'haproxy')!.args, ['-db', '-f', '/d/haproxy/haproxy.cfg']);
});

test('other counts: 1 replica, 5 store members, 1 NATS server', () => {
  const c = { replicas: 1, storeMembers: 5, natsServers: 1 };
  const l = localLayout('/d', c, ports(portCount(c)));
  assert.equal(portCount(c), 2 + 10 + 1 + 1);
  assert.equal(processSpecs(l).length, 8);
  assert.equal(flag(processSpecs(l).find((s) => s.name === 'store-5')!.args, 'initial-cluster')!.split(',').length, 5);
});

test('compose layout: service names as hosts, well-known ports, all interfaces, no --advertise-address', () => {
  const l = composeLayout(THREE);
  const a1 = processSpecs(l).find((s) => s.name === 'apiserver-1')!;
  assert.equal(flag(a1.args, 'etcd-servers'), 'http://store-1:2379,http://store-2:2379,http://store-3:2379');
  assert.equal(flag(a1.args, 'bind-address'), '0.0.0.0');
  assert.equal(flag(a1.args, 'advertise-address'), undefined);
  assert.equal(flag(processSpecs(l).find((s) => s.name === 'store-2')!.args, 'advertise-client-urls'), 'http://store-2:2379');
});

const BAD_COUNTS: readonly [string, ClusterCounts, RegExp][] = [
  ['no replicas', { replicas: 0, storeMembers: 3, natsServers: 3 }, /--replicas must be an integer in \[1, 9\] \(got 0\)/],
  ['too many replicas', { replicas: 10, storeMembers: 3, natsServers: 3 }, /--replicas must be an integer in \[1, 9\]/],
  ['even store members', { replicas: 3, storeMembers: 4, natsServers: 3 }, /--store-members must be odd \(got 4\)/],
  ['fractional NATS servers', { replicas: 3, storeMembers: 3, natsServers: 1.5 }, /--nats-servers must be an integer/],
  ['no NATS servers', { replicas: 3, storeMembers: 3, natsServers: 0 }, /--nats-servers must be an integer in \[1, 7\]/],
];

for (const [name, counts, want] of BAD_COUNTS) {
  test(`counts are refused: ${name}`, () => {
    assert.match(checkCounts(counts).join('\n'), want);
    assert.throws(() => localLayout('/d', counts, ports(30)), (e: unknown) => e instanceof ClusterError && e.code === 'invalid' && want.test(e.message));
    assert.throws(() => composeLayout(counts), ClusterError);
  });
}

test('every count problem is reported at once', () => {
  assert.equal(checkCounts({ replicas: 0, storeMembers: 2, natsServers: 8 }).length, 3);
  assert.deepEqual(checkCounts(THREE), []);
});

test('ports are refused when too few, repeated or out of range', () => {
  assert.throws(() => localLayout('/d', THREE, ports(15)), /need 16 ports, got 15/);
  assert.throws(() => localLayout('/d', THREE, [...ports(15), 20000]), /distinct/);
  assert.throws(() => localLayout('/d', THREE, [...ports(15), 70000]), /distinct integers in \[1, 65535\]/);
  assert.throws(() => localLayout('/d', THREE, [0, ...ports(15)]), ClusterError);
});

test('cluster.json round-trips, and anything else is refused with the field named', () => {
  const l = localLayout('/d', THREE, ports(16));
  const state = { layout: l, startTimes: { 'nats-1': '12345' } };
  assert.deepEqual(decodeState(JSON.parse(JSON.stringify(state))), state);
  const bad: readonly [unknown, RegExp][] = [
    [null, /the file must be an object/],
    [{ layout: { ...l, format: 'v0' } }, /layout.format/],
    [{ layout: { ...l, mode: 'k8s' } }, /layout.mode/],
    [{ layout: { ...l, nats: [] } }, /layout.nats must be a non-empty array/],
    [{ layout: { ...l, store: [{ ...l.store[0], peerPort: 0 }] } }, /layout.store\[0\].peerPort must be a port/],
    [{ layout: { ...l, apiservers: [{ ...l.apiservers[0], name: '' }] } }, /layout.apiservers\[0\].name/],
    [{ layout: { ...l, haproxy: { host: '127.0.0.1', port: '80' } } }, /layout.haproxy.port/],
    [{ layout: l, startTimes: { 'nats-1': 5 } }, /startTimes.nats-1 must be a string/],
  ];
  for (const [raw, want] of bad) assert.throws(() => decodeState(raw), want);
});
