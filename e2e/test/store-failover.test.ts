// SIGKILL the leader of a 3-member store while several writers keep puts in
// flight (over gRPC, one channel per member). Afterwards: every acknowledged
// write is present (linearizable read), the cluster served writes again
// within a few election timeouts, the killed member restarts on its own data
// directory and catches up, and all members' HashKV agree at one revision.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { currentRevision, etcdctlJson, etcdctlOk, memberStatuses } from '../src/etcdctl-assert.ts';
import { arrayField, asInt, field, keyValue } from '../src/etcd-json.ts';
import { PutClient } from '../src/put-client.ts';
import { withStoreCluster, type StoreMember } from '../src/store-cluster.ts';
import { implsUnderTest } from '../src/store-impls.ts';
import { sleep, until } from '../src/until.ts';

const ELECTION_TIMEOUT_MS = 500;
const WRITERS = 8;
const KEYS = 600;
const KILL_AFTER_ACKS = 200;
const PUT_TIMEOUT_MS = 1_000;
/** Serving again within this: etcd randomizes the election timeout in [e, 2e), plus a vote round. */
const MAX_RECOVERY_MS = 6 * ELECTION_TIMEOUT_MS;

const keyOf = (i: number): string => `fo/${String(i).padStart(5, '0')}`;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;

interface Ack {
  readonly value: string;
  readonly revision: number;
}

/** Writers share one key counter; each key is retried (through any running member) until acknowledged. */
class WriteLoad {
  readonly acked = new Map<string, Ack>();
  failures = 0;
  killedAt: number | undefined;
  /** When the first put that started after the kill was acknowledged. */
  recoveredAt: number | undefined;
  #next = 0;
  readonly #clients: ReadonlyMap<string, PutClient>;
  readonly #members: readonly StoreMember[];

  constructor(members: readonly StoreMember[]) {
    this.#members = members;
    this.#clients = new Map(members.map((m) => [m.name, new PutClient(m.clientUrl)]));
  }

  async #writer(): Promise<void> {
    while (this.#next < KEYS) {
      const i = this.#next++;
      const key = keyOf(i);
      const value = `value-${i}`;
      for (;;) {
        const startedAt = Date.now();
        const member = pick(this.#members.filter((m) => m.running));
        const outcome = await this.#clients.get(member.name)!.put(key, value, PUT_TIMEOUT_MS);
        if (outcome.ok) {
          this.acked.set(key, { value, revision: outcome.revision });
          if (this.killedAt !== undefined && startedAt >= this.killedAt) this.recoveredAt ??= Date.now();
          break;
        }
        this.failures++;
        await sleep(10);
      }
    }
  }

  run(): Promise<void[]> {
    return Promise.all(Array.from({ length: WRITERS }, () => this.#writer()));
  }

  close(): void {
    for (const c of this.#clients.values()) c.close();
  }
}

for (const impl of implsUnderTest()) {
  test(`${impl}: SIGKILL the leader under write load; no acknowledged write lost; the member catches up`, { timeout: 60_000 }, async (t) => {
    await withStoreCluster(t, { impl, members: 3, electionTimeoutMs: ELECTION_TIMEOUT_MS }, async (c) => {
      const leader = await c.waitForLeader(10_000);
      const load = new WriteLoad(c.members);
      try {
        const writing = load.run();
        await until(`${KILL_AFTER_ACKS} acknowledged writes`, { timeoutMs: 20_000, intervalMs: 5 }, () =>
          Promise.resolve(load.acked.size >= KILL_AFTER_ACKS ? true : undefined),
        );
        load.killedAt = Date.now();
        await leader.kill('SIGKILL');
        await until('a write started after the kill to be acknowledged', { timeoutMs: 15_000, intervalMs: 5 }, () => Promise.resolve(load.recoveredAt));
        const recoveryMs = load.recoveredAt! - load.killedAt;
        t.diagnostic(`${impl}: first write after the SIGKILL acknowledged in ${recoveryMs} ms (election timeout ${ELECTION_TIMEOUT_MS} ms)`);
        assert.ok(recoveryMs < MAX_RECOVERY_MS, `writes resumed only after ${recoveryMs} ms`);
        const newLeader = await c.waitForLeader(10_000);
        assert.notEqual(newLeader.name, leader.name);
        await writing;
      } finally {
        load.close();
      }
      assert.equal(load.acked.size, KEYS);
      t.diagnostic(`${impl}: ${load.failures} failed put attempts around the kill`);

      // Acknowledged puts each got a revision of their own.
      const revisions = [...load.acked.values()].map((a) => a.revision);
      assert.equal(new Set(revisions).size, revisions.length, 'two acknowledged puts share a revision');

      // Every acknowledged write is there (linearizable read through the survivors).
      const survivors = c.members.filter((m) => m.running).map((m) => m.clientUrl);
      const all = await etcdctlJson(c, ['get', 'fo/', '--prefix'], { endpoints: survivors });
      const stored = new Map(arrayField(all, 'kvs').map((kv) => [keyValue(kv).key, keyValue(kv)]));
      for (const [key, ack] of load.acked) {
        const kv = stored.get(key);
        assert.ok(kv !== undefined, `acknowledged ${key} (revision ${ack.revision}) is missing`);
        assert.equal(kv.value, ack.value);
        assert.ok(kv.modRevision >= ack.revision, `${key}: mod_revision ${kv.modRevision} before its acknowledged revision ${ack.revision}`);
      }

      // The killed member restarts on its data directory and catches up.
      await leader.restart();
      const caughtUp = await until('the restarted member to catch up', { timeoutMs: 20_000, intervalMs: 100 }, async () => {
        const s = await memberStatuses(c);
        if (s === undefined || s.length !== 3) return undefined;
        const same = (f: (x: { revision: number; applied: number; leader: unknown }) => unknown): boolean => new Set(s.map(f)).size === 1;
        return same((x) => x.revision) && same((x) => x.applied) && same((x) => x.leader) ? s[0]!.revision : undefined;
      });
      const local = await etcdctlJson(c, ['get', 'fo/', '--prefix', '--consistency=s'], { endpoints: [leader.clientUrl] });
      const restored = new Map(arrayField(local, 'kvs').map((kv) => [keyValue(kv).key, keyValue(kv).value]));
      for (const [key, ack] of load.acked) assert.equal(restored.get(key), ack.value, `restarted member: ${key}`);

      // The members' history hashes agree at one revision.
      const hashes = await etcdctlJson(c, ['endpoint', 'hashkv', `--rev=${caughtUp}`]);
      assert.ok(Array.isArray(hashes) && hashes.length === 3);
      const distinct = new Set(hashes.map((h) => asInt(field(field(h, 'HashKV'), 'hash'), 'hash')));
      assert.equal(distinct.size, 1, `HashKV at revision ${caughtUp} differs between members: ${[...distinct].join(', ')}`);

      // And the restarted member serves writes again.
      const before = await currentRevision(c);
      assert.equal(await etcdctlOk(c, ['put', 'fo/after-restart', 'yes'], { endpoints: [leader.clientUrl] }), 'OK\n');
      assert.equal(await currentRevision(c), before + 1);
    });
  });
}
