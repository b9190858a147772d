// Leader changes between two publishers over the same store (as two store
// members would see the same committed history), observed by one subscriber
// that applies the classify rule: no gap, no reordering, nothing lost;
// duplicates are allowed and dropped.

import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { NatsPublisher, startNatsServer, type NatsServerHandle } from '../src/index.ts';
import { Subscriber, TestStore, testLogger, waitFor } from './helpers.ts';

const PREFIX = 'logbook.events';
let server: NatsServerHandle;
before(async () => {
  server = await startNatsServer();
});
after(async () => {
  await server.stop();
});

const tick = (ms = 2): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A deterministic mix of puts, deletes and txns over 4 resources x 3 namespaces. */
function writer(ts: TestStore, seed: number): (n: number) => Promise<void> {
  let s = seed;
  const rand = (n: number): number => (s = (s * 1103515245 + 12345) % 2 ** 31) % n;
  const key = (): string => `/registry/${['pods', 'services', 'configmaps', 'secrets'][rand(4)]}/ns${rand(3)}/o${rand(5)}`;
  return async (n) => {
    for (let i = 0; i < n; i++) {
      const op = rand(10);
      if (op < 6) ts.put(key(), `v${i}`);
      else if (op < 8) ts.txn([[key(), 't1'], [key(), 't2']].filter((kv, j, a) => a.findIndex((x) => x[0] === kv[0]) === j) as Array<[string, string]>);
      else {
        const k = key();
        if (ts.snapshot().has(k)) ts.del(k);
        else ts.put(k, 'new');
      }
      if (i % 5 === 4) await tick();
    }
  };
}

interface Setup {
  readonly ts: TestStore;
  readonly a: NatsPublisher;
  readonly b: NatsPublisher;
  readonly sub: Subscriber;
  readonly mk: (name: string) => Promise<NatsPublisher>;
}

/** Two publishers and a subscriber, closed when the test ends (pass or fail). */
async function setup(t: TestContext): Promise<Setup> {
  const ts = new TestStore();
  const mk = async (name: string): Promise<NatsPublisher> => {
    const p = new NatsPublisher({ servers: server.url, source: ts.store, logger: testLogger(), name, maxBatchEvents: 4 });
    ts.attach(p);
    t.after(() => p.close());
    await p.start();
    return p;
  };
  const a = await mk('a');
  const b = await mk('b');
  const sub = await Subscriber.open(server.url, ts, PREFIX);
  t.after(() => sub.close());
  return { ts, a, b, sub, mk };
}

function assertExact(ts: TestStore, sub: Subscriber): void {
  assert.deepEqual(sub.errors, []);
  assert.equal(sub.counts.gap, 0, 'no gap');
  // Every revision of every subject applied exactly once, in order.
  assert.deepEqual(new Map([...sub.applied].sort()), new Map([...ts.expectedRevisions(PREFIX)].sort()));
  assert.deepEqual(sub.state, ts.snapshot());
}

test('hand-over at rest and mid-stream: no gap, no reordering, no loss', async (t) => {
  const { ts, a, b, sub } = await setup(t);
  const write = writer(ts, 1);
  a.setLeader(true);
  await write(40);
  // At rest: b's shadow has walked up to a's last announced cursor.
  await waitFor(() => b.status().position === ts.store.currentRevision, 'b followed a\'s cursor');
  a.setLeader(false);
  b.setLeader(true);
  assert.equal(b.status().sessionStart, 0, 'b continues its shadow walk: the chain that a had');
  await write(40);
  // Mid-stream: a may be behind, and b may have unconfirmed messages in flight.
  b.setLeader(false);
  a.setLeader(true);
  // a starts at or below what b is known to have published.
  assert.ok(a.status().position <= (b.status().cursor ?? 0));
  await write(30);
  const last = ts.store.currentRevision;
  await waitFor(() => a.status().cursor === last && sub.highest() === last, 'all published');
  await tick(50);
  assertExact(ts, sub);
  assert.equal(a.status().retries + b.status().retries, 0);
});

test('a deposed leader still publishing (two leaders at once) only causes duplicates', async (t) => {
  const { ts, a, b, sub } = await setup(t);
  const write = writer(ts, 2);
  a.setLeader(true);
  await write(30);
  // b is elected before a learns it lost: both publish for a while.
  b.setLeader(true);
  await write(30);
  a.setLeader(false);
  await write(20);
  const last = ts.store.currentRevision;
  await waitFor(() => b.status().cursor === last && sub.highest() === last, 'all published');
  await tick(50);
  assertExact(ts, sub);
  assert.ok(sub.counts.duplicate > 0, 'both leaders published the same revisions');
});

test('a follower that starts late (nothing seen) republishes retained history: duplicates only', async (t) => {
  const { ts, a, sub, mk } = await setup(t);
  const write = writer(ts, 3);
  a.setLeader(true);
  await write(25);
  await waitFor(() => a.status().cursor === ts.store.currentRevision, 'a published');
  // c joins after a's last cursor announcement: it has seen nothing.
  const c = await mk('c');
  a.setLeader(false);
  c.setLeader(true);
  assert.equal(c.status().sessionStart, 0);
  await write(10);
  const last = ts.store.currentRevision;
  await waitFor(() => c.status().cursor === last && sub.highest() === last, 'all published');
  await tick(50);
  assertExact(ts, sub);
  assert.ok(sub.counts.duplicate >= 25);
});
