// KV and Lease calls against a real single-member etcd.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EtcdClient } from '../src/client.ts';
import { FAST_ELECTION_FLAGS, startEtcd } from '../src/testing/etcd-server.ts';
import type { EtcdCluster } from '../src/testing/etcd-server.ts';
import { prefixEnd, rejectsWith, td, te } from './helpers.ts';

let etcd: EtcdCluster;
let client: EtcdClient;

before(async () => {
  etcd = await startEtcd({ members: 1, extraFlags: FAST_ELECTION_FLAGS });
  client = EtcdClient.connect({ endpoints: etcd.members.map((m) => m.clientUrl), requestTimeoutMs: 5_000 });
});

after(async () => {
  client.close();
  await etcd.stop();
});

describe('EtcdClient KV against etcd', () => {
  it('puts and reads back a key, with exact member ids in the header', async () => {
    const put = await client.put({ key: te('/kv/a'), value: te('1') });
    assert.ok(put.response.header.revision > 1);
    assert.equal(put.header.revision, put.response.header.revision);
    assert.ok(put.header.memberId > 0n && put.header.clusterId > 0n);

    for (const serializable of [false, true]) {
      const got = await client.range({ key: te('/kv/a'), serializable });
      assert.equal(got.response.count, 1);
      const kv = got.response.kvs[0]!;
      assert.equal(td(kv.key), '/kv/a');
      assert.equal(td(kv.value), '1');
      assert.equal(kv.modRevision, put.response.header.revision);
      assert.equal(kv.version, 1);
      assert.equal(got.header.memberId, put.header.memberId);
    }

    const status = await client.status();
    assert.equal(status.header.memberId, put.header.memberId);
    assert.equal(status.leader, put.header.memberId);
    assert.match(status.version, /^3\./);
    assert.ok(status.raftIndex > 0 && status.dbSize > 0);
  });

  it('ranges over a prefix with limit, sort and prevKv on overwrite', async () => {
    for (const k of ['c', 'a', 'b']) await client.put({ key: te(`/prefix/${k}`), value: te(k) });
    const first = await client.range({ key: te('/prefix/'), rangeEnd: prefixEnd('/prefix/'), limit: 2, sortOrder: 'DESCEND', sortTarget: 'KEY' });
    assert.deepEqual(first.response.kvs.map((kv) => td(kv.key)), ['/prefix/c', '/prefix/b']);
    assert.equal(first.response.more, true);
    assert.equal(first.response.count, 3);
    const keysOnly = await client.range({ key: te('/prefix/'), rangeEnd: prefixEnd('/prefix/'), keysOnly: true });
    assert.ok(keysOnly.response.kvs.every((kv) => kv.value.length === 0));

    const over = await client.put({ key: te('/prefix/a'), value: te('a2'), prevKv: true });
    assert.equal(td(over.response.prevKv!.value), 'a');
  });

  it('deletes a range and returns the previous values', async () => {
    for (const k of ['x', 'y']) await client.put({ key: te(`/del/${k}`), value: te(k) });
    const del = await client.deleteRange({ key: te('/del/'), rangeEnd: prefixEnd('/del/'), prevKv: true });
    assert.equal(del.response.deleted, 2);
    assert.deepEqual(del.response.prevKvs.map((kv) => td(kv.value)).sort(), ['x', 'y']);
    assert.equal((await client.range({ key: te('/del/'), rangeEnd: prefixEnd('/del/') })).response.count, 0);
  });

  it('compares and swaps on mod_revision in a txn', async () => {
    const key = te('/cas/k');
    const put = await client.put({ key, value: te('v1') });
    const rev = put.response.header.revision;
    const ok = await client.txn({
      compare: [{ key, target: 'MOD', result: 'EQUAL', modRevision: rev }],
      success: [{ type: 'put', request: { key, value: te('v2') } }],
      failure: [{ type: 'range', request: { key } }],
    });
    assert.equal(ok.response.succeeded, true);
    assert.equal(ok.response.responses[0]?.type, 'put');

    const stale = await client.txn({
      compare: [{ key, target: 'MOD', result: 'EQUAL', modRevision: rev }],
      success: [{ type: 'put', request: { key, value: te('v3') } }],
      failure: [{ type: 'range', request: { key } }],
    });
    assert.equal(stale.response.succeeded, false);
    const r = stale.response.responses[0];
    assert.ok(r?.type === 'range');
    assert.equal(td(r.response.kvs[0]!.value), 'v2');
    assert.equal(r.response.kvs[0]!.modRevision, ok.response.header.revision);
  });

  it('reports etcd\'s errors with their gRPC code and a named reason', async () => {
    const key = te('/cmp/k');
    await client.put({ key, value: te('1') });
    const { response } = await client.put({ key, value: te('2') });
    await client.compact({ revision: response.header.revision });
    await rejectsWith(client.range({ key, revision: response.header.revision - 1 }), 'OutOfRange', 'compacted');
    await rejectsWith(client.range({ key, revision: response.header.revision + 1000 }), 'OutOfRange', 'futureRev');
    await rejectsWith(
      client.txn({ success: [{ type: 'put', request: { key } }, { type: 'put', request: { key } }] }),
      'InvalidArgument',
      'duplicateKey',
    );
    await rejectsWith(client.leaseRevoke({ id: 123456789 }), 'NotFound', 'leaseNotFound');
  });

  it('rejects a request it cannot encode without sending it', async () => {
    const e = await rejectsWith(client.range({ key: te('k'), revision: 2 ** 60 }), 'InvalidArgument');
    assert.match(e.details, /revision/);
    assert.equal(e.endpoint, '');
  });

  it('grants a lease, attaches a key, and revoking it deletes the key', async () => {
    const grant = await client.leaseGrant({ id: 0, ttl: 60 });
    assert.ok(grant.response.id > 0);
    assert.equal(grant.response.ttl, 60);
    const key = te('/lease/k');
    await client.put({ key, value: te('v'), lease: grant.response.id });
    assert.equal((await client.range({ key })).response.kvs[0]?.lease, grant.response.id);
    await client.leaseRevoke({ id: grant.response.id });
    assert.equal((await client.range({ key })).response.count, 0);
  });

  it('picks lease ids itself (below 2^53) and retries once on a collision', async () => {
    const draws = [0, 0, 0.5];
    const c = EtcdClient.connect({ endpoints: etcd.endpoints, random: () => draws.shift() ?? 0.25 });
    try {
      const a = await c.leaseGrant({ id: 0, ttl: 30 });
      assert.equal(a.response.id, 1);
      const b = await c.leaseGrant({ id: 0, ttl: 30 });
      assert.equal(b.response.id, Math.floor(0.5 * Number.MAX_SAFE_INTEGER) + 1);
      assert.equal(draws.length, 0);
      await rejectsWith(c.leaseGrant({ id: 1, ttl: 30 }), 'FailedPrecondition', 'leaseExist');
    } finally {
      c.close();
    }
  });

  it('keeps many calls in flight on one channel', async () => {
    const n = 200;
    const puts = await Promise.all(Array.from({ length: n }, (_, i) => client.put({ key: te(`/many/${i}`), value: te(String(i)) })));
    assert.equal(new Set(puts.map((p) => p.response.header.revision)).size, n);
    assert.equal((await client.range({ key: te('/many/'), rangeEnd: prefixEnd('/many/'), countOnly: true })).response.count, n);
  });

  it('honours an AbortSignal and rejects calls after close', async () => {
    const ac = new AbortController();
    ac.abort();
    await rejectsWith(client.range({ key: te('x') }, { signal: ac.signal }), 'Canceled');
    const other = EtcdClient.connect({ endpoints: etcd.endpoints });
    other.close();
    await rejectsWith(other.range({ key: te('x') }), 'Canceled', 'clientClosed');
  });
});
