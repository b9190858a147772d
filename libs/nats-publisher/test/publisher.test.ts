import { after, before, test } from 'node:test';
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

function publisher(ts: TestStore, extra: Partial<ConstructorParameters<typeof NatsPublisher>[0]> = {}): NatsPublisher {
  const p = new NatsPublisher({ servers: server.url, prefix: PREFIX, source: ts.store, logger: testLogger(), retryBaseMs: 20, retryMaxMs: 100, reconnectTimeWaitMs: 50, ...extra });
  ts.attach(p);
  return p;
}

test('every revision arrives once, in order, with its prev chain and headers', async () => {
  const ts = new TestStore();
  const pub = publisher(ts);
  await pub.start();
  const sub = await Subscriber.open(server.url, ts, PREFIX);
  pub.setLeader(true);

  ts.put('/registry/pods/default/a', '1');
  ts.put('/registry/pods/kube-system/b', '1');
  ts.put('/registry/pods/default/a', '2');
  ts.put('/registry/namespaces/default', 'ns');
  const txnRev = ts.txn([['/registry/pods/default/c', '1'], ['/registry/pods/default/d', '1'], ['/registry/services/default/s', '1']]);
  ts.del('/registry/pods/default/a');
  ts.put('/not-registry/x', 'y');
  ts.put('/registry/apps/deployments/default/web', '1');
  ts.put('/registry/pods/default/c', '2');
  const last = ts.store.currentRevision;

  await waitFor(() => pub.status().cursor === last, 'publisher caught up');
  const expected = ts.expectedRevisions(PREFIX);
  const messages = [...expected.values()].reduce((n, l) => n + l.length, 0);
  await waitFor(() => sub.received.length === messages, 'subscriber got every message');

  assert.deepEqual(sub.errors, []);
  assert.deepEqual(sub.counts, { new: messages, duplicate: 0, gap: 0 });
  assert.deepEqual(new Map([...sub.applied].sort()), new Map([...expected].sort()));
  // One subscription, one publisher: global revision order.
  const revs = sub.received.map((r) => r.change.revision);
  assert.deepEqual(revs, [...revs].sort((a, b) => a - b));
  // The chain: each message's prev is the subject's previous revision (0 = the session start).
  for (const [subject, list] of expected) {
    const got = sub.received.filter((r) => r.subject === subject);
    assert.deepEqual(got.map((r) => r.change.prevRevision), [0, ...list.slice(0, -1)], subject);
    for (const r of got) {
      assert.equal(r.headerRevision, String(r.change.revision));
      assert.equal(r.headerPrev, String(r.change.prevRevision));
    }
  }
  const txn = sub.received.filter((r) => r.change.revision === txnRev);
  assert.deepEqual(txn.map((r) => [r.subject, r.change.reference ? -1 : r.change.events.length]), [[`${PREFIX}.pods.default`, 2], [`${PREFIX}.services.default`, 1]]);
  assert.ok(sub.received.some((r) => r.subject === `${PREFIX}._other`));
  assert.ok(sub.received.some((r) => r.subject === `${PREFIX}.apps.deployments.default`));
  assert.deepEqual(sub.state, ts.snapshot());

  const st = pub.status();
  assert.equal(st.leader, true);
  assert.equal(st.connected, true);
  assert.equal(st.published, messages);
  assert.equal(st.references, 0);
  assert.equal(st.position, last);
  await pub.close();
  await sub.close();
});

test('notify before connecting and writes before leadership are not lost: history is the buffer', async () => {
  const ts = new TestStore();
  const pub = publisher(ts);
  const sub = await Subscriber.open(server.url, ts, PREFIX);
  for (let i = 0; i < 30; i++) ts.put(`/registry/configmaps/ns${i % 3}/c${i}`, `${i}`);
  await pub.start();
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(sub.received.length, 0, 'a follower publishes nothing');
  pub.setLeader(true);
  await waitFor(() => sub.highest() === ts.store.currentRevision, 'caught up');
  assert.equal(sub.counts.new, 30);
  assert.deepEqual(sub.state, ts.snapshot());
  await pub.close();
  await sub.close();
});

test('chunks are bounded by maxBatchEvents and pending bytes, and a revision is never split', async () => {
  const ts = new TestStore();
  const pub = publisher(ts, { maxBatchEvents: 3, maxPendingBytes: 1 });
  await pub.start();
  const sub = await Subscriber.open(server.url, ts, PREFIX);
  for (let i = 0; i < 10; i++) ts.txn([[`/registry/pods/a/p${i}`, 'x'], [`/registry/pods/a/q${i}`, 'y'], [`/registry/pods/b/p${i}`, 'z']]);
  pub.setLeader(true);
  await waitFor(() => pub.status().cursor === ts.store.currentRevision && sub.received.length === 20, 'caught up');
  assert.deepEqual(sub.counts, { new: 20, duplicate: 0, gap: 0 });
  for (const r of sub.received) assert.ok(!r.change.reference && r.change.events.length === (r.subject.endsWith('.a') ? 2 : 1));
  assert.deepEqual(sub.state, ts.snapshot());
  await pub.close();
  await sub.close();
});

