import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '@nats-io/transport-node';
import { NatsPublisher, startNatsServer, type NatsServerHandle } from '../src/index.ts';
import { Subscriber, TestStore, te, testLogger, waitFor } from './helpers.ts';

const PREFIX = 'logbook.events';
const MAX_PAYLOAD = 4096;
let server: NatsServerHandle;
before(async () => {
  server = await startNatsServer({ maxPayload: MAX_PAYLOAD });
});
after(async () => {
  await server.stop();
});

test('the harness really sets max_payload', async () => {
  const nc = await connect({ servers: server.url });
  assert.equal(nc.info?.max_payload, MAX_PAYLOAD);
  await nc.close();
});

test('an object larger than max_payload is published as a reference, and the chain goes on', async () => {
  const ts = new TestStore();
  const pub = new NatsPublisher({ servers: server.url, source: ts.store, logger: testLogger() });
  ts.attach(pub);
  await pub.start();
  const sub = await Subscriber.open(server.url, ts, PREFIX);
  pub.setLeader(true);

  ts.put('/registry/configmaps/ns/small', 'x');
  const bigRev = ts.put('/registry/configmaps/ns/big', new Uint8Array(MAX_PAYLOAD * 3).fill(0x61));
  // A txn whose keys alone exceed the limit: a reference without keys.
  const keys = Array.from({ length: 60 }, (_, i) => `/registry/configmaps/ns/${'k'.repeat(80)}-${i}`);
  const bareRev = ts.txn(keys.map((k) => [k, 'v'] as const));
  ts.put('/registry/configmaps/ns/small', 'y');
  const last = ts.store.currentRevision;

  await waitFor(() => pub.status().cursor === last && sub.highest() === last, 'published');
  assert.deepEqual(sub.errors, []);
  const byRev = new Map(sub.received.map((r) => [r.change.revision, r.change]));
  const big = byRev.get(bigRev);
  assert.ok(big?.reference === true);
  assert.deepEqual(big.referenceKeys, [te.encode('/registry/configmaps/ns/big')]);
  const bare = byRev.get(bareRev);
  assert.ok(bare?.reference === true);
  assert.deepEqual(bare.referenceKeys, []);
  assert.deepEqual(sub.received.map((r) => r.change.prevRevision), [0, bigRev - 1, bigRev, bareRev]);
  assert.deepEqual(sub.counts, { new: 4, duplicate: 0, gap: 0 });
  // The subscriber fetched the referenced changes from the store.
  assert.deepEqual(sub.state, ts.snapshot());
  assert.equal(pub.status().references, 2);
  assert.equal(pub.status().retries, 0);
  await pub.close();
  await sub.close();
});

test('maxPayloadBytes caps messages below the server limit', async () => {
  const ts = new TestStore();
  const pub = new NatsPublisher({ servers: server.url, source: ts.store, logger: testLogger(), maxPayloadBytes: 1024 });
  ts.attach(pub);
  await pub.start();
  const sub = await Subscriber.open(server.url, ts, PREFIX);
  pub.setLeader(true);
  ts.put('/registry/secrets/ns/s', new Uint8Array(2000));
  ts.put('/registry/secrets/ns/t', new Uint8Array(500));
  await waitFor(() => sub.highest() === ts.store.currentRevision, 'published');
  assert.deepEqual(sub.received.map((r) => r.change.reference), [true, false]);
  await pub.close();
  await sub.close();
});
