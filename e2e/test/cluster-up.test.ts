// `logbook cluster up` end to end: the real CLI starts 3 NATS servers, 3 store
// members, 3 apiserver replicas and HAProxy as detached processes; kubectl
// works through HAProxy with the admin kubeconfig; `status` sees all ten and
// a leader; the NATS cluster survives the loss of a server (the store's
// changes still reach a subscriber on a surviving server); `down` leaves
// nothing running.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { runKubectl } from '../src/logbook-up.ts';
import { clusterPid, pidAlive, runCluster } from '../src/logbook-cluster.ts';
import { until } from '../src/until.ts';

const NAMES = ['nats-1', 'nats-2', 'nats-3', 'store-1', 'store-2', 'store-3', 'apiserver-1', 'apiserver-2', 'apiserver-3', 'haproxy'];

test('logbook cluster up, kubectl through HAProxy, status, a NATS server lost, down', { timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'logbook-cluster-e2e-'));
  const kubeconfig = join(dir, 'admin.kubeconfig');
  let downDone = false;
  try {
    const up = await runCluster(['up', '--dir', dir], 90_000);
    assert.equal(up.code, 0, `up failed:\n${up.stdout}\n${up.stderr}`);
    assert.match(up.stdout, new RegExp(`^export KUBECONFIG=${kubeconfig}$`, 'm'));
    assert.deepEqual(readdirSync(join(dir, 'pids')).sort(), NAMES.map((n) => `${n}.pid`).sort());
    const pids = new Map(NAMES.map((n) => [n, clusterPid(dir, n)]));

    await t.test('a second up on the running directory is an error naming its processes', async () => {
      const again = await runCluster(['up', '--dir', dir], 30_000);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /a cluster is already running in .*: nats-1 \(pid \d+\).*haproxy \(pid \d+\)/);
    });

    await t.test('kubectl creates and reads a ConfigMap through HAProxy with the admin kubeconfig', async () => {
      const created = await runKubectl(kubeconfig, ['create', 'configmap', 'ha-1', '--from-literal=k=v1']);
      assert.equal(created.code, 0, created.stderr);
      const got = await runKubectl(kubeconfig, ['get', 'configmap', 'ha-1', '-o', 'jsonpath={.data.k}']);
      assert.equal(got.code, 0, got.stderr);
      assert.equal(got.stdout, 'v1');
      // The same request without the client certificate is refused: kubectl's success came from the
      // certificate reaching a replica through HAProxy (TLS passthrough), not from anonymous access.
      const server = /server: (https:\/\/127\.0\.0\.1:\d+)/.exec(readFileSync(kubeconfig, 'utf8'))?.[1];
      assert.ok(server !== undefined);
      const status = await new Promise<number | undefined>((resolveStatus, reject) => {
        const req = request(`${server}/api/v1/namespaces/default/configmaps/ha-1`, { ca: readFileSync(join(dir, 'pki', 'ca.crt')), agent: false }, (res) => {
          res.resume();
          resolveStatus(res.statusCode);
        });
        req.once('error', reject);
        req.end();
      });
      assert.ok(status === 401 || status === 403, `anonymous GET through HAProxy answered ${status}`);
    });

    await t.test('status shows ten processes alive and the store leader', async () => {
      const s = await runCluster(['status', '--dir', dir], 30_000);
      assert.equal(s.code, 0, `${s.stdout}\n${s.stderr}`);
      for (const n of NAMES) assert.match(s.stdout, new RegExp(`^${n} +${pids.get(n)} +alive`, 'm'));
      assert.equal(s.stdout.match(/ alive /g)?.length, 10);
      assert.match(s.stdout, /^store leader: store-[123]$/m);
      assert.equal(s.stdout.match(/ 200 ok$/gm)?.length, 4, 'three replicas and HAProxy answer /readyz');
    });

    await t.test('with one NATS server SIGKILLed, writes succeed and still reach NATS subscribers', async () => {
      // Subscribed on a survivor before the loss, so the check sees only what the remaining cluster delivers.
      const port = /^nats-2 +\d+ +alive +client=(\d+)/m.exec((await runCluster(['status', '--dir', dir], 30_000)).stdout)?.[1];
      assert.ok(port !== undefined);
      const nc = await connect({ servers: `nats://127.0.0.1:${port}` });
      try {
        const sub = nc.subscribe('>');
        const seen: string[] = [];
        void (async () => {
          for await (const m of sub) seen.push(m.subject);
        })();
        process.kill(pids.get('nats-1')!, 'SIGKILL');
        await until('nats-1 to be gone', { timeoutMs: 5_000 }, () => Promise.resolve(pidAlive(pids.get('nats-1')!) ? undefined : true));
        for (let i = 2; i <= 4; i++) {
          const r = await runKubectl(kubeconfig, ['create', 'configmap', `ha-${i}`, `--from-literal=k=v${i}`]);
          assert.equal(r.code, 0, r.stderr);
        }
        const got = await runKubectl(kubeconfig, ['get', 'configmaps', '-o', 'name']);
        for (let i = 1; i <= 4; i++) assert.match(got.stdout, new RegExp(`^configmap/ha-${i}$`, 'm'));
        // A store member that was connected to nats-1 reconnects to another server of the cluster.
        await until('a configmaps change on nats-2', { timeoutMs: 20_000, intervalMs: 100 }, () => Promise.resolve(seen.some((s) => s.includes('.configmaps.')) ? true : undefined));
        const s = await runCluster(['status', '--dir', dir], 30_000);
        assert.equal(s.code, 1, 'status is not healthy with a process down');
        assert.match(s.stdout, /^nats-1 +\d+ +dead/m);
        assert.equal(s.stdout.match(/ alive /g)?.length, 9);
      } finally {
        await nc.close();
      }
    });

    await t.test('down stops every process and removes the pid files; a second down is a no-op', async () => {
      const down = await runCluster(['down', '--dir', dir], 60_000);
      downDone = true;
      assert.equal(down.code, 0, `${down.stdout}\n${down.stderr}`);
      assert.match(down.stdout, /^stopped: apiserver-1, apiserver-2, apiserver-3, haproxy, store-1, store-2, store-3, nats-2, nats-3$/m);
      for (const [name, pid] of pids) assert.equal(pidAlive(pid), false, `${name} (pid ${pid}) is still alive`);
      assert.deepEqual(readdirSync(join(dir, 'pids')), []);
      const again = await runCluster(['down', '--dir', dir], 30_000);
      assert.equal(again.code, 0);
      assert.equal(again.stdout, 'nothing was running\n');
    });
  } finally {
    if (!downDone) await runCluster(['down', '--dir', dir, '--grace-period', '2s'], 60_000);
    rmSync(dir, { recursive: true, force: true });
  }
});
