// A Range answered from stored wire bytes (encodeRangeWireResponse, KeyValues
// from the MVCC layer's own mvccpb.KeyValue encoder) must decode — with the
// generated protobufjs code that etcd's clients' schema gives — to exactly
// what the protobufjs-encoded answer decodes to.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import $protobuf from 'protobufjs/minimal.js';
import { seededRandom } from '@logbook/raft/core';
import { encodeKeyValueWire, type KeyValue, type RangeResponse } from '@logbook/mvcc';
import { decodeKeyValue, decodeRangeResponse, encodeKeyValue, encodeRangeResponse, encodeRangeWireResponse } from '../src/index.ts';
import { ID, kvA, kvB, te } from './fixtures.ts';

function wireOf(r: RangeResponse): Parameters<typeof encodeRangeWireResponse>[0] {
  // RangeResponse field 2 per KeyValue, framed by protobufjs's writer (not ours).
  const w = $protobuf.Writer.create();
  for (const kv of r.kvs) w.uint32(0x12).bytes(encodeKeyValueWire(kv));
  return { header: r.header, kvsField: w.finish(), kvCount: r.kvs.length, more: r.more, count: r.count };
}

/** Uniform in [0, 1), seeded (the project's mulberry32). */
function rng(seed: number): () => number {
  const next = seededRandom(seed);
  return () => next(2 ** 32) / 2 ** 32;
}

function randomKv(random: () => number): KeyValue {
  const big = (): number => (random() < 0.3 ? Math.floor(random() * Number.MAX_SAFE_INTEGER) : Math.floor(random() * 1000));
  const bytes = (max: number): Uint8Array => Uint8Array.from({ length: Math.floor(random() * max) }, () => Math.floor(random() * 256));
  const createRevision = 1 + big();
  return {
    key: Uint8Array.from([1 + Math.floor(random() * 255), ...bytes(40)]),
    createRevision,
    modRevision: createRevision + Math.floor(random() * 100),
    version: 1 + Math.floor(random() * 50),
    value: bytes(random() < 0.1 ? 70_000 : 300),
    lease: random() < 0.5 ? 0 : big(),
  };
}

test('encodeKeyValueWire decodes, through protobufjs, to the KeyValue it encoded', () => {
  const random = rng(7);
  for (const kv of [kvA, kvB, ...Array.from({ length: 500 }, () => randomKv(random))]) {
    assert.deepEqual(decodeKeyValue(encodeKeyValueWire(kv)), kv);
    assert.deepEqual(decodeKeyValue(encodeKeyValue(kv)), kv);
  }
});

test('encodeRangeWireResponse decodes to what encodeRangeResponse decodes to', () => {
  const random = rng(11);
  const cases: RangeResponse[] = [
    { header: { revision: 1 }, kvs: [], more: false, count: 0 },
    { header: { revision: 9 }, kvs: [kvA, kvB], more: true, count: 5 },
    { header: { revision: Number.MAX_SAFE_INTEGER }, kvs: [], more: false, count: 3 },
  ];
  for (let i = 0; i < 50; i++) {
    const kvs = Array.from({ length: Math.floor(random() * 20) }, () => randomKv(random));
    cases.push({ header: { revision: 1 + Math.floor(random() * 1e9) }, kvs, more: random() < 0.5, count: kvs.length + Math.floor(random() * 3) });
  }
  for (const r of cases) {
    const want = decodeRangeResponse(encodeRangeResponse(r, ID));
    const w = wireOf(r);
    assert.deepEqual(decodeRangeResponse(encodeRangeWireResponse(w, ID)), want);
    // With free room around the kvs, the answer is framed in place (a view of the same buffer)...
    const buf = new Uint8Array(64 + w.kvsField.length + 16).fill(0xee);
    buf.set(w.kvsField, 64);
    const kvsField = buf.subarray(64, 64 + w.kvsField.length);
    const inPlace = encodeRangeWireResponse({ ...w, kvsField, kvsFieldRoom: { before: 64, after: 16 } }, ID);
    assert.equal(inPlace.buffer, buf.buffer);
    assert.deepEqual(decodeRangeResponse(inPlace), want);
    // ...and with too little room, copied.
    const copied = encodeRangeWireResponse({ ...w, kvsField, kvsFieldRoom: { before: 2, after: 0 } }, ID);
    assert.notEqual(copied.buffer, buf.buffer);
    assert.deepEqual(decodeRangeResponse(copied), want);
  }
  assert.deepEqual(decodeRangeResponse(encodeRangeWireResponse(wireOf(cases[1]!), ID)).response.kvs.map((kv) => kv.key), [kvA.key, te('b')]);
});
