import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FAST_ELECTION_FLAGS, freePorts, startEtcd } from '../src/testing/etcd-server.ts';

describe('startEtcd', () => {
  it('starts a healthy member on loopback and removes its directory on stop', async () => {
    const etcd = await startEtcd({ extraFlags: FAST_ELECTION_FLAGS });
    assert.equal(etcd.members.length, 1);
    assert.match(etcd.endpoints[0]!, /^127\.0\.0\.1:\d+$/);
    const health = await fetch(`${etcd.members[0]!.clientUrl}/health`);
    assert.equal(health.status, 200);
    assert.ok(existsSync(etcd.members[0]!.dataDir));
    await etcd.stop();
    assert.equal(existsSync(etcd.dir), false);
    await assert.rejects(fetch(`${etcd.members[0]!.clientUrl}/health`));
  });

  it('keeps a given directory when asked, with each member\'s log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'etcd-keep-'));
    try {
      const etcd = await startEtcd({ dir, keepDir: true, extraFlags: FAST_ELECTION_FLAGS });
      await etcd.kill(0);
      assert.equal(etcd.isRunning(0), false);
      await etcd.restart(0);
      assert.equal(etcd.isRunning(0), true);
      await etcd.stop();
      assert.ok(existsSync(etcd.members[0]!.logFile));
      assert.ok(existsSync(etcd.members[0]!.dataDir));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails with the reason when etcd cannot start', async () => {
    await assert.rejects(startEtcd({ etcdBinary: '/nonexistent/etcd' }), /did not start: .*exited during startup/s);
    await assert.rejects(startEtcd({ members: 0 }), /members must be 1\.\.7/);
  });

  it('hands out distinct free ports', async () => {
    const ports = await freePorts(8);
    assert.equal(new Set(ports).size, 8);
    assert.ok(ports.every((p) => p > 0 && p < 65536));
  });
});
