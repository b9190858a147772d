// `up` that cannot finish: the store "binary" dies at once. The command must
// fail naming the process and quoting its log, stop what it had started (the
// real NATS servers), and leave no pid files — so nothing runs unaccounted.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClusterError } from '../src/cluster-error.ts';
import { CLI_BIN, findBinary, type ClusterHost } from '../src/cluster-host.ts';
import { isAlive } from '../src/cluster-processes.ts';

/** Live processes whose command line mentions `dir` (Linux /proc). */
function processesNaming(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ESRCH' || code === 'EACCES') continue; // exited while we looked, or not ours to read
      throw e;
    }
    if (cmdline.includes(dir) && isAlive(Number(entry))) found.push(cmdline.replaceAll('\0', ' ').trim());
  }
  return found;
}
import { clusterUp } from '../src/cluster-up.ts';

function installed(): boolean {
  try {
    findBinary('nats-server', process.env);
    findBinary('haproxy', process.env);
    return true;
  } catch (e) {
    if (e instanceof ClusterError) return false;
    throw e;
  }
}

test('a process that dies during up fails the command with its name and log, and everything started is stopped', { timeout: 60_000 }, async (t) => {
  if (!installed()) return t.skip('nats-server and haproxy are needed');
  const dir = mkdtempSync(join(tmpdir(), 'logbook-cluster-fail-'));
  try {
    const fakeNode = join(dir, 'fake-node.sh');
    writeFileSync(fakeNode, '#!/bin/sh\necho "boom: this store cannot start" >&2\nexit 3\n', { mode: 0o755 });
    const host: ClusterHost = {
      nodeBin: fakeNode,
      cliBin: CLI_BIN,
      env: process.env,
      timer: { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
      now: () => new Date(),
    };
    const clusterDir = join(dir, 'c');
    const lines: string[] = [];
    await assert.rejects(
      clusterUp({ dir: clusterDir, counts: { replicas: 1, storeMembers: 1, natsServers: 3 }, startTimeoutMs: 20_000 }, host, (l) => lines.push(l)),
      (e: unknown) => {
        assert.ok(e instanceof ClusterError);
        assert.equal(e.code, 'start-failed');
        assert.match(e.message, /^store-1 exited \(code 3\) while waiting for the store members to agree on a leader/);
        assert.match(e.message, /last lines of .*logs\/store-1\.log:\nboom: this store cannot start/);
        return true;
      },
    );
    assert.deepEqual(lines, ['nats: 3 servers accept connections']);
    assert.deepEqual(readdirSync(join(clusterDir, 'pids')), [], 'no pid file is left behind');
    const left = processesNaming(clusterDir);
    assert.deepEqual(left, [], 'no process of the cluster is left running');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
