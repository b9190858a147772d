// Three real member processes (gRPC transport, WAL with real fsync): writes
// through random members while the leader is SIGKILLed; no acknowledged write
// may be lost, the cluster must serve again within a few election timeouts,
// and the killed member must catch up after a restart on its old data.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { KvClient, LocalCluster, type ClusterMember } from '@logbook/raftkv';

const TICK_MS = 20;
const ELECTION_TICKS = 10;
/** The longest randomized election timeout: [e, 2e) ticks. */
const ELECTION_TIMEOUT_MS = 2 * ELECTION_TICKS * TICK_MS;
const KEYS = 300;
const WRITERS = 16;

const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;

async function until<T>(what: string, timeoutMs: number, fn: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('acknowledged writes survive a leader SIGKILL; the cluster recovers and the member catches up', { timeout: 90_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'logbook-e2e-'));
  const cluster = await LocalCluster.start({ size: 3, baseDir: dir, tickMs: TICK_MS, electionTicks: ELECTION_TICKS, extraFlags: [
    '--request-timeout-ms', '2000',
    // Snapshot and compact often, so the restarted member is behind the leader's
    // first index and must be sent a snapshot over the transport.
    '--snapshot-count', '50',
    '--snapshot-catch-up-entries', '10',
  ] });
  let failed = false;
  t.after(async () => {
    await cluster.stop();
    if (!failed) rmSync(dir, { recursive: true, force: true }); // on failure the member logs stay for inspection
  });
  try {
    const leader = await cluster.waitForLeader(15_000);

    // Writers: each key is written until some member acknowledges it, through a random running member.
    const acked = new Map<string, string>();
    let attempts = 0;
    let next = 0;
    const writer = async (): Promise<void> => {
      while (next < KEYS) {
        const i = next++;
        const key = `key-${i}`;
        const value = `value-${i}`;
        for (;;) {
          attempts++;
          const m: ClusterMember = pick(cluster.running());
          const r = await m.client.put(key, value).catch(() => undefined);
          if (r?.status === 200) {
            acked.set(key, value);
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      }
    };
    const writers = Array.from({ length: WRITERS }, () => writer());

    // Kill the leader while writes are in flight.
    await until('a third of the writes', 30_000, () => Promise.resolve(acked.size >= KEYS / 3 ? true : undefined));
    const killedAt = Date.now();
    await cluster.kill(leader.id, 'SIGKILL');

    // Serving again within a few election timeouts: a write proposed after the kill is acknowledged.
    // Probes give up quickly: a follower that still believes in the dead leader
    // forwards into the void, and such a request only ends at its timeout.
    const probeClients = cluster.running().map((m) => new KvClient(m.clientUrl, { timeoutMs: ELECTION_TIMEOUT_MS }));
    let probes = 0;
    await until('a write proposed after the kill to be acknowledged', 10_000, async () => {
      const key = `probe-${probes++}`;
      const r = await pick(probeClients).put(key, 'p');
      if (r.status !== 200) return undefined;
      acked.set(key, 'p');
      return true;
    });
    for (const c of probeClients) c.close();
    const recoveryMs = Date.now() - killedAt;
    t.diagnostic(`a new write was acknowledged ${recoveryMs} ms after the SIGKILL (longest election timeout ${ELECTION_TIMEOUT_MS} ms)`);
    assert.ok(recoveryMs < 8 * ELECTION_TIMEOUT_MS, `cluster took ${recoveryMs} ms to serve writes again`);
    const newLeader = await cluster.waitForLeader(10_000);
    assert.notEqual(newLeader.id, leader.id);

    await Promise.all(writers);
    assert.ok(acked.size > KEYS);
    assert.ok(attempts > KEYS, 'some writes must have hit the dead leader or the election');

    // Every acknowledged write is readable, linearizably, from every surviving member.
    for (const m of cluster.running()) {
      for (const [key, value] of acked) {
        const r = await m.client.get(key);
        assert.equal(r.status, 200, `member ${m.id}: ${key} → HTTP ${r.status} ${JSON.stringify(r.body)}`);
        assert.equal((r.body as { value: string }).value, value);
      }
    }

    // Writes while the member is down push the leader's log past it.
    for (let i = 0; i < 120; i++) assert.equal((await newLeader.client.put(`while-down-${i}`, 'x')).status, 200);
    acked.set('while-down-119', 'x');

    // The killed member restarts on its own data directory and catches up.
    cluster.restart(leader.id);
    const back = cluster.member(leader.id);
    const target = (await newLeader.client.status()).commit;
    await until('the restarted member to catch up', 20_000, async () => ((await back.client.status()).applied >= target ? true : undefined));
    assert.ok((await back.client.status()).counters.snapshotsRestored >= 1, 'the restarted member was sent a snapshot');
    for (const [key, value] of acked) {
      const r = await back.client.get(key, { serializable: true });
      assert.equal(r.status, 200, `restarted member: ${key} → HTTP ${r.status}`);
      assert.equal((r.body as { value: string }).value, value);
    }
    // And it takes part in the cluster again: a new write reaches it.
    const after = await newLeader.client.put('after-restart', 'yes');
    assert.equal(after.status, 200);
    const seen = await until('the restarted member to see a new write', 10_000, async () => {
      const r = await back.client.get('after-restart');
      return r.status === 200 ? r : undefined;
    });
    assert.equal((seen.body as { value: string }).value, 'yes');
  } catch (err) {
    t.diagnostic(`member logs are in ${dir}`);
    failed = true;
    throw err;
  }
});
