import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterMain } from '../src/cluster-main.ts';
import { clusterPaths, localLayout, portCount, processSpecs, START_ORDER, type ClusterCounts } from '../src/cluster-layout.ts';
import { decodeState, writeState } from '../src/cluster-state.ts';

const THREE: ClusterCounts = { replicas: 3, storeMembers: 3, natsServers: 3 };
const ports = (n: number, from = 20000): number[] => Array.from({ length: n }, (_, i) => from + i);
const flag = (args: readonly string[], name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? undefined : args[i + 1];
};

test('--peer-proxies: one forwarder per member, started before the store, and peers are sent to the forwarder', () => {
  const o = { peerProxies: true };
  assert.equal(portCount(THREE, o), portCount(THREE) + 3);
  const l = localLayout('/d', THREE, ports(portCount(THREE, o)), o);
  const specs = processSpecs(l);
  assert.deepEqual(specs.map((s) => s.name).slice(3, 9), ['proxy-store-1', 'proxy-store-2', 'proxy-store-3', 'store-1', 'store-2', 'store-3']);
  assert.deepEqual([...new Set(specs.map((s) => s.kind))], START_ORDER);
  const all = specs.flatMap((s) => Object.values(s.ports));
  assert.equal(new Set(all).size, 19, 'no port is used twice');
  // The layout without proxies is unchanged by their presence: same ports for the same processes.
  const plain = localLayout('/d', THREE, ports(portCount(THREE)));
  assert.deepEqual(l.store, plain.store);
  const proxies = l.peerProxies!;
  for (const s of specs.filter((p) => p.kind === 'store')) {
    const m = l.store.find((x) => x.name === s.name)!;
    const mine = proxies.find((p) => p.store === m.name)!;
    assert.equal(flag(s.args, 'initial-cluster'), proxies.map((p) => `${p.store}=http://127.0.0.1:${p.port}`).join(','));
    assert.equal(flag(s.args, 'initial-advertise-peer-urls'), `http://127.0.0.1:${mine.port}`);
    assert.equal(flag(s.args, 'listen-peer-urls'), `http://127.0.0.1:${m.peerPort}`, 'the member itself still listens on its own peer port');
    const p = specs.find((x) => x.name === `proxy-${m.name}`)!;
    assert.equal(p.program, 'logbook');
    assert.deepEqual(p.args, ['tcp-proxy', '--listen', `127.0.0.1:${mine.port}`, '--target', `127.0.0.1:${m.peerPort}`]);
  }
});

test('cluster.json with peer proxies round-trips; proxies that do not match the members are refused', () => {
  const o = { peerProxies: true };
  const l = localLayout('/d', THREE, ports(portCount(THREE, o)), o);
  const state = { layout: l, startTimes: {} };
  assert.deepEqual(decodeState(JSON.parse(JSON.stringify(state))), state);
  const p = l.peerProxies!;
  const bad: readonly [unknown, RegExp][] = [
    [{ layout: { ...l, peerProxies: [] } }, /layout.peerProxies must be a non-empty array/],
    [{ layout: { ...l, peerProxies: p.slice(0, 2) } }, /each store member once/],
    [{ layout: { ...l, peerProxies: [p[1], p[0], p[2]] } }, /in member order/],
    [{ layout: { ...l, peerProxies: [{ ...p[0], port: 99999 }, p[1], p[2]] } }, /layout.peerProxies\[0\].port must be a port/],
  ];
  for (const [raw, want] of bad) assert.throws(() => decodeState(raw), want);
});

test('up on a directory started without --peer-proxies refuses to add them (the members\' data names their peers), and the reverse', async () => {
  for (const had of [false, true]) {
    const dir = mkdtempSync(join(tmpdir(), 'logbook-peer-proxies-'));
    try {
      const o = { peerProxies: had };
      await writeState(clusterPaths(dir).state, { layout: localLayout(dir, THREE, ports(portCount(THREE, o)), o), startTimes: {} });
      let err = '';
      const io = { stdout: { write: () => true }, stderr: { write: (s: string) => ((err += s), true) } };
      assert.equal(await clusterMain(['up', '--dir', dir, ...(had ? [] : ['--peer-proxies'])], io, { PATH: process.env['PATH'] ?? '' }), 1);
      assert.match(err, new RegExp(`holds a cluster ${had ? 'with' : 'without'} --peer-proxies; start it the same way`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});
