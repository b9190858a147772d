// rangeWire answers what range answers, in etcd's wire form: for random
// histories and random Range requests, the KeyValues parsed back out of its
// `kvs` field bytes equal range()'s, with the same count and more, on both
// engines (LMDB's rangeInto copies values into the answer without a KeyValue
// object, the in-memory engine through the same contract; keys_only leaves
// the value field out of those bytes).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LmdbBackend, MemoryBackend, type Backend } from '@logbook/backend';
import { MvccStore, encodeKeyValueWire, type KeyValue, type MvccRequest, type RangeRequest, type RangeWireResponse } from '../src/index.ts';
import { decodeRecord } from '../src/encoding.ts';
import { wireBufferPool } from '../src/wire-kvs.ts';
import { rng } from './harness.ts';

const te = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Parses RangeResponse.kvs entries (tag 0x12, varint length, bytes) back into KeyValues. */
function parseKvs(r: RangeWireResponse): KeyValue[] {
  const out: KeyValue[] = [];
  const b = r.kvsField;
  let o = 0;
  while (o < b.length) {
    assert.equal(b[o++], 0x12);
    let len = 0;
    for (let shift = 0; ; shift += 7) {
      const c = b[o++]!;
      len += (c & 0x7f) * 2 ** shift;
      if (c < 0x80) break;
    }
    // A record is a kind byte (1 = put) followed by these very bytes.
    out.push(decodeRecord(Uint8Array.from([1, ...b.subarray(o, o + len)])).kv);
    o += len;
  }
  assert.equal(out.length, r.kvCount);
  return out;
}

function history(store: MvccStore, random: () => number): void {
  const keys = ['a', 'a/1', 'a/2', 'ab', 'b', 'b\u0000x', 'c', 'z'];
  let index = 1;
  const apply = (req: MvccRequest): void => {
    store.apply(index++, req);
  };
  apply({ type: 'leaseGrant', request: { id: 7, ttl: 100 } });
  for (let i = 0; i < 120; i++) {
    const key = te(keys[Math.floor(random() * keys.length)]!);
    const roll = random();
    if (roll < 0.65) {
      const value = te('v'.repeat(Math.floor(random() * 300)));
      apply({ type: 'put', request: { key, value, ...(random() < 0.2 ? { lease: 7 } : {}) } });
    } else if (roll < 0.85) {
      apply({ type: 'deleteRange', request: { key } });
    } else if (roll < 0.9) {
      apply({ type: 'deleteRange', request: { key: te('a/'), rangeEnd: te('a0') } });
    } else {
      apply({ type: 'put', request: { key, value: new Uint8Array(0) } });
    }
  }
  apply({ type: 'compaction', request: { revision: 20 } });
}

function randomRequest(random: () => number, current: number): RangeRequest {
  const bounds: [string, string | undefined][] = [['a', undefined], ['a', 'b'], ['a/', 'a0'], ['\u0000', '\u0000'], ['b', '\u0000'], ['zz', undefined], ['c', 'a']];
  const [key, end] = bounds[Math.floor(random() * bounds.length)]!;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  return {
    key: te(key),
    ...(end === undefined ? {} : { rangeEnd: te(end) }),
    ...(random() < 0.4 ? { limit: pick([1, 2, 3, 100]) } : {}),
    ...(random() < 0.3 ? { revision: 20 + Math.floor(random() * (current - 19)) } : {}),
    ...(random() < 0.1 ? { countOnly: true } : {}),
    ...(random() < 0.3 ? { keysOnly: true } : {}),
    ...(random() < 0.15 ? { sortOrder: pick(['ASCEND', 'DESCEND'] as const), sortTarget: pick(['KEY', 'MOD', 'VALUE'] as const) } : {}),
    ...(random() < 0.1 ? { minModRevision: 40 } : {}),
  };
}