test('start() does not throw while NATS is down, and publishing resumes when it comes up', async () => {
  const down = await startNatsServer();
  await down.kill();
  const ts = new TestStore();
  const logger = testLogger();
  const pub = new NatsPublisher({ servers: down.url, source: ts.store, logger, retryBaseMs: 20, retryMaxMs: 50, reconnectTimeWaitMs: 50 });
  ts.attach(pub);
  await pub.start();
  pub.setLeader(true);
  assert.equal(pub.status().connected, false);
  await waitFor(() => logger.lines.filter((l) => l.msg.startsWith('nats: connect failed')).length >= 2, 'retrying in the background');
  await down.restart();
  const sub = await Subscriber.open(down.url, ts, PREFIX);
  for (let i = 0; i < 5; i++) ts.put(`/registry/pods/x/p${i}`, 'v');
  await waitFor(() => pub.status().connected && sub.highest() === ts.store.currentRevision, 'published after NATS came up');
  assert.equal(sub.counts.new, 5);
  await pub.close();
  await sub.close();
  await down.stop();
});

test('history compacted past the cursor: skip, publish a reset, continue with a fresh chain', async () => {
  const ts = new TestStore();
  const pub = publisher(ts);
  await pub.start();
  const sub = await Subscriber.open(server.url, ts, PREFIX);
  pub.setLeader(true);
  for (let i = 0; i < 5; i++) ts.put(`/registry/pods/a/p${i}`, `${i}`);
  await waitFor(() => pub.status().cursor === ts.store.currentRevision, 'first part published');
  const published = ts.store.currentRevision;
  pub.setLeader(false);
  for (let i = 0; i < 5; i++) ts.put(`/registry/pods/a/q${i}`, `${i}`);
  const compacted = ts.store.currentRevision;
  ts.compact(compacted);
  pub.setLeader(true);
  ts.put('/registry/pods/a/after', 'x');
  await waitFor(() => pub.status().cursor === ts.store.currentRevision && sub.highest() === ts.store.currentRevision, 'resumed after the reset');
  assert.deepEqual(sub.resets, [compacted]);
  assert.equal(pub.status().resets, 1);
  assert.equal(pub.status().sessionStart, compacted);
  const afterMsg = sub.received.at(-1);
  assert.equal(afterMsg?.change.prevRevision, compacted, 'the first message after a reset points at the reset');
  assert.ok(sub.received.every((r) => r.change.revision <= published || r.change.revision > compacted), 'compacted revisions were skipped');
  assert.deepEqual(sub.errors, []);
  assert.deepEqual(sub.state, ts.snapshot());
  await pub.close();
  await sub.close();
});

test('a leader that never saw a cursor publishes all retained history, without a reset', async () => {
  const ts = new TestStore();
  for (let i = 0; i < 4; i++) ts.put(`/registry/pods/a/p${i}`, `${i}`);
  ts.compact(3);
  ts.put('/registry/pods/a/p9', 'x');
  const pub = publisher(ts);
  await pub.start();
  const sub = await Subscriber.open(server.url, ts, PREFIX);
  // The subscriber listed at the current revision: re-published history is duplicate to it.
  pub.setLeader(true);
  await waitFor(() => pub.status().cursor === ts.store.currentRevision, 'published');
  await waitFor(() => sub.received.length === 3, 'retained revisions 4..6 arrive');
  assert.deepEqual(sub.received.map((r) => r.change.revision), [4, 5, 6]);
  assert.deepEqual(sub.received.map((r) => r.change.prevRevision), [3, 4, 5]);
  assert.equal(sub.counts.duplicate, 3);
  assert.deepEqual(sub.resets, []);
  await pub.close();
  await sub.close();
});

test('options are checked, every problem reported at once', () => {
  const ts = new TestStore();
  assert.throws(
    () => new NatsPublisher({ servers: [], prefix: 'a.*', source: ts.store, logger: testLogger(), maxBatchEvents: 0, maxPayloadBytes: 10 }),
    (e: unknown) => e instanceof TypeError && /servers/.test(e.message) && /prefix/.test(e.message) && /maxBatchEvents/.test(e.message) && /maxPayloadBytes/.test(e.message),
  );
});
