import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { app, freePort, heldProxy, id, indexes, membersClosedAfter, snap, waitFor } from './helpers.ts';

const member = membersClosedAfter();

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

describe('GrpcTransport', () => {
  it('delivers messages in order', async () => {
    const a = await member(1);
    const b = await member(2);
    a.transport.addPeer(b.id, b.address);
    for (let batch = 0; batch < 20; batch++) {
      a.transport.send(range(batch * 50, batch * 50 + 50).map((i) => app(1, 2, i, randomBytes(100))));
    }
    await waitFor('1000 messages', () => b.handler.received.length === 1000);
    assert.deepStrictEqual(indexes(b.handler.received), range(0, 1000));
    assert.equal(b.handler.received[0]?.from, 1);
    assert.equal(b.handler.received[0]?.to, 2);
    assert.equal(b.handler.received[0]?.entries[0]?.data.byteLength, 100);
    assert.deepStrictEqual(a.handler.unreachable, []);
  });

  it('drops messages for a peer it cannot reach, and delivers new ones once the peer is up', async () => {
    const port = await freePort();
    const a = await member(1, { peers: new Map([[id(2), `127.0.0.1:${port}`]]) });
    a.transport.send([app(1, 2, 0), app(1, 2, 1)]);
    await waitFor('a failed connection attempt to be reported', () => a.handler.unreachable.length >= 2);
    assert.ok(a.handler.unreachable.every((p) => p === 2));
    const b = await member(2, { port });
    let next = 2;
    await waitFor('a message sent after the peer started', () => {
      a.transport.send([app(1, 2, next++)]);
      return b.handler.received.length > 0;
    });
    // Messages queued before the failed attempts were dropped, not held for
    // whenever the peer came back; what arrives is in order.
    const got = indexes(b.handler.received);
    assert.ok(got.every((i) => i >= 2), `stale messages delivered: ${got.join(', ')}`);
    assert.deepStrictEqual(got, [...got].sort((x, y) => x - y));
    assert.ok(a.logger.has('info', 'connected to peer'));
  });

  it('drops the newest messages and reports the peer unreachable when its queue is full', async () => {
    const proxy = await heldProxy();
    try {
      const a = await member(1, { peers: new Map([[id(2), proxy.address]]), limits: { maxQueuedMessages: 5 } });
      a.transport.send(range(0, 8).map((i) => app(1, 2, i)));
      // Reported synchronously, once for the batch.
      assert.deepStrictEqual(a.handler.unreachable, [id(2)]);
      const b = await member(2);
      proxy.release(Number(b.address.split(':')[1]));
      await waitFor('the queued messages', () => b.handler.received.length === 5);
      a.transport.send([app(1, 2, 100)]);
      await waitFor('a later message', () => b.handler.received.length === 6);
      assert.deepStrictEqual(indexes(b.handler.received), [0, 1, 2, 3, 4, 100]);
    } finally {
      await proxy.close();
    }
  });

  it('bounds the queue by bytes too', async () => {
    const proxy = await heldProxy();
    try {
      const a = await member(1, { peers: new Map([[id(2), proxy.address]]), limits: { maxQueuedBytes: 10_000 } });
      a.transport.send(range(0, 4).map((i) => app(1, 2, i, new Uint8Array(4_000))));
      assert.deepStrictEqual(a.handler.unreachable, [id(2)]);
      const b = await member(2);
      proxy.release(Number(b.address.split(':')[1]));
      await waitFor('the queued messages', () => b.handler.received.length === 2);
      a.transport.send([app(1, 2, 9)]);
      await waitFor('a later message', () => b.handler.received.length === 3);
      assert.deepStrictEqual(indexes(b.handler.received), [0, 1, 9]);
    } finally {
      await proxy.close();
    }
  });

  it('streams a multi-chunk snapshot intact and reports finish', async () => {
    const a = await member(1);
    const b = await member(2);
    a.transport.addPeer(b.id, b.address);
    const data = randomBytes(5 * 1024 * 1024 + 123);
    const m = snap(1, 2, data);
    a.transport.send([m]);
    await waitFor('the snapshot outcome', () => a.handler.snapshots.length === 1, 20_000);
    assert.deepStrictEqual(a.handler.snapshots, [{ peer: id(2), status: 'finish' }]);
    assert.equal(b.handler.received.length, 1);
    const got = b.handler.received[0];
    assert.equal(got?.type, 'MsgSnap');
    assert.deepStrictEqual(got.snapshot?.metadata, m.snapshot?.metadata);
    assert.equal(got.term, 3);
    assert.ok(Buffer.from(got.snapshot?.data ?? []).equals(data), 'snapshot data differs');
  });

  it('reports failure for a snapshot to a dead peer', async () => {
    const a = await member(1, { peers: new Map([[id(2), `127.0.0.1:${await freePort()}`]]) });
    a.transport.send([snap(1, 2, randomBytes(1000))]);
    await waitFor('the snapshot outcome', () => a.handler.snapshots.length === 1);
    assert.deepStrictEqual(a.handler.snapshots, [{ peer: id(2), status: 'failure' }]);
  });

  it('keeps one snapshot in flight per peer', async () => {
    const a = await member(1);
    const b = await member(2);
    a.transport.addPeer(b.id, b.address);
    a.transport.send([snap(1, 2, randomBytes(3 * 1024 * 1024)), snap(1, 2, randomBytes(10))]);
    // The second is refused at once; the first completes.
    assert.deepStrictEqual(a.handler.snapshots, [{ peer: id(2), status: 'failure' }]);
    await waitFor('the first snapshot', () => a.handler.snapshots.length === 2, 20_000);
    assert.deepStrictEqual(a.handler.snapshots[1], { peer: id(2), status: 'finish' });
    assert.equal(b.handler.received.length, 1);
    assert.equal(b.handler.received[0]?.snapshot?.data.byteLength, 3 * 1024 * 1024);
  });

  it('rejects a snapshot over maxSnapshotBytes before buffering it', async () => {
    const a = await member(1);
    const b = await member(2, { limits: { maxSnapshotBytes: 1024 * 1024 } });
    a.transport.addPeer(b.id, b.address);
    a.transport.send([snap(1, 2, randomBytes(2 * 1024 * 1024))]);
    await waitFor('the snapshot outcome', () => a.handler.snapshots.length === 1);
    assert.deepStrictEqual(a.handler.snapshots, [{ peer: id(2), status: 'failure' }]);
    assert.deepStrictEqual(b.handler.received, []);
    assert.ok(b.logger.records.some((r) => r.level === 'warn' && r.fields.code === 'too-large'));
    assert.ok(a.logger.records.some((r) => r.msg.includes('snapshot send failed') && r.fields.code === 'RESOURCE_EXHAUSTED'));
  });

  it('drops and logs messages addressed to another member', async () => {
    const a = await member(1);
    const c = await member(3);
    // Misconfiguration: a believes member 2 lives at c's address.
    a.transport.addPeer(id(2), c.address);
    a.transport.send(range(0, 3).map((i) => app(1, 2, i)));
    a.transport.send([snap(1, 2, randomBytes(10))]);
    await waitFor('the snapshot outcome', () => a.handler.snapshots.length === 1);
    await waitFor('the drop to be logged', () => c.logger.has('warn', 'addressed to another member'));
    assert.deepStrictEqual(a.handler.snapshots, [{ peer: id(2), status: 'failure' }]);
    assert.deepStrictEqual(c.handler.received, []);
    assert.ok(c.logger.records.some((r) => r.fields.code === 'wrong-recipient'));
  });

  it('enforces the server max message size with a clear error, then recovers', async () => {
    const a = await member(1);
    const b = await member(2, { limits: { maxMessageBytes: 256 * 1024, snapshotChunkBytes: 64 * 1024 } });
    a.transport.addPeer(b.id, b.address);
    a.transport.send([app(1, 2, 0), app(1, 2, 1, new Uint8Array(300 * 1024))]);
    await waitFor('the rejection to be logged', () => a.logger.has('error', 'oversized'));
    const err = a.logger.records.find((r) => r.level === 'error' && r.msg.includes('oversized'));
    assert.equal(err?.fields.code, 'RESOURCE_EXHAUSTED');
    assert.match(String(err?.fields.details), /larger than max/);
    await waitFor('the peer to be reported', () => a.handler.unreachable.includes(id(2)));
    // Sent while backing off, a message is dropped: send until one arrives.
    await waitFor('a later message', () => {
      a.transport.send([app(1, 2, 2)]);
      return b.handler.received.some((m) => m.index === 2);
    });
    assert.equal(b.handler.received[0]?.index, 0);
    assert.ok(!b.handler.received.some((m) => m.index === 1));
  });

  it('drops locally a message that can never fit maxMessageBytes', async () => {
    const a = await member(1, { limits: { maxMessageBytes: 128 * 1024, snapshotChunkBytes: 32 * 1024 } });
    const b = await member(2);
    a.transport.addPeer(b.id, b.address);
    a.transport.send([app(1, 2, 0, new Uint8Array(200 * 1024)), app(1, 2, 1)]);
    assert.deepStrictEqual(a.handler.unreachable, [id(2)]);
    assert.ok(a.logger.has('error', 'larger than maxMessageBytes'));
    await waitFor('the small message', () => b.handler.received.length === 1);
    assert.equal(b.handler.received[0]?.index, 1);
  });

  it('reconnects after the peer restarts', async () => {
    const a = await member(1);
    const b1 = await member(2);
    const port = Number(b1.address.split(':')[1]);
    a.transport.addPeer(b1.id, b1.address);
    a.transport.send([app(1, 2, 0)]);
    await waitFor('the first message', () => b1.handler.received.length === 1);
    await b1.transport.close();
    await waitFor('the broken stream to be reported', () => a.handler.unreachable.includes(id(2)));
    const b2 = await member(2, { port });
    await waitFor('the reconnection', () => {
      a.transport.send([app(1, 2, 1)]);
      return b2.handler.received.length > 0;
    });
    assert.ok(b2.handler.received.every((m) => m.index === 1));
  });

  it('stops sending to a removed peer and ignores an invalid address', async () => {
    const a = await member(1);
    const b = await member(2);
    a.transport.addPeer(b.id, b.address);
    a.transport.send([app(1, 2, 0)]);
    await waitFor('the first message', () => b.handler.received.length === 1);
    a.transport.removePeer(b.id);
    a.transport.send([app(1, 2, 1)]);
    assert.deepStrictEqual(a.handler.unreachable, [id(2)]);
    assert.ok(a.logger.has('warn', 'unknown peer'));
    a.transport.addPeer(id(4), 'http://not-host-port');
    assert.ok(a.logger.has('error', 'invalid address'));
    a.transport.send([app(1, 4, 0)]);
    assert.deepStrictEqual(a.handler.unreachable, [id(2), id(4)]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(b.handler.received.length, 1);
  });

  it('rejects misuse: send before start, local messages, a second start', async () => {
    const { GrpcTransport } = await import('../src/index.ts');
    const { RecordingHandler, RecordingLogger, seededRandom } = await import('./helpers.ts');
    const t = new GrpcTransport({ id: id(1), listenAddress: '127.0.0.1:0', peers: new Map(), logger: new RecordingLogger(), random: seededRandom(1) });
    assert.throws(() => t.send([app(1, 2, 0)]), { code: 'not-started' });
    await t.start(new RecordingHandler());
    await assert.rejects(t.start(new RecordingHandler()), { code: 'already-started' });
    assert.throws(() => t.send([{ ...app(1, 2, 0), type: 'MsgHup' }]), { name: 'TransportAssertionError' });
    assert.throws(() => t.send([app(1, 1, 0)]), { name: 'TransportAssertionError' });
    const closing = t.close();
    assert.equal(t.close(), closing, 'close() is idempotent');
    await closing;
    t.send([app(1, 2, 0)]); // after close: ignored
  });

  it('reports every invalid option at once', async () => {
    const { GrpcTransport, TransportConfigError } = await import('../src/index.ts');
    const { RecordingLogger, seededRandom } = await import('./helpers.ts');
    try {
      new GrpcTransport({
        id: id(1),
        listenAddress: 'nowhere',
        peers: new Map([[id(1), 'x:1'], [id(2), 'bad']]),
        logger: new RecordingLogger(),
        random: seededRandom(1),
        limits: { maxQueuedMessages: 0, snapshotChunkBytes: 64 * 1024 * 1024 },
        timing: { reconnectInitialMs: 10_000, reconnectMaxMs: 10 },
      });
      assert.fail('accepted invalid options');
    } catch (e) {
      assert.ok(e instanceof TransportConfigError);
      assert.equal(e.problems.length, 6, e.problems.join('\n'));
    }
  });
});