for (const [name, open] of [
  ['memory', (): { backend: Backend; done: () => void } => ({ backend: new MemoryBackend(), done: () => {} })],
  ['lmdb', (): { backend: Backend; done: () => void } => {
    const dir = mkdtempSync(join(tmpdir(), 'range-wire-'));
    return { backend: LmdbBackend.open(join(dir, 'db'), { commitSync: 'none' }), done: () => rmSync(dir, { recursive: true, force: true }) };
  }],
] as const) {
  test(`rangeWire equals range for random histories and requests (${name})`, async () => {
    for (let seed = 1; seed <= 5; seed++) {
      const { backend, done } = open();
      try {
        const store = new MvccStore(backend);
        const random = rng(seed);
        history(store, random);
        let nonEmpty = 0;
        for (let i = 0; i < 200; i++) {
          const req = randomRequest(random, store.currentRevision);
          const want = store.range(req);
          const got = store.rangeWire(req);
          const what = JSON.stringify(req, (_k, v: unknown) => (v instanceof Uint8Array ? new TextDecoder().decode(v) : v));
          assert.deepEqual(parseKvs(got), want.kvs, what);
          assert.deepEqual([got.count, got.more, got.header], [want.count, want.more, want.header], what);
          if (want.kvs.length > 0) nonEmpty++;
        }
        assert.ok(nonEmpty > 50, `only ${nonEmpty} of 200 requests returned keys`);
      } finally {
        await backend.close();
        done();
      }
    }
  });
}

test('a long scan grows its answer buffer step by step and answers exactly what range answers (both engines)', async () => {
  for (const [backend, done] of [
    [new MemoryBackend(), (): void => {}],
    (() => {
      const dir = mkdtempSync(join(tmpdir(), 'range-wire-long-'));
      return [LmdbBackend.open(join(dir, 'db'), { commitSync: 'none' }), (): void => rmSync(dir, { recursive: true, force: true })] as const;
    })(),
  ] as const) {
    try {
      const store = new MvccStore(backend);
      const random = rng(7);
      // ~3,000 keys of 0-600 bytes: the 4 KiB buffer grows several times, past a few MB.
      for (let i = 0; i < 3000; i++) {
        store.apply(i + 1, { type: 'put', request: { key: te(`long/${String(i).padStart(5, '0')}`), value: new Uint8Array(Math.floor(random() * 600)).fill(i & 255) } });
      }
      for (const req of [{ key: te('long/'), rangeEnd: te('long0') }, { key: te('long/'), rangeEnd: te('long0'), limit: 2500 }, { key: te('long/01'), rangeEnd: te('long0') }, { key: te('long/'), rangeEnd: te('long0'), keysOnly: true }, { key: te('long/'), rangeEnd: te('long0'), keysOnly: true, limit: 2500 }] as RangeRequest[]) {
        const want = store.range(req);
        const got = store.rangeWire(req);
        assert.deepEqual(parseKvs(got), want.kvs);
        assert.deepEqual([got.count, got.more, got.header], [want.count, want.more, want.header]);
      }
    } finally {
      await backend.close();
      done();
    }
  }
});

