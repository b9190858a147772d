// A watch stream whose client stops reading: the member's writer waits for
// the stream to drain, the watchers' queues fill and fall back to history,
// and once the client reads again every watcher gets every event, in order,
// once. (One member, in process; the client is raw HTTP/2 so that it can
// stop reading.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as http2 from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as api from '@logbook/etcd-api';
import { EtcdClient } from '@logbook/etcd-client';
import { freePorts } from '@logbook/etcd-client/testing';
import { discardLogger } from '@logbook/raft';
import { parseStoreConfig } from '../src/config.ts';
import { startStore } from '../src/store-member.ts';

const te = (s: string): Uint8Array => new TextEncoder().encode(s);

function frame(message: Uint8Array): Buffer {
  const out = Buffer.alloc(5 + message.byteLength);
  out.writeUInt32BE(message.byteLength, 1);
  out.set(message, 5);
  return out;
}

test('a watch stream that stops reading holds only its own watchers back, and they miss nothing', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logbook-watch-bp-'));
  const [clientPort, peerPort] = await freePorts(2);
  const parsed = parseStoreConfig([
    '--name', 's1', '--data-dir', join(dir, 's1'),
    '--listen-client-urls', `http://127.0.0.1:${clientPort!}`, '--advertise-client-urls', `http://127.0.0.1:${clientPort!}`,
    '--listen-peer-urls', `http://127.0.0.1:${peerPort!}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peerPort!}`,
    '--initial-cluster', `s1=http://127.0.0.1:${peerPort!}`,
  ]);
  if (parsed.kind !== 'config') assert.fail(JSON.stringify(parsed));
  const member = await startStore(parsed.config, discardLogger);
  const client = EtcdClient.connect({ endpoints: [`127.0.0.1:${clientPort!}`], requestTimeoutMs: 10_000 });
  const session = http2.connect(`http://127.0.0.1:${clientPort!}`);
  try {
    for (const deadline = Date.now() + 10_000; !member.store.isLeader; await new Promise((r) => setTimeout(r, 10))) {
      if (Date.now() > deadline) assert.fail('the member did not elect itself');
    }
    const WATCHERS = 8;
    const PUTS = 300;
    const value = new Uint8Array(16 * 1024).fill(0x61); // 8 x 300 x 16 KiB: far more than the stream buffers
    const stream = session.request({ ':method': 'POST', ':path': '/etcdserverpb.Watch/Watch', 'content-type': 'application/grpc', te: 'trailers' });
    let buffered = Buffer.alloc(0);
    const responses: ReturnType<typeof api.decodeWatchResponse>['response'][] = [];
    stream.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 5 && buffered.length >= 5 + buffered.readUInt32BE(1)) {
        const n = buffered.readUInt32BE(1);
        responses.push(api.decodeWatchResponse(buffered.subarray(5, 5 + n)).response);
        buffered = buffered.subarray(5 + n);
      }
    });
    for (let i = 0; i < WATCHERS; i++) {
      stream.write(frame(api.encodeWatchRequest({ type: 'create', create: { key: te('/bp/'), rangeEnd: te('/bp0') } })));
    }
    for (const deadline = Date.now() + 10_000; responses.filter((r) => r.created).length < WATCHERS; await new Promise((r) => setTimeout(r, 10))) {
      if (Date.now() > deadline) assert.fail('watchers not created');
    }
    stream.pause(); // stop reading: HTTP/2 flow control soon stops the member's writes

    // Another client's watch on the same member is not held back meanwhile.
    const other = client.watch({ key: te('/bp/'), rangeEnd: te('/bp0') });
    await other.created;
    let otherSeen = 0;
    const otherDone = (async () => {
      for await (const r of other) {
        otherSeen += r.events.length;
        if (otherSeen === PUTS) break;
      }
    })();

    const revisions: number[] = [];
    for (let i = 0; i < PUTS; i++) revisions.push((await client.put({ key: te(`/bp/${i % 10}`), value })).header.revision);
    await otherDone;
    assert.equal(otherSeen, PUTS, 'the reading client got every event while the other stream was stalled');
    const whileStalled = responses.filter((r) => r.events.length > 0).length;
    assert.ok(whileStalled < WATCHERS * PUTS, 'the stalled stream had not received everything');

    stream.resume();
    const events = new Map<number, number[]>();
    for (const deadline = Date.now() + 30_000; ; await new Promise((r) => setTimeout(r, 20))) {
      events.clear();
      for (const r of responses) for (const e of r.events) events.set(r.watchId, [...(events.get(r.watchId) ?? []), e.kv.modRevision]);
      if ([...events.values()].every((revs) => revs.length >= PUTS) && events.size === WATCHERS) break;
      if (Date.now() > deadline) assert.fail(`after resuming: ${[...events.values()].map((v) => v.length).join(',')} events of ${PUTS}`);
    }
    for (const [id, revs] of events) assert.deepEqual(revs, revisions, `watcher ${id}: every event once, in revision order`);
    stream.close();
  } finally {
    session.destroy();
    client.close();
    await member.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
