// The store e2e harness's pure parts: what it reads from etcdctl and from
// the wire must be right, or the end-to-end tests check the wrong thing.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { BoundedLog } from '../src/bounded-log.ts';
import { errorLine } from '../src/etcdctl.ts';
import { asBigInt, asInt, headerRevision, keyValue, leaseHex, memberHex, parseEtcdJson } from '../src/etcd-json.ts';
import { decodeResponseHeader, encodePutRequest } from '../src/proto-wire.ts';
import { parseStoreImpls } from '../src/store-impls.ts';

test('STORE_IMPL: logbook by default, etcd, both; anything else is refused', () => {
  assert.deepEqual(parseStoreImpls(undefined), ['logbook']);
  assert.deepEqual(parseStoreImpls(''), ['logbook']);
  assert.deepEqual(parseStoreImpls('etcd'), ['etcd']);
  assert.deepEqual(parseStoreImpls(' logbook '), ['logbook']);
  assert.deepEqual(parseStoreImpls('both'), ['logbook', 'etcd']);
  for (const bad of ['ETCD', 'etcd,logbook', 'all', 'x']) assert.throws(() => parseStoreImpls(bad), /STORE_IMPL must be one of/);
});

test('etcdctl JSON: uint64 ids stay exact, small integers stay numbers, base64 bytes decode', () => {
  const doc = parseEtcdJson(
    '{"header":{"cluster_id":691680973887316180,"member_id":13926199825453744630,"revision":7,"raft_term":2},' +
      '"kvs":[{"key":"azE=","create_revision":5,"mod_revision":6,"version":2,"value":"djE=","lease":4660}],"count":1}',
  );
  const header = (doc as { header: Record<string, unknown> }).header;
  assert.equal(header.member_id, 13926199825453744630n);
  assert.equal(header.cluster_id, 691680973887316180n);
  assert.equal(header.raft_term, 2, 'safe integers stay numbers');
  assert.equal(asBigInt(header.raft_term, 'raft_term'), 2n);
  assert.equal(headerRevision(doc), 7);
  assert.deepEqual(keyValue((doc as { kvs: unknown[] }).kvs[0]), { key: 'k1', value: 'v1', createRevision: 5, modRevision: 6, version: 2, lease: 4660n });
  assert.equal(asInt(undefined, 'count'), 0, 'omitempty: absent is zero');
  assert.throws(() => asInt(13926199825453744630n, 'revision'), /safe integer/);
  assert.throws(() => parseEtcdJson('Error: no leader\n'), /printed no JSON/);
});

test('etcdctl prints lease ids zero-padded to 16 hex digits and member ids unpadded', () => {
  assert.equal(leaseHex(0x1234n), '0000000000001234');
  assert.equal(memberHex(0xa0383cd6e194b8n), 'a0383cd6e194b8');
  assert.equal(memberHex(13926199825453744630n), 'c143ccf5034701f6');
});

test('errorLine: the last "Error: " line, without the client library JSON logs', () => {
  const stderr =
    '{"level":"warn","msg":"retrying of unary invoker failed","error":"rpc error: code = NotFound"}\n' +
    'Error: failed to revoke lease (etcdserver: requested lease not found)\n';
  assert.equal(errorLine(stderr), 'Error: failed to revoke lease (etcdserver: requested lease not found)');
  assert.equal(errorLine('all good\n'), '');
});

test('proto wire: PutRequest bytes; the header read out of a response', () => {
  assert.deepEqual([...encodePutRequest(Buffer.from('k'), Buffer.from('vv'))], [0x0a, 1, 0x6b, 0x12, 2, 0x76, 0x76]);
  const long = encodePutRequest(Buffer.alloc(200, 1), Buffer.alloc(0));
  assert.deepEqual([...long.subarray(0, 3)], [0x0a, 0xc8, 0x01], 'a two-byte length varint');
  assert.equal(long.length, 3 + 200 + 2);

  // PutResponse{header{cluster_id=1, member_id=2^64-1, revision=300, raft_term=4}, prev_kv (field 2, skipped)}
  const header = [0x08, 0x01, 0x10, ...Array<number>(9).fill(0xff), 0x01, 0x18, 0xac, 0x02, 0x20, 0x04];
  const response = Uint8Array.from([0x0a, header.length, ...header, 0x12, 0x00]);
  assert.deepEqual(decodeResponseHeader(response), { memberId: (1n << 64n) - 1n, revision: 300, raftTerm: 4 });
  assert.deepEqual(decodeResponseHeader(new Uint8Array(0)), { memberId: 0n, revision: 0, raftTerm: 0 });
  assert.throws(() => decodeResponseHeader(Uint8Array.from([0x0a, 0x05, 0x08])), /runs past the message/);
  assert.throws(() => decodeResponseHeader(Uint8Array.from([0x08, 0xff])), /truncated varint/);
});

test('BoundedLog keeps the newest output within its bound and says what it dropped', () => {
  const log = new BoundedLog(10);
  log.append('aaaa\n');
  log.append('bbbb\n');
  log.append('cccc\n');
  assert.equal(log.tail(10), '[5 earlier bytes dropped]\nbbbb\ncccc\n');
  assert.equal(log.tail(2), '[5 earlier bytes dropped]\n[1 earlier lines not shown]\ncccc\n');
  assert.throws(() => new BoundedLog(0), RangeError);
});
