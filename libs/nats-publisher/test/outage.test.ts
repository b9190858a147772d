// nats-server killed and restarted on the same port while the store keeps
// committing: the publisher stops, keeps its position, and resumes from it;
// the subscriber (which reconnects too) may see a gap, which it repairs from
// the store's history, and ends with every revision applied in order.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NatsPublisher, startNatsServer } from '../src/index.ts';
import { Subscriber, TestStore, testLogger, waitFor } from './helpers.ts';

const PREFIX = 'logbook.events';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('kill -9 and restart of nats-server mid-stream: the publisher resumes, nothing is lost', async (t) => {
  const server = await startNatsServer();
  t.after(() => server.stop());
  const ts = new TestStore();
  const logger = testLogger();
  const pub = new NatsPublisher({
    servers: server.url,
    source: ts.store,
    logger,
    maxBatchEvents: 5,
    retryBaseMs: 20,
    retryMaxMs: 100,
    reconnectTimeWaitMs: 50,
    flushTimeoutMs: 500,
  });
  ts.attach(pub);
  t.after(() => pub.close());
  await pub.start();
  const sub = await Subscriber.open(server.url, ts, PREFIX);
  t.after(() => sub.close());
  pub.setLeader(true);

  // The store commits steadily, whatever NATS does.
  let n = 0;
  let writing = true;
  const writes = (async () => {
    while (writing) {
      ts.put(`/registry/pods/ns${n % 4}/p${n % 7}`, `v${n}`);
      n++;
      await sleep(2);
    }
  })();

  await waitFor(() => sub.counts.new >= 20, 'traffic flowing');
  await server.kill();
  await waitFor(() => !pub.status().connected, 'publisher noticed the outage');
  const during = ts.store.currentRevision;
  await sleep(200);
  assert.ok(ts.store.currentRevision > during, 'apply went on while NATS was down');
  assert.ok((pub.status().cursor ?? 0) < ts.store.currentRevision, 'nothing new confirmed during the outage');
  await server.restart();
  await waitFor(() => pub.status().connected, 'publisher reconnected');
  await sleep(200);
  writing = false;
  await writes;

  const last = ts.store.currentRevision;
  await waitFor(() => pub.status().cursor === last, 'publisher resumed and caught up');
  await waitFor(() => sub.highest() === last, 'subscriber caught up');
  assert.deepEqual(sub.errors, []);
  // Gaps are allowed (messages lost with the server); after repair every revision is applied, in order.
  assert.deepEqual(new Map([...sub.applied].sort()), new Map([...ts.expectedRevisions(PREFIX)].sort()));
  assert.deepEqual(sub.state, ts.snapshot());
  assert.ok(logger.lines.some((l) => l.msg.startsWith('nats: disconnected')));
  assert.ok(logger.lines.some((l) => l.msg.startsWith('nats: reconnected')));
  assert.equal(pub.status().leader, true);
});

test('a frozen nats-server (SIGSTOP): flushes time out, the position holds, publishing resumes on SIGCONT', async (t) => {
  const server = await startNatsServer();
  t.after(() => server.stop());
  const ts = new TestStore();
  const pub = new NatsPublisher({ servers: server.url, source: ts.store, logger: testLogger(), retryBaseMs: 20, retryMaxMs: 100, reconnectTimeWaitMs: 50, flushTimeoutMs: 150, connectTimeoutMs: 300 });
  ts.attach(pub);
  t.after(() => pub.close());
  await pub.start();
  const sub = await Subscriber.open(server.url, ts, PREFIX);
  t.after(() => sub.close());
  pub.setLeader(true);
  for (let i = 0; i < 10; i++) ts.put(`/registry/pods/a/p${i}`, 'v');
  await waitFor(() => sub.highest() === ts.store.currentRevision, 'first part');
  const before = pub.status().cursor;
  await server.pause();
  for (let i = 0; i < 10; i++) ts.put(`/registry/pods/b/p${i}`, 'v');
  await waitFor(() => pub.status().retries > 0, 'a flush timed out');
  assert.match(pub.status().lastError ?? '', /flush not confirmed within 150 ms/);
  assert.equal(pub.status().cursor, before, 'the position holds while nothing is confirmed');
  server.resume();
  const last = ts.store.currentRevision;
  await waitFor(() => pub.status().cursor === last && sub.highest() === last, 'resumed', 8000);
  assert.deepEqual(sub.errors, []);
  assert.deepEqual(new Map([...sub.applied].sort()), new Map([...ts.expectedRevisions(PREFIX)].sort()));
  assert.deepEqual(sub.state, ts.snapshot());
});
