// A request that cannot complete (its leader lost the quorum) is answered with
// etcd's "request timed out" once --request-timeout passes, and leaves nothing
// pending behind it; a client that gives up first cancels its request.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as api from '@logbook/etcd-api';
import { freePorts } from '@logbook/etcd-client/testing';
import { discardLogger } from '@logbook/raft';
import { parseStoreConfig } from '../src/config.ts';
import { startStore, type RunningStore } from '../src/store-member.ts';

const REQUEST_TIMEOUT_MS = 600;


function unary(client: grpc.Client, method: string, request: Uint8Array, deadlineMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      method,
      (b: Uint8Array) => Buffer.from(b),
      (b: Buffer) => b,
      request,
      new grpc.Metadata(),
      { deadline: Date.now() + deadlineMs },
      (err, res) => (err === null && res !== undefined ? resolve(res) : reject(err ?? new Error('no response'))),
    );
  });
}

test('a leader without its quorum answers writes and linearizable reads with "request timed out" and keeps nothing pending', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logbook-timeout-'));
  const ports = await freePorts(6);
  const cluster = [0, 1, 2].map((i) => `s${i + 1}=http://127.0.0.1:${ports[3 + i]!}`).join(',');
  const start = async (i: number): Promise<RunningStore> => {
    const parsed = parseStoreConfig([
      '--name', `s${i + 1}`, '--data-dir', join(dir, `s${i + 1}`),
      '--listen-client-urls', `http://127.0.0.1:${ports[i]!}`, '--advertise-client-urls', `http://127.0.0.1:${ports[i]!}`,
      '--listen-peer-urls', `http://127.0.0.1:${ports[3 + i]!}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${ports[3 + i]!}`,
      '--initial-cluster', cluster,
      // A long election timeout keeps the old leader leading (check-quorum steps it down only after one).
      '--heartbeat-interval', '100', '--election-timeout', '3000',
      '--request-timeout', `${REQUEST_TIMEOUT_MS}ms`,
    ]);
    if (parsed.kind !== 'config') assert.fail(JSON.stringify(parsed));
    return startStore(parsed.config, discardLogger);
  };
  // Two of three members: a quorum, so one of them leads.
  const members = [await start(0), await start(1)];
  const clients: grpc.Client[] = [];
  try {
    let leader: RunningStore | undefined;
    for (const deadline = Date.now() + 20_000; leader === undefined; ) {
      if (Date.now() > deadline) assert.fail('no leader');
      leader = members.find((m) => m.store.isLeader);
      await new Promise((r) => setTimeout(r, 20));
    }
    const leaderIndex = members.indexOf(leader);
    const client = new grpc.Client(`127.0.0.1:${ports[leaderIndex]!}`, grpc.credentials.createInsecure());
    clients.push(client);
    const put = (key: string, deadlineMs = 10_000): Promise<Buffer> =>
      unary(client, '/etcdserverpb.KV/Put', api.encodePutRequest({ key: Buffer.from(key), value: Buffer.from('v') }), deadlineMs);
    const range = (key: string): Promise<Buffer> => unary(client, '/etcdserverpb.KV/Range', api.encodeRangeRequest({ key: Buffer.from(key) }), 10_000);
    await put('/before');

    // The leader's only peer goes away: nothing can commit any more.
    await members[1 - leaderIndex]!.close();
    const timedOut = (e: grpc.ServiceError): boolean => e.code === grpc.status.UNAVAILABLE && e.details === 'etcdserver: request timed out';
    const startedAt = performance.now();
    await assert.rejects(put('/during'), timedOut);
    const elapsed = performance.now() - startedAt;
    assert.ok(elapsed >= REQUEST_TIMEOUT_MS - 20 && elapsed < REQUEST_TIMEOUT_MS + 2_000, `timed out after ${elapsed.toFixed(0)} ms`);
    await assert.rejects(range('/before'), timedOut);
    const idle = async (what: string, withinMs: number): Promise<void> => {
      for (const deadline = Date.now() + withinMs; ; ) {
        const s = leader.store.node.status();
        if (s.pendingProposals === 0 && s.pendingReads === 0) return;
        if (Date.now() > deadline) assert.fail(`${what}: still pending ${s.pendingProposals} proposals, ${s.pendingReads} reads`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    await idle('after the timeouts', 1_000);
    // A client whose own deadline comes first cancels its call: the member lets
    // go of it at once, well before its own timeout would.
    const sentAt = performance.now();
    await assert.rejects(put('/cancelled', 50), (e: grpc.ServiceError) => e.code === grpc.status.DEADLINE_EXCEEDED);
    await idle('after the cancel', REQUEST_TIMEOUT_MS / 2 - (performance.now() - sentAt));

    // The member still serves serializable reads.
    const local = api.decodeRangeResponse(await unary(client, '/etcdserverpb.KV/Range', api.encodeRangeRequest({ key: Buffer.from('/before'), serializable: true }), 10_000));
    assert.equal(local.response.kvs.length, 1);
  } finally {
    for (const c of clients) c.close();
    for (const m of members) await m.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
