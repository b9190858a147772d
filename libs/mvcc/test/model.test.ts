// Randomized checks against a plain reference model of etcd's semantics, and
// determinism: the same log gives byte-identical backends.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KeyValue, MvccRequest, RequestOp } from '../src/index.ts';
import { MvccStore } from '../src/index.ts';
import { TestBackend } from './test-backend.ts';
import { LmdbBackend } from '@logbook/backend';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { b, fmtEvent, fmtKv, fmtResult, parseOp, s, rng } from './harness.ts';

const KEYS = ['a', 'ab', 'b', 'b\\0', 'c', 'd'];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

/** The reference: every change kept forever; reads scan it. */
class Model {
  rev = 1;
  compacted = 0;
  live = new Map<string, KeyValue>();
  history: { main: number; key: string; kv: KeyValue | undefined }[] = [];
  leases = new Map<number, Set<string>>();

  #change(main: number, key: string, kv: KeyValue | undefined): void {
    const prev = this.live.get(key);
    if (prev !== undefined && prev.lease !== 0) this.leases.get(prev.lease)?.delete(key);
    if (kv === undefined) this.live.delete(key);
    else {
      this.live.set(key, kv);
      if (kv.lease !== 0) this.leases.get(kv.lease)!.add(key);
    }
    this.history.push({ main, key, kv });
  }

  put(main: number, key: string, value: string, lease: number): void {
    const prev = this.live.get(key);
    this.#change(main, key, { key: b(key), value: b(value), lease, modRevision: main, createRevision: prev?.createRevision ?? main, version: (prev?.version ?? 0) + 1 });
  }

  del(main: number, start: string, end: string | undefined): number {
    const keys = [...this.live.keys()].filter((k) => inRange(k, start, end)).sort(cmpKeys);
    for (const k of keys) this.#change(main, k, undefined);
    return keys.length;
  }

  rangeAt(start: string, end: string | undefined, rev: number): KeyValue[] {
    const at = new Map<string, KeyValue | undefined>();
    for (const h of this.history) if (h.main <= rev) at.set(h.key, h.kv);
    return [...at.entries()].filter(([k, kv]) => kv !== undefined && inRange(k, start, end)).sort(([x], [y]) => cmpKeys(x, y)).map(([, kv]) => kv!);
  }
}

function cmpKeys(x: string, y: string): number {
  const a = b(x);
  const c = b(y);
  for (let i = 0; i < Math.min(a.length, c.length); i++) if (a[i] !== c[i]) return a[i]! - c[i]!;
  return a.length - c.length;
}

/** end undefined = single key; '\\0' = from key. */
function inRange(k: string, start: string, end: string | undefined): boolean {
  if (end === undefined) return k === start;
  if (end === '\\0') return cmpKeys(k, start) >= 0;
  return cmpKeys(k, start) >= 0 && cmpKeys(k, end) < 0;
}

function randomRequest(r: () => number, m: Model, nextLease: () => number): MvccRequest {
  const x = r();
  const leaseIds = [...m.leases.keys()];
  if (x < 0.35) return { type: 'put', request: { key: b(pick(r, KEYS)), value: b(String(Math.floor(r() * 100))), lease: leaseIds.length > 0 && r() < 0.3 ? pick(r, leaseIds) : 0 } };
  if (x < 0.5) {
    const start = pick(r, KEYS);
    const end = r() < 0.5 ? undefined : pick(r, [...KEYS, '\\0']);
    return { type: 'deleteRange', request: { key: b(start), ...(end !== undefined ? { rangeEnd: b(end) } : {}) } };
  }
  if (x < 0.65) {
    const keys = [...new Set([pick(r, KEYS), pick(r, KEYS), pick(r, KEYS)])];
    const ops: RequestOp[] = keys.map((k) => ({ type: 'put', request: { key: b(k), value: b(`t${Math.floor(r() * 10)}`) } }));
    return { type: 'txn', request: { compare: [{ key: b(pick(r, KEYS)), target: 'VERSION', result: pick(r, ['EQUAL', 'GREATER', 'LESS', 'NOT_EQUAL'] as const), version: Math.floor(r() * 3) }], success: ops, failure: ops.slice(0, 1) } };
  }
  if (x < 0.75) return { type: 'leaseGrant', request: { id: nextLease(), ttl: 10 } };
  if (x < 0.82 && leaseIds.length > 0) return { type: 'leaseRevoke', request: { id: pick(r, leaseIds) } };
  if (x < 0.87 && leaseIds.length > 0) return { type: 'leaseExpire', request: { ids: [pick(r, leaseIds), 999_999] } };
  if (x < 0.92 && m.rev > m.compacted + 1) return { type: 'compaction', request: { revision: m.compacted + 1 + Math.floor(r() * (m.rev - m.compacted)) } };
  return { type: 'range', request: { key: b(pick(r, KEYS)), rangeEnd: b('\\0') } };
}