test('answer buffers: reused once released, never shared by answers alive at once, the pool bounded', async () => {
  const backend = new MemoryBackend();
  try {
    const store = new MvccStore(backend);
    const random = rng(11);
    for (let i = 0; i < 3000; i++) {
      store.apply(i + 1, { type: 'put', request: { key: te(`pool/${String(i).padStart(5, '0')}`), value: new Uint8Array(Math.floor(random() * 600)).fill(i & 255) } });
    }
    const all: RangeRequest = { key: te('pool/'), rangeEnd: te('pool0') };
    const part: RangeRequest = { key: te('pool/01'), rangeEnd: te('pool/02') };
    const want = store.range(all).kvs;
    for (let i = 0; i < 10 && wireBufferPool.take(0) !== undefined; i++); // empty, whatever earlier tests left
    assert.equal(wireBufferPool.stats.buffers, 0);
    const a = store.rangeWire(all);
    const b = store.rangeWire(all);
    assert.notEqual(a.kvsField.buffer, b.kvsField.buffer);
    const aBuffer = a.kvsField.buffer;
    // (Growing, an answer gives back the smaller buffers it outgrew.)
    const before = wireBufferPool.stats.buffers;
    a.release?.();
    a.release?.(); // idempotent: given back once
    assert.equal(wireBufferPool.stats.buffers, before + 1);
    // The next long answer is written into the released buffer; the one alive is untouched.
    const c = store.rangeWire(all);
    assert.equal(c.kvsField.buffer, aBuffer);
    assert.deepEqual(parseKvs(c), want);
    assert.deepEqual(parseKvs(b), want);
    // A shorter answer in a reused buffer holds exactly its own entries.
    c.release?.();
    const d = store.rangeWire(part);
    assert.equal(d.kvsField.buffer, aBuffer);
    assert.deepEqual(parseKvs(d), store.range(part).kvs);
    // Bounded: at most 4 buffers and 32 MiB kept, whatever is given back.
    const many = Array.from({ length: 6 }, () => store.rangeWire(all));
    for (const r of [b, d, ...many]) r.release?.();
    assert.ok(wireBufferPool.stats.buffers <= 4 && wireBufferPool.stats.bytes <= 32 << 20, JSON.stringify(wireBufferPool.stats));
    assert.ok(wireBufferPool.stats.buffers >= 1);
    // Small answers never touch the pool.
    const kept = wireBufferPool.stats;
    const one = store.rangeWire({ key: te('pool/00001') });
    one.release?.();
    assert.deepEqual(wireBufferPool.stats, kept);
  } finally {
    await backend.close();
  }
});

test('rangeWire refuses what range refuses (compacted, future revision)', () => {
  const store = new MvccStore(new MemoryBackend());
  store.apply(1, { type: 'put', request: { key: te('a'), value: te('1') } });
  store.apply(2, { type: 'put', request: { key: te('a'), value: te('2') } });
  store.apply(3, { type: 'compaction', request: { revision: 3 } });
  assert.throws(() => store.rangeWire({ key: te('a'), revision: 2 }), { kind: 'compacted' });
  assert.throws(() => store.rangeWire({ key: te('a'), revision: 9 }), { kind: 'futureRevision' });
  assert.throws(() => store.rangeWire({ key: new Uint8Array(0) }), { kind: 'emptyKey' });
});

test('encodeKeyValueWire: zero fields are left out, large numbers are varints', () => {
  const kv: KeyValue = { key: te('k'), createRevision: 2 ** 53 - 1, modRevision: 300, version: 1, value: new Uint8Array(0), lease: 0 };
  // key=1 "k"; create_revision=2 (8 varint bytes); mod_revision=3 300; version=4 1; no value, no lease.
  assert.deepEqual([...encodeKeyValueWire(kv)], [0x0a, 1, 0x6b, 0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x18, 0xac, 0x02, 0x20, 1]);
});

test('a single key answered by a point read: a value larger than the answer buffer, a missing key, an older revision', () => {
  const store = new MvccStore(new MemoryBackend());
  const big = new Uint8Array(300_000).fill(0x42);
  store.apply(1, { type: 'put', request: { key: te('big'), value: te('small') } });
  store.apply(2, { type: 'put', request: { key: te('big'), value: big } });
  for (const req of [{ key: te('big') }, { key: te('big'), revision: 2 }, { key: te('big'), revision: 3 }, { key: te('nope') }, { key: te('big'), limit: 1 }] as RangeRequest[]) {
    const want = store.range(req);
    const got = store.rangeWire(req);
    assert.deepEqual(parseKvs(got), want.kvs);
    assert.deepEqual([got.count, got.more], [want.count, want.more]);
  }
  assert.equal(parseKvs(store.rangeWire({ key: te('big') }))[0]!.value.byteLength, 300_000);
});
