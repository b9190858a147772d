import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { main } from '../src/index.ts';
import { clusterMain } from '../src/cluster-main.ts';
import { ClusterError } from '../src/cluster-error.ts';
import { findBinary } from '../src/cluster-host.ts';
import { isAlive, processStartTime, readPidFile, stopProcesses, type Timer } from '../src/cluster-processes.ts';

function capture(): { io: { stdout: { write(s: string): boolean }; stderr: { write(s: string): boolean } }; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { io: { stdout: { write: (s) => ((out += s), true) }, stderr: { write: (s) => ((err += s), true) } }, out: () => out, err: () => err };
}

async function withTmp(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'logbook-cluster-cli-'));
  try {
    await body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const timer: Timer = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

test('logbook --help lists cluster; cluster without an action or with an unknown one is exit 2', async () => {
  const h = capture();
  assert.equal(await main(['--help'], h.io), 0);
  assert.match(h.out(), /^ {2}cluster +run the HA topology/m);
  const none = capture();
  assert.equal(await clusterMain([], none.io, {}), 2);
  assert.match(none.err(), /usage: logbook cluster <up\|start\|status\|down\|init>/);
  const bad = capture();
  assert.equal(await clusterMain(['sideways'], bad.io, {}), 2);
  assert.match(bad.err(), /unknown action "sideways"/);
  const help = capture();
  assert.equal(await clusterMain(['up', '--help'], help.io, {}), 0);
  assert.match(help.out(), /--store-members N/);
});

test('up reports every flag problem at once and starts nothing', async () => {
  await withTmp(async (dir) => {
    const c = capture();
    const code = await clusterMain(['up', '--replicas', 'two', '--store-members', '4', '--nats-servers', '0', '--start-timeout', 'soon', '--bogus'], c.io, {});
    assert.equal(code, 2);
    for (const want of [/unknown flag --bogus/, /--dir is required/, /--replicas must be an integer/, /--store-members must be odd \(got 4\)/, /--nats-servers must be an integer in \[1, 7\]/, /invalid value "soon" for --start-timeout/]) {
      assert.match(c.err(), want);
    }
    const d = capture();
    assert.equal(await clusterMain(['down', '--dir', dir, '--grace-period', '-1s'], d.io, {}), 2);
    assert.match(d.err(), /--grace-period: want a positive duration/);
  });
});

test('status on a directory without a cluster is exit 1; down there is a no-op, and tidies stale pid files', async () => {
  await withTmp(async (dir) => {
    const s = capture();
    assert.equal(await clusterMain(['status', '--dir', dir], s.io, {}), 1);
    assert.match(s.err(), /no cluster in .* \(no cluster\.json\)/);
    mkdirSync(join(dir, 'pids'));
    // A pid that is surely not running (above the kernel's default pid_max), and a file that is no pid at all.
    writeFileSync(join(dir, 'pids', 'nats-1.pid'), '4194304\n');
    writeFileSync(join(dir, 'pids', 'store-1.pid'), 'not a pid\n');
    for (let i = 0; i < 2; i++) {
      const d = capture();
      assert.equal(await clusterMain(['down', '--dir', dir], d.io, {}), 0);
      assert.equal(d.out(), 'nothing was running\n');
    }
    assert.equal(readPidFile(join(dir, 'pids', 'nats-1.pid')), undefined, 'stale pid file removed');
  });
});

test('a missing nats-server or haproxy is named with its Debian package', () => {
  const dir = mkdtempSync(join(tmpdir(), 'logbook-cluster-cli-'));
  try {
    for (const name of ['nats-server', 'haproxy'] as const) {
      assert.throws(() => findBinary(name, { PATH: dir }, []), (e: unknown) => e instanceof ClusterError && e.code === 'missing-binary' && e.message.includes(`install the Debian package ${name}`));
    }
    const fake = join(dir, 'haproxy');
    writeFileSync(fake, '#!/bin/sh\n', { mode: 0o755 });
    assert.equal(findBinary('haproxy', { PATH: `/nonexistent:${dir}` }, []), fake);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('init writes the compose topology: PKI with the service names, configs, and a kubeconfig for 127.0.0.1:6443', async () => {
  await withTmp(async (dir) => {
    const c = capture();
    assert.equal(await clusterMain(['init', '--dir', dir], c.io, {}), 0, c.err());
    const serving = new X509Certificate(readFileSync(join(dir, 'pki', 'apiserver.crt')));
    for (const name of ['DNS:localhost', 'DNS:haproxy', 'DNS:apiserver-1', 'DNS:apiserver-3', 'IP Address:127.0.0.1']) assert.ok(serving.subjectAltName?.includes(name), `${name} in ${serving.subjectAltName}`);
    const ca = new X509Certificate(readFileSync(join(dir, 'pki', 'ca.crt')));
    assert.ok(serving.verify(ca.publicKey));
    const admin = new X509Certificate(readFileSync(join(dir, 'pki', 'admin.crt')));
    assert.match(admin.subject, /CN=admin/);
    assert.match(admin.subject, /O=system:masters/);
    for (const key of ['ca.key', 'apiserver.key', 'admin.key']) assert.equal(statSync(join(dir, 'pki', key)).mode & 0o777, 0o600, key);
    const kc = parse(readFileSync(join(dir, 'admin.kubeconfig'), 'utf8')) as { clusters: { cluster: { server: string } }[] };
    assert.equal(kc.clusters[0]?.cluster.server, 'https://127.0.0.1:6443');
    assert.match(readFileSync(join(dir, 'nats', 'nats-3.conf'), 'utf8'), /nats-route:\/\/nats-1:6222/);
    assert.match(readFileSync(join(dir, 'haproxy', 'haproxy.cfg'), 'utf8'), /server apiserver-2 apiserver-2:6443/);
    // A second init keeps the CA: kubeconfigs handed out before stay valid.
    assert.equal(await clusterMain(['init', '--dir', dir], capture().io, {}), 0);
    assert.equal(new X509Certificate(readFileSync(join(dir, 'pki', 'ca.crt'))).fingerprint256, ca.fingerprint256);
  });
});

test('isAlive tells our process from a dead pid and from a reused one (start time differs)', async () => {
  assert.equal(isAlive(process.pid), true);
  assert.equal(isAlive(process.pid, processStartTime(process.pid)), true);
  assert.equal(isAlive(process.pid, '1'), false, 'same pid, other start time: not ours');
  const child = spawn(process.execPath, ['-e', '0']);
  const pid = child.pid!;
  await new Promise((r) => child.once('exit', r));
  assert.equal(isAlive(pid), false);
});

test('stopProcesses: SIGTERM first, SIGKILL for what ignores it within the grace period', async () => {
  const polite = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
  const stubborn = spawn(process.execPath, ['-e', 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000); console.log("ready")'], { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise((r) => stubborn.stdout.once('data', r));
  const r = await stopProcesses([{ name: 'polite', pid: polite.pid! }, { name: 'stubborn', pid: stubborn.pid! }], { graceMs: 500, killWaitMs: 2000, timer });
  assert.deepEqual(r, { killed: ['stubborn'], survivors: [] });
  assert.equal(polite.signalCode ?? (await new Promise((res) => polite.once('exit', (_c, s) => res(s)))), 'SIGTERM');
});