/** Mirror a successful apply into the model, from the events (their content is checked by the reads). */
function mirror(m: Model, req: MvccRequest, store: MvccStore): void {
  if (req.type === 'leaseGrant') m.leases.set(req.request.id, new Set());
  if (req.type === 'leaseRevoke') m.leases.delete(req.request.id);
  if (req.type === 'leaseExpire') for (const id of req.request.ids) m.leases.delete(id);
  if (req.type === 'compaction') m.compacted = req.request.revision;
  m.rev = store.currentRevision;
}

function applyToModel(m: Model, req: MvccRequest): void {
  const main = m.rev + 1;
  switch (req.type) {
    case 'put': m.put(main, s(req.request.key).replace('\\x00', '\\0'), new TextDecoder().decode(req.request.value), req.request.lease ?? 0); break;
    case 'deleteRange': {
      const end = req.request.rangeEnd;
      m.del(main, s(req.request.key).replace('\\x00', '\\0'), end === undefined ? undefined : end.length === 1 && end[0] === 0 ? '\\0' : s(end).replace('\\x00', '\\0'));
      break;
    }
    case 'txn': {
      const c = req.request.compare![0]!;
      assert.ok(c.target === 'VERSION');
      const v = m.live.get(s(c.key).replace('\\x00', '\\0'))?.version ?? 0;
      const d = v - c.version;
      const ok = { EQUAL: d === 0, NOT_EQUAL: d !== 0, GREATER: d > 0, LESS: d < 0 }[c.result];
      for (const op of (ok ? req.request.success : req.request.failure) ?? []) {
        if (op.type === 'put') m.put(main, s(op.request.key).replace('\\x00', '\\0'), new TextDecoder().decode(op.request.value), 0);
      }
      break;
    }
    case 'leaseRevoke': case 'leaseExpire': {
      const ids = req.type === 'leaseRevoke' ? [req.request.id] : req.request.ids;
      const keys = ids.flatMap((id) => [...(m.leases.get(id) ?? [])].sort(cmpKeys));
      for (const k of keys) m.del(main, k, undefined);
      break;
    }
    default: break;
  }
}

function run(seed: number, steps: number, backend = new TestBackend()): { store: MvccStore; backend: TestBackend; log: MvccRequest[] } {
  const r = rng(seed);
  const store = new MvccStore(backend);
  const m = new Model();
  let lease = 100;
  const log: MvccRequest[] = [];
  for (let i = 1; i <= steps; i++) {
    const req = randomRequest(r, m, () => lease++);
    log.push(req);
    const res = store.apply(i, req);
    assert.ok(res !== undefined);
    if (!res.ok) assert.fail(`seed ${seed} step ${i}: ${res.error.message}`);
    applyToModel(m, req);
    mirror(m, req, store);
    // Check reads at random retained revisions and ranges.
    for (let j = 0; j < 3; j++) {
      const rev = m.compacted + Math.floor(r() * (m.rev - m.compacted + 1));
      const start = pick(r, KEYS);
      const end = pick(r, [undefined, '\\0', ...KEYS]);
      const got = store.range({ key: b(start), ...(end !== undefined ? { rangeEnd: b(end) } : {}), ...(rev > 0 ? { revision: rev } : {}) });
      const want = m.rangeAt(start, end, rev > 0 ? rev : m.rev);
      assert.deepEqual(got.kvs.map(fmtKv), want.map(fmtKv), `seed ${seed} step ${i} range ${start}..${end} @${rev}`);
      assert.equal(got.count, want.length);
    }
    // History above the compaction point is complete.
    const from = m.compacted + 1;
    const h = store.eventsSince({ startRevision: from, key: b('\\0'), rangeEnd: b('\\0'), limit: 10_000 });
    assert.ok('events' in h);
    const wantEvents = m.history.filter((e) => e.main >= from).map((e) => (e.kv === undefined ? `DELETE ${s(b(e.key))} m=${e.main}` : `PUT ${fmtKv(e.kv)}`));
    assert.deepEqual(h.events.map(fmtEvent), wantEvents, `seed ${seed} step ${i} history`);
  }
  return { store, backend, log };
}

for (const seed of [1, 2, 3, 4, 5]) {
  test(`random log agrees with the reference model (seed ${seed})`, () => {
    run(seed, 150);
  });
}

test('determinism: the same log, replayed with crashes, gives identical backends', () => {
  const { backend, log } = run(7, 200);
  const replica = new TestBackend();
  const store = new MvccStore(replica);
  const r = rng(99);
  let i = 0;
  while (i < log.length) {
    // Apply a few entries, then "crash" and replay from a few entries back.
    const n = 1 + Math.floor(r() * 10);
    for (let k = 0; k < n && i < log.length; k++, i++) store.apply(i + 1, log[i]!);
    const back = Math.max(0, i - Math.floor(r() * 5));
    for (let k = back; k < i; k++) assert.equal(store.apply(k + 1, log[k]!), undefined);
  }
  assert.deepEqual(replica.dumpHex(), backend.dumpHex());
});

