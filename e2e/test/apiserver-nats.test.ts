// The apiserver's watch caches fed from NATS (--nats-url on the store members
// and the apiserver): a raw watch stream sees every change exactly once and in
// order, across a NATS server that is killed mid-stream and restarted while
// writes go on; the cache follows NATS again afterwards.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { startNatsServer, type NatsServerHandle } from '@logbook/nats-publisher';
import { ApiserverCluster } from '../src/apiserver-cluster.ts';
import { until } from '../src/until.ts';

const waitFor = (what: string, cond: () => boolean, timeoutMs: number): Promise<true> =>
  until(what, { timeoutMs, intervalMs: 50 }, () => Promise.resolve(cond() ? true : undefined));

let nats: NatsServerHandle | undefined;
let cluster: ApiserverCluster | undefined;

before(async () => {
  const server = await startNatsServer();
  nats = server;
  cluster = await ApiserverCluster.start({
    impl: 'logbook', storeMembers: 3,
    storeExtraFlags: ['--nats-url', server.url],
    extraFlags: ['--nats-url', server.url],
  });
});

// Whatever started is stopped, even when before() failed part-way: a
// nats-server child left running would keep this file's process alive.
after(async () => {
  try {
    await cluster?.[Symbol.asyncDispose]();
  } finally {
    await nats?.stop();
  }
});

/** The running cluster (before() succeeded, or no test runs). */
function c(): ApiserverCluster {
  assert.ok(cluster !== undefined, 'the cluster did not start');
  return cluster;
}

function n(): NatsServerHandle {
  assert.ok(nats !== undefined, 'nats-server did not start');
  return nats;
}

interface WatchEventLine { type: string; object: { metadata: { name?: string; resourceVersion?: string } } }

/** A raw watch: every event line as it arrives, until stopped. */
function rawWatch(path: string): { events: WatchEventLine[]; stop: () => void } {
  const events: WatchEventLine[] = [];
  const url = new URL(path, c().server);
  const req = request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method: 'GET', ca: c().caPem, cert: c().adminCertPem, key: c().adminKeyPem, servername: 'localhost' }, (res) => {
    let buf = '';
    res.setEncoding('utf8');
    res.on('data', (c: string) => {
      buf += c;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (line !== '') events.push(JSON.parse(line) as WatchEventLine);
      }
    });
  });
  req.on('error', () => undefined);
  req.end();
  return { events, stop: () => req.destroy() };
}

async function kubectl(args: readonly string[], stdin?: string): Promise<string> {
  const r = await c().kubectl(args, stdin !== undefined ? { stdin } : {});
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}\n${c().logs()}`);
  return r.stdout;
}

test('a watch through the NATS-fed cache sees every change once, in order, across a NATS restart', async () => {
  await kubectl(['create', 'namespace', 'natsfed']);
  const following = (): number => c().apiserverLogLines(/"nats watch: following NATS".*\/registry\/configmaps\//).length;
  await waitFor('the configmaps cache follows NATS', () => following() >= 1, 20_000);
  const rv = JSON.parse(await kubectl(['get', 'configmaps', '-n', 'natsfed', '-o', 'json'])) as { metadata: { resourceVersion: string } };
  // Without the kube-root-ca.crt the control plane publishes into every namespace (its creation may land in this window).
  const w = rawWatch(`/api/v1/namespaces/natsfed/configmaps?watch=1&resourceVersion=${rv.metadata.resourceVersion}&fieldSelector=${encodeURIComponent('metadata.name!=kube-root-ca.crt')}`);
  const expected: string[] = [];
  const write = async (i: number): Promise<void> => {
    await kubectl(['create', 'configmap', `c${i}`, '-n', 'natsfed', `--from-literal=i=${i}`]);
    expected.push(`ADDED c${i}`);
  };
  for (let i = 0; i < 10; i++) await write(i);
  await n().kill();
  for (let i = 10; i < 20; i++) await write(i);
  await n().restart();
  for (let i = 20; i < 30; i++) await write(i);
  await kubectl(['delete', 'configmap', 'c0', '-n', 'natsfed']);
  expected.push('DELETED c0');
  await waitFor('every event', () => w.events.length >= expected.length, 30_000);
  await new Promise((r) => setTimeout(r, 300));
  w.stop();
  assert.deepEqual(w.events.map((e) => `${e.type} ${e.object.metadata.name ?? ''}`), expected, c().logs());
  const revisions = w.events.map((e) => Number(e.object.metadata.resourceVersion));
  assert.deepEqual(revisions, [...revisions].sort((a, b) => a - b), 'revision order');
  // After the restart the cache went back to the store, then to NATS again.
  await waitFor('the cache follows NATS again', () => following() >= 2, 20_000);
});

test('an object too large for NATS (1 MiB default payload) still reaches watchers, whole', async () => {
  await kubectl(['create', 'namespace', 'natsbig']);
  const rv = JSON.parse(await kubectl(['get', 'configmaps', '-n', 'natsbig', '-o', 'json'])) as { metadata: { resourceVersion: string } };
  const w = rawWatch(`/api/v1/namespaces/natsbig/configmaps?watch=1&resourceVersion=${rv.metadata.resourceVersion}&fieldSelector=${encodeURIComponent('metadata.name!=kube-root-ca.crt')}`);
  // Just under a ConfigMap's 1 MiB data limit: with its metadata the stored object is over NATS's default
  // 1 MiB payload, so the store publishes a reference and the cache reads the object from the store.
  const big = 'x'.repeat(1_048_500);
  const manifest = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big', namespace: 'natsbig' }, data: { big } });
  await kubectl(['create', '-f', '-'], manifest);
  await kubectl(['create', 'configmap', 'small', '-n', 'natsbig', '--from-literal=a=1']);
  await waitFor('both events', () => w.events.length >= 2, 30_000);
  w.stop();
  assert.deepEqual(w.events.map((e) => `${e.type} ${e.object.metadata.name ?? ''}`), ['ADDED big', 'ADDED small']);
  assert.equal(((w.events[0]!.object as unknown as { data: { big: string } }).data.big).length, big.length);
  assert.ok(c().apiserverLogLines(/too large for NATS/).length > 0, 'the reference path was taken');
});
