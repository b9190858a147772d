// The client API over an in-process cluster (RaftNode over LocalNetwork and
// MemoryPersistence); the real processes are exercised in e2e/.

import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';

import { LocalNetwork, MemoryPersistence, RaftNode, discardLogger, nodeId, type NodeId } from '@logbook/raft';
import { KvClient, KvService, KvStateMachine, PipelineClient, createHttpApi, type KvResult } from '../src/index.ts';

interface Running {
  id: NodeId;
  node: RaftNode<KvResult>;
  server: Server;
  client: KvClient;
  url: string;
}

const network = new LocalNetwork();
const members: Running[] = [];
let seed = 1;
const random = (n: number): number => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed % n;
};

before(async () => {
  const ids = [1, 2, 3].map(nodeId);
  const peers = new Map(ids.map((id) => [id, `local:${id}`] as const));
  for (const id of ids) {
    const sm = new KvStateMachine();
    const node = await RaftNode.start<KvResult>({
      config: { id, electionTicks: 10, heartbeatTicks: 1, maxSizePerMsgBytes: 1 << 20, maxInflightMsgs: 64, maxUncommittedEntriesBytes: 1 << 24, checkQuorum: true, preVote: true },
      persistence: MemoryPersistence.bootstrap({ voters: ids, learners: [] }),
      transport: network.transport(id, peers),
      stateMachine: sm,
      tickIntervalMs: 10,
      snapshotCount: 1000,
      snapshotCatchUpEntries: 10,
      maxPendingProposals: 8,
      addresses: peers,
      logger: discardLogger,
      random,
    });
    const server = createHttpApi({ service: new KvService(node, sm), logger: discardLogger, requestTimeoutMs: 2000, maxBodyBytes: 1024, maxPipelineInFlight: 64 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    members.push({ id, node, server, url, client: new KvClient(url) });
  }
  const deadline = Date.now() + 5000;
  while (!members.every((m) => m.node.status().lead !== 0 && m.node.status().lead === members[0]!.node.status().lead)) {
    if (Date.now() > deadline) throw new Error('no leader');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
});

after(async () => {
  for (const m of members) {
    m.client.close();
    m.server.close();
    m.server.closeAllConnections();
  }
  await Promise.all(members.map((m) => m.node.close()));
});

const leader = (): Running => members.find((m) => m.node.status().raftState === 'leader')!;
const followers = (): Running[] => members.filter((m) => m.node.status().raftState !== 'leader');

test('a write through a follower is readable (linearizably) through every member', async () => {
  const [f1, f2] = followers();
  const put = await f1!.client.put('greeting', 'hello');
  assert.equal(put.status, 200);
  assert.deepEqual((put.body as { prev: unknown }).prev, null);
  for (const m of [f2!, leader(), f1!]) {
    const got = await m.client.get('greeting');
    assert.equal(got.status, 200);
    assert.equal((got.body as { value: string }).value, 'hello');
  }
  const missing = await f2!.client.get('nope');
  assert.equal(missing.status, 404);
});

test('compare-and-swap and delete', async () => {
  const c = leader().client;
  assert.equal((await c.put('cas', 'v1', '?prevExist=false')).status, 200);
  const conflict = await c.put('cas', 'v2', '?prevExist=false');
  assert.equal(conflict.status, 412);
  assert.equal((conflict.body as { current: string }).current, 'v1');
  assert.equal((await c.put('cas', 'v2', '?prevValue=v1')).status, 200);
  assert.equal((await c.put('cas', 'v3', '?prevValue=v1')).status, 412);
  const del = await c.delete('cas');
  assert.equal(del.status, 200);
  assert.equal((del.body as { prev: string }).prev, 'v2');
  assert.equal((await c.get('cas')).status, 404);
});

test('bad requests get 4xx with a JSON error and change nothing', async () => {
  const c = leader().client;
  const tooBig = await c.put('big', 'x'.repeat(2000));
  assert.equal(tooBig.status, 413);
  assert.equal((tooBig.body as { error: { code: string } }).error.code, 'too-large');
  assert.equal((await c.get('big')).status, 404);
  assert.equal((await c.put('k', 'v', '?prevExist=true')).status, 400);
  const res = await fetch(`${leader().url}/nowhere`);
  assert.equal(res.status, 404);
  const bad = await fetch(`${leader().url}/kv/%E0%A4%A`);
  assert.equal(bad.status, 400);
  const method = await fetch(`${leader().url}/kv/x`, { method: 'POST' });
  assert.equal(method.status, 405);
});

test('GET /status reports the raft state', async () => {
  const s = await members[0]!.client.status();
  assert.equal(s.id, 1);
  assert.ok(s.lead !== 0);
  assert.ok(s.applied >= 1);
});

test('the NDJSON pipeline answers every line, matched by id', async () => {
  const p = new PipelineClient(followers()[0]!.url);
  const n = 40;
  const puts = await Promise.all(Array.from({ length: n }, (_, i) => p.send({ op: 'put', key: `p${i}`, value: `v${i}` })));
  // maxPendingProposals is 8: some lines may be refused with 429, none lost.
  assert.equal(puts.length, n);
  for (const r of puts) assert.ok(r.status === 200 || r.status === 429, JSON.stringify(r));
  assert.ok(puts.some((r) => r.status === 200));
  const ok = puts.filter((r) => r.status === 200).length;
  const gets = await Promise.all(Array.from({ length: n }, (_, i) => p.send({ op: 'get', key: `p${i}` })));
  assert.equal(gets.filter((r) => r.status === 200).length, ok);
  const bad = await p.send({ op: 'put', key: '', value: 'x' });
  assert.equal(bad.status, 400);
  await p.close();
});

test('beyond maxPendingProposals a member answers 429 with Retry-After', async () => {
  const l = leader();
  // Without its followers the leader cannot commit, so proposals stay pending.
  for (const f of followers()) network.isolate(f.id);
  try {
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        fetch(`${l.url}/kv/stuck${i}`, { method: 'PUT', body: 'v', signal: AbortSignal.timeout(300) }).catch(() => undefined),
      ),
    );
    const limited = responses.filter((r) => r?.status === 429);
    assert.equal(limited.length, 4, 'maxPendingProposals is 8: the other 4 are refused at once');
    assert.equal(limited[0]!.headers.get('retry-after'), '1');
  } finally {
    for (const f of followers()) network.heal(f.id);
  }
});