test('on LMDB the same log agrees with the model and gives byte-identical state to the in-memory engine', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mvcc-lmdb-'));
  const lmdb = new TestBackend(LmdbBackend.open(dir));
  try {
    const { backend: memory } = run(3, 150);
    run(3, 150, lmdb);
    assert.deepEqual(lmdb.dumpHex(), memory.dumpHex());
  } finally {
    await lmdb.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('applyBatch: any batching gives the results and bytes of one-by-one apply; a failing entry rolls back alone', () => {
  const { log } = run(11, 200);
  // Entries that fail part-way: the txn writes z and deletes a before its third op names a missing lease.
  const failing: MvccRequest[] = [
    { type: 'txn', request: { success: [parseOp('put z 1'), parseOp('del a'), parseOp('put y 1 lease=999999')] } },
    { type: 'put', request: { key: b('missing'), ignoreValue: true } },
    { type: 'put', request: { key: b('a'), value: b('x'), lease: 999_999 } },
    { type: 'put', request: { key: b('a'), value: b('x'), ignoreLease: true, lease: 5 } },
    { type: 'compaction', request: { revision: 1_000_000 } },
    { type: 'leaseRevoke', request: { id: 999_999 } },
  ];
  const r = rng(5);
  const mixed: MvccRequest[] = [];
  for (const req of log) {
    mixed.push(req);
    if (r() < 0.2) mixed.push(pick(r, failing));
  }
  const one = new TestBackend();
  const oneStore = new MvccStore(one);
  const want = mixed.map((req, i) => fmtResult(oneStore.apply(i + 1, req)!));
  assert.ok(want.some((w) => w.startsWith('error')), 'the log has failing entries');

  for (const seed of [1, 2, 3]) {
    const batched = new TestBackend();
    const store = new MvccStore(batched);
    const rb = rng(seed);
    const got: string[] = [];
    let i = 0;
    while (i < mixed.length) {
      const n = 1 + Math.floor(rb() * 25);
      const items = mixed.slice(i, i + n).map((request, k) => ({ index: i + k + 1, request }));
      const writes = batched.writeCount;
      for (const res of store.applyBatch(items)) got.push(fmtResult(res!));
      assert.equal(batched.writeCount, writes + 1, 'one backend transaction per batch');
      i += items.length;
    }
    assert.deepEqual(got, want, `batching seed ${seed}`);
    assert.deepEqual(batched.dumpHex(), one.dumpHex(), `batching seed ${seed}: bytes`);
    assert.equal(store.appliedIndex, mixed.length);
  }
});

test('applyBatch: replayed items are skipped, the rest applied; revision is per entry', () => {
  const store = new MvccStore(new TestBackend());
  const put = (k: string): MvccRequest => ({ type: 'put', request: { key: b(k), value: b('v') } });
  store.applyBatch([{ index: 1, request: put('a') }, { index: 2, request: put('b') }]);
  const res = store.applyBatch([
    { index: 2, request: put('replayed') },
    { index: 3, request: put('c') },
    { index: 4, request: undefined },
    { index: 5, request: { type: 'deleteRange', request: { key: b('nothing') } } },
    { index: 6, request: put('d') },
  ]);
  assert.deepEqual(res.map((x) => x?.revision), [undefined, 4, undefined, 4, 5]);
  assert.equal(store.appliedIndex, 6);
  assert.equal(store.range({ key: b('replayed') }).count, 0);
  assert.throws(() => store.applyBatch([{ index: 8, request: put('x') }, { index: 7, request: put('y') }]), /bad log index/);
});

test('applyBatch: a compaction is seen by the entries after it in the same batch', () => {
  const reqs: MvccRequest[] = [
    { type: 'put', request: { key: b('a'), value: b('1') } },
    { type: 'put', request: { key: b('a'), value: b('2') } },
    { type: 'put', request: { key: b('a'), value: b('3') } },
    { type: 'compaction', request: { revision: 3 } },
    { type: 'compaction', request: { revision: 3 } },
    { type: 'compaction', request: { revision: 2 } },
    { type: 'range', request: { key: b('a'), revision: 2 } },
    { type: 'range', request: { key: b('a'), revision: 3 } },
    { type: 'compaction', request: { revision: 4 } },
    { type: 'put', request: { key: b('a'), value: b('4') } },
  ];
  const oneStore = new MvccStore(new TestBackend());
  const want = reqs.map((req, i) => fmtResult(oneStore.apply(i + 1, req)!));
  assert.deepEqual(want.map((w) => w.startsWith('error')), [false, false, false, false, true, true, true, false, false, false]);
  const store = new MvccStore(new TestBackend());
  const got = store.applyBatch(reqs.map((request, i) => ({ index: i + 1, request }))).map((r) => fmtResult(r!));
  assert.deepEqual(got, want);
  assert.equal(store.compactedRevision, 4);
  assert.equal(store.currentRevision, 5);
});
