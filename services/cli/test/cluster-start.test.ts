import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterMain } from '../src/cluster-main.ts';
import { clusterPaths, localLayout, portCount } from '../src/cluster-layout.ts';
import { processStartTime, writePidFile } from '../src/cluster-processes.ts';
import { writeState } from '../src/cluster-state.ts';

function capture(): { io: { stdout: { write(s: string): boolean }; stderr: { write(s: string): boolean } }; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { io: { stdout: { write: (s) => ((out += s), true) }, stderr: { write: (s) => ((err += s), true) } }, out: () => out, err: () => err };
}

async function withTmp(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'logbook-cluster-start-'));
  try {
    await body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const COUNTS = { replicas: 3, storeMembers: 3, natsServers: 3 };

test('cluster start: --only is required and must name something (exit 2)', async () => {
  const c = capture();
  assert.equal(await clusterMain(['start', '--dir', '/nowhere'], c.io, {}), 2);
  assert.match(c.err(), /--only is required/);
  const e = capture();
  assert.equal(await clusterMain(['start', '--dir', '/nowhere', '--only', ',', '--start-timeout', 'x'], e.io, {}), 2);
  assert.match(e.err(), /--only must name at least one process/);
  assert.match(e.err(), /invalid value "x" for --start-timeout/);
});

test('cluster start: refused without a cluster, for names not in it, and for processes still running — all named at once', async () => {
  await withTmp(async (dir) => {
    const none = capture();
    assert.equal(await clusterMain(['start', '--dir', dir, '--only', 'apiserver-1'], none.io, {}), 1);
    assert.match(none.err(), /no cluster in .*cluster\.json/);

    const o = { peerProxies: true };
    const layout = localLayout(dir, COUNTS, Array.from({ length: portCount(COUNTS, o) }, (_, i) => 30000 + i), o);
    const paths = clusterPaths(dir);
    // This test process stands in for a running apiserver-1: its pid and start time are recorded as that process's.
    await writePidFile(paths.pidFile('apiserver-1'), process.pid);
    await writeState(paths.state, { layout, startTimes: { 'apiserver-1': processStartTime(process.pid)! } });
    const c = capture();
    assert.equal(await clusterMain(['start', '--dir', dir, '--only', 'apiserver-1,store-9,proxy-store-2x'], c.io, {}), 1);
    assert.match(c.err(), new RegExp(`apiserver-1 is running \\(pid ${process.pid}\\)`));
    assert.match(c.err(), /store-9 is not a process of this cluster \(it has nats-1, .*proxy-store-1, .*haproxy\)/);
    assert.match(c.err(), /proxy-store-2x is not a process/);
    assert.equal(c.out(), '');
  });
});
