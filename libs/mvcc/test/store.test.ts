import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Backend } from '@logbook/backend';
import type { MvccRequest } from '../src/index.ts';
import { MvccAssertionError, MvccError, MvccStore } from '../src/index.ts';
import { TestBackend } from './test-backend.ts';
import { TestStore, b, fmtEvent, fmtResult, parseCompare, parseOp } from './harness.ts';

const put = (k: string, v: string, extra: object = {}): MvccRequest => ({ type: 'put', request: { key: b(k), value: b(v), ...extra } });

test('apply is idempotent by index: entries at or below the applied index are skipped', () => {
  const backend = new TestBackend();
  const store = new MvccStore(backend);
  assert.ok(store.apply(1, put('a', '1'))?.ok);
  assert.ok(store.apply(2, put('a', '2'))?.ok);
  const before = backend.dumpHex();
  assert.equal(store.apply(2, put('a', 'replayed')), undefined);
  assert.equal(store.apply(1, put('a', 'replayed')), undefined);
  assert.deepEqual(backend.dumpHex(), before);
  assert.equal(store.appliedIndex, 2);
  // Indexes may skip (entries that are not MVCC requests), never go back.
  assert.ok(store.apply(10, put('a', '3'))?.ok);
  assert.equal(store.appliedIndex, 10);
  assert.equal(store.currentRevision, 4);
});

test('apply runs each entry in one backend write transaction', () => {
  const t = new TestStore();
  const before = t.backend.writeCount;
  t.ok({ type: 'txn', request: { success: [parseOp('put a 1'), parseOp('put b 1'), parseOp('del c')] } });
  assert.equal(t.backend.writeCount, before + 1);
});

test('a failed entry leaves no partial writes but records its index', () => {
  const t = new TestStore();
  t.ok(put('a', '1'));
  const r = t.apply({ type: 'txn', request: { success: [parseOp('put z 1'), parseOp('del a'), parseOp('put y 1 lease=5')] } });
  assert.equal(r.ok, false);
  assert.equal(t.store.appliedIndex, 2);
  assert.equal(t.store.currentRevision, 2);
  assert.equal(t.store.range({ key: b('\0'), rangeEnd: b('\0') }).count, 1);
});

test('bad log indexes are assertion failures', () => {
  const store = new MvccStore(new TestBackend());
  for (const i of [0, -1, 1.5, NaN]) assert.throws(() => store.apply(i, put('a', '1')), MvccAssertionError);
});

test('errors carry the gRPC code name, a stable kind and etcd message', () => {
  const t = new TestStore();
  const r = t.apply({ type: 'leaseRevoke', request: { id: 3 } });
  assert.ok(!r.ok);
  assert.ok(r.error instanceof MvccError);
  assert.equal(r.error.code, 'NotFound');
  assert.equal(r.error.kind, 'leaseNotFound');
  assert.equal(r.error.message, 'etcdserver: requested lease not found');
  assert.throws(() => t.store.range({ key: b('a'), revision: 50 }), { code: 'OutOfRange', kind: 'futureRevision' });
});

// Malformed entries: what protobuf typing would prevent must still be refused, not crash or corrupt.
const malformed: ReadonlyArray<readonly [string, unknown]> = [
  ['null request', { type: 'put', request: null }],
  ['unknown type', { type: 'watch', request: {} }],
  ['string key', { type: 'put', request: { key: 'a' } }],
  ['array value', { type: 'put', request: { key: b('a'), value: [1] } }],
  ['fractional lease', { type: 'put', request: { key: b('a'), lease: 0.5 } }],
  ['negative lease', { type: 'put', request: { key: b('a'), lease: -1 } }],
  ['unsafe lease', { type: 'put', request: { key: b('a'), lease: 2 ** 60 } }],
  ['string flag', { type: 'put', request: { key: b('a'), prevKv: 'yes' } }],
  ['fractional limit', { type: 'range', request: { key: b('a'), limit: 1.5 } }],
  ['string revision', { type: 'range', request: { key: b('a'), revision: '3' } }],
  ['rangeEnd not bytes', { type: 'deleteRange', request: { key: b('a'), rangeEnd: 'z' } }],
  ['txn success not array', { type: 'txn', request: { success: {} } }],
  ['unknown txn op', { type: 'txn', request: { success: [{ type: 'compact', request: {} }] } }],
  ['unknown compare target', { type: 'txn', request: { compare: [{ key: b('a'), result: 'EQUAL', target: 'SIZE' }] } }],
  ['unknown compare result', { type: 'txn', request: { compare: [{ key: b('a'), result: 'ABOUT', target: 'VERSION', version: 1 }] } }],
  ['compare operand missing', { type: 'txn', request: { compare: [{ key: b('a'), result: 'EQUAL', target: 'MOD' }] } }],
  ['compare value not bytes', { type: 'txn', request: { compare: [{ key: b('a'), result: 'EQUAL', target: 'VALUE', value: 'x' }] } }],
  ['compaction without revision', { type: 'compaction', request: {} }],
  ['grant without ttl', { type: 'leaseGrant', request: { id: 1 } }],
  ['grant fractional ttl', { type: 'leaseGrant', request: { id: 1, ttl: 0.5 } }],
  ['expire ids not array', { type: 'leaseExpire', request: { ids: 1 } }],
];

for (const [name, req] of malformed) {
  test(`malformed entry is refused with InvalidArgument: ${name}`, () => {
    const t = new TestStore();
    t.ok(put('a', '1'));
    const before = t.backend.dumpHex();
    const r = t.apply(req as MvccRequest);
    assert.ok(!r.ok, 'must fail');
    assert.equal(r.error.code, 'InvalidArgument');
    assert.equal(r.error.kind, 'invalidRequest');
    assert.equal(t.store.appliedIndex, 2);
    assert.equal(t.backend.dumpHex().length, before.length);
  });
}

test('sub revisions order the changes within one revision (history and events agree)', () => {
  const t = new TestStore();
  const r = t.apply({ type: 'txn', request: { success: [parseOp('put b 1'), parseOp('put a 1'), parseOp('put c 1')] } });
  assert.ok(r.ok);
  assert.deepEqual(r.events.map(fmtEvent), ['PUT b=1 c=2 m=2 v=1', 'PUT a=1 c=2 m=2 v=1', 'PUT c=1 c=2 m=2 v=1']);
  const h = t.store.eventsSince({ startRevision: 1, key: b('\0'), rangeEnd: b('\0'), limit: 10 });
  assert.ok('events' in h);
  assert.deepEqual(h.events.map(fmtEvent), r.events.map((e) => fmtEvent({ type: e.type, kv: e.kv })));
});

test('nested txn: all compares see the state before the txn; branches nest in responses', () => {
  const t = new TestStore();
  t.ok(put('a', '1'));
  const r = t.ok({
    type: 'txn',
    request: {
      compare: [parseCompare('compare VERSION a EQUAL 1')],
      success: [
        parseOp('put a 2'),
        // Evaluated before `put a 2`: version is still 1, so this takes success.
        { type: 'txn', request: { compare: [parseCompare('compare VERSION a EQUAL 1')], success: [parseOp('put b 1')], failure: [parseOp('put c 1')] } },
      ],
    },
  });
  assert.equal(r.type, 'txn');
  const resp = r.response;
  assert.equal(resp.succeeded, true);
  const nested = resp.responses[1];
  assert.ok(nested?.type === 'txn');
  assert.equal(nested.response.succeeded, true);
  assert.equal(resp.header.revision, 3);
  assert.equal(t.store.range({ key: b('b') }).count, 1);
  assert.equal(t.store.range({ key: b('c') }).count, 0);
});

const dupCases: ReadonlyArray<readonly [string, MvccRequest, boolean]> = [
  ['put twice', { type: 'txn', request: { success: [parseOp('put k 1'), parseOp('put k 2')] } }, true],
  ['put inside a delete range', { type: 'txn', request: { success: [parseOp('del a end=z'), parseOp('put k 2')] } }, true],
  ['put inside a from-key delete', { type: 'txn', request: { success: [parseOp('put zz 1'), parseOp('del k end=\\0')] } }, true],
  ['same key in success and failure', { type: 'txn', request: { success: [parseOp('put k 1')], failure: [parseOp('put k 2')] } }, false],
  ['overlapping deletes', { type: 'txn', request: { success: [parseOp('del a end=z'), parseOp('del k')] } }, false],
  ['outer put vs nested put', { type: 'txn', request: { success: [parseOp('put k 1'), { type: 'txn', request: { success: [parseOp('put k 2')] } }] } }, true],
  ['outer put vs nested failure delete', { type: 'txn', request: { success: [parseOp('put k 1'), { type: 'txn', request: { failure: [parseOp('del k')] } }] } }, true],
  ['outer delete vs nested put', { type: 'txn', request: { success: [parseOp('del a end=z'), { type: 'txn', request: { success: [parseOp('put k 2')] } }] } }, true],
  ['nested success put vs nested failure put', { type: 'txn', request: { success: [{ type: 'txn', request: { success: [parseOp('put k 1')], failure: [parseOp('put k 2')] } }] } }, false],
  ['two sibling nested txns putting one key', { type: 'txn', request: { success: [{ type: 'txn', request: { success: [parseOp('put k 1')] } }, { type: 'txn', request: { success: [parseOp('put k 2')] } }] } }, true],
  ['a range next to a put of the same key', { type: 'txn', request: { success: [parseOp('get k'), parseOp('put k 1'), parseOp('get k')] } }, false],
];

for (const [name, req, dup] of dupCases) {
  test(`txn duplicate-key rule: ${name} -> ${dup ? 'refused' : 'allowed'}`, () => {
    const r = new TestStore().apply(req);
    if (dup) assert.equal(fmtResult(r), 'error InvalidArgument: etcdserver: duplicate key given in txn request');
    else assert.ok(r.ok, fmtResult(r));
  });
}

test('too many operations counts each list separately and nested txns too', () => {
  const ops = (n: number) => Array.from({ length: n }, (_, i) => parseOp(`put k${i} 1`));
  const t = new TestStore({ maxTxnOps: 3 });
  assert.ok(t.apply({ type: 'txn', request: { success: ops(3), failure: ops(3) } }).ok);
  assert.equal(t.apply({ type: 'txn', request: { compare: Array.from({ length: 4 }, () => parseCompare('compare VERSION a EQUAL 0')) } }).ok, false);
  const nested = t.apply({ type: 'txn', request: { success: [{ type: 'txn', request: { failure: ops(4) } }] } });
  assert.equal(fmtResult(nested), 'error InvalidArgument: etcdserver: too many operations in txn request');
});

test('leaseTimeToLive lists keys up to its bound; leases are listed in id order', () => {
  const t = new TestStore({ maxLeaseKeys: 2 });
  t.ok({ type: 'leaseGrant', request: { id: 9, ttl: 5 } });
  t.ok({ type: 'leaseGrant', request: { id: 3, ttl: 500 } });
  for (const k of ['x', 'y', 'z']) t.ok(put(k, '1', { lease: 9 }));
  const ttl = t.store.leaseTimeToLive(9, true);
  assert.equal(ttl.keys.length, 2);
  assert.deepEqual(t.store.leases().map((l) => l.id), [3, 9]);
  assert.throws(() => t.store.leaseTimeToLive(-1, false), { code: 'InvalidArgument' });
});

test('revoking a lease with many keys deletes them all at one revision', () => {
  const t = new TestStore();
  t.ok({ type: 'leaseGrant', request: { id: 1, ttl: 5 } });
  for (let i = 0; i < 600; i++) t.ok(put(`k${String(i).padStart(4, '0')}`, 'v', { lease: 1 }));
  const r = t.apply({ type: 'leaseRevoke', request: { id: 1 } });
  assert.ok(r.ok);
  assert.equal(r.events.length, 600);
  assert.ok(r.events.every((e) => e.type === 'DELETE' && e.kv.modRevision === 602));
  assert.equal(t.store.range({ key: b('\0'), rangeEnd: b('\0') }).count, 0);
  assert.equal(t.store.leases().length, 0);
});

test('compaction physically removes superseded history and tombstoned keys', () => {
  const t = new TestStore();
  for (let i = 0; i < 50; i++) t.ok(put(`k${i % 5}`, String(i)));
  t.ok({ type: 'deleteRange', request: { key: b('k0') } });
  const size = t.backend.dumpHex().length;
  t.ok({ type: 'compaction', request: { revision: t.store.currentRevision } });
  const after = t.backend.dumpHex();
  // 4 live keys remain: each keeps one history record, one index entry and one latest pointer, plus 4 meta
  // (current, compacted, applied, layout); the delete at exactly the compaction revision keeps its record
  // and index entry (a watch from C sees it).
  assert.equal(after.length, 4 * 3 + 2 + 4);
  t.ok(put('k1', 'later'));
  t.ok({ type: 'compaction', request: { revision: t.store.currentRevision } });
  // Once below the compaction revision, the tombstone goes too.
  assert.equal(t.backend.dumpHex().length, 4 * 3 + 4);
  assert.ok(after.length < size);
  const all = t.store.range({ key: b('\0'), rangeEnd: b('\0') });
  assert.deepEqual(all.kvs.map((kv) => kv.version), [11, 10, 10, 10]);
});

test('a restored backend serves the same state', async () => {
  const t = new TestStore();
  t.ok(put('a', '1'));
  t.ok(put('a', '2'));
  t.ok({ type: 'deleteRange', request: { key: b('a') } });
  const copy = new TestBackend();
  await copy.restore(t.backend.dump());
  const store = new MvccStore(copy);
  assert.equal(store.currentRevision, 4);
  assert.equal(store.appliedIndex, 3);
  assert.equal(store.range({ key: b('a'), revision: 3 }).kvs[0]?.version, 2);
  assert.equal(store.apply(3, put('x', 'y')), undefined);
});

test('a keyspace of another record layout is refused at open, not misread', () => {
  const backend = new TestBackend();
  // What an older build left: a history record in layout 1 and no layout marker.
  backend.write((txn) => txn.put(Uint8Array.from([0x02, ...new Uint8Array(15), 2]), Uint8Array.from([1, ...new Uint8Array(36)])));
  assert.throws(() => new MvccStore(backend), /layout 1 .*this build reads layout 2/);
  const marked = new TestBackend();
  marked.write((txn) => txn.put(Uint8Array.from([0x01, 4]), Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 9])));
  assert.throws(() => new MvccStore(marked), /layout 9; this build reads layout 2/);
  // A new store is marked by its first batch, and opens again.
  const fresh = new TestBackend();
  new MvccStore(fresh).apply(1, put('a', '1'));
  assert.equal(new MvccStore(fresh).range({ key: b('a') }).kvs[0]?.version, 1);
});

test('a backend failure is not an MvccError: it propagates and records nothing', () => {
  const backend = new TestBackend();
  const store = new MvccStore(backend);
  const broken: Backend = {
    read: (fn) => backend.read(fn),
    write: () => { throw new Error('disk full'); },
    flush: () => backend.flush(),
    sizeBytes: () => backend.sizeBytes(),
    sizeBoundBytes: () => backend.sizeBoundBytes(),
    generation: 0,
    dump: () => backend.dump(),
    restore: (p) => backend.restore(p),
    close: () => backend.close(),
  };
  const s2 = new MvccStore(broken);
  assert.throws(() => s2.apply(1, put('a', '1')), /disk full/);
  assert.equal(store.appliedIndex, 0);
});

test('a NOSPACE alarm in the state refuses what etcd\'s capped applier refuses, on every member alike, until it is cleared', () => {
  const store = new MvccStore(new TestBackend());
  let index = 0;
  const apply = (r: MvccRequest): ReturnType<MvccStore['apply']> => store.apply(++index, r);
  assert.ok(apply(put('a', '1'))?.ok);
  assert.ok(apply({ type: 'leaseGrant', request: { id: 5, ttl: 60 } })?.ok);
  const raised = apply({ type: 'alarm', request: { action: 'activate', memberId: 7, alarm: 'NOSPACE' } });
  assert.ok(raised?.ok);
  assert.deepEqual(store.alarms(), [{ memberId: 7, alarm: 'NOSPACE' }]);
  const revision = store.currentRevision;

  const refused: MvccRequest[] = [
    put('b', '1'),
    { type: 'leaseGrant', request: { id: 6, ttl: 60 } },
    { type: 'txn', request: { success: [parseOp('put c 1')] } },
    { type: 'txn', request: { success: [parseOp('get a')], failure: [parseOp('del a')] } },
  ];
  for (const r of refused) {
    const res = apply(r);
    assert.equal(res?.ok, false, JSON.stringify(r.type));
    assert.ok(res !== undefined && !res.ok && res.error.kind === 'noSpace');
    assert.equal(res.error.message, 'etcdserver: mvcc: database space exceeded');
    assert.equal(res.error.code, 'ResourceExhausted');
  }
  assert.equal(store.currentRevision, revision, 'nothing refused changed the state');
  // Reads, deletes, read-only txns, revokes and compaction still apply.
  assert.ok(apply({ type: 'txn', request: { success: [parseOp('get a')] } })?.ok);
  assert.ok(apply({ type: 'deleteRange', request: { key: b('a') } })?.ok);
  assert.ok(apply({ type: 'leaseRevoke', request: { id: 5 } })?.ok);
  assert.ok(apply({ type: 'compaction', request: { revision: store.currentRevision } })?.ok);

  // Another member's alarm is its own entry; clearing one leaves the other.
  assert.ok(apply({ type: 'alarm', request: { action: 'activate', memberId: 3, alarm: 'NOSPACE' } })?.ok);
  assert.ok(apply({ type: 'alarm', request: { action: 'deactivate', memberId: 7, alarm: 'NOSPACE' } })?.ok);
  assert.deepEqual(store.alarms(), [{ memberId: 3, alarm: 'NOSPACE' }]);
  assert.equal(apply(put('b', '1'))?.ok, false);
  assert.ok(apply({ type: 'alarm', request: { action: 'deactivate', memberId: 3, alarm: 'NOSPACE' } })?.ok);
  assert.deepEqual(store.alarms(), []);
  assert.ok(apply(put('b', '1'))?.ok);
  // A CORRUPT alarm does not cap writes; a malformed alarm entry is refused like any malformed request.
  assert.ok(apply({ type: 'alarm', request: { action: 'activate', memberId: 3, alarm: 'CORRUPT' } })?.ok);
  assert.ok(apply(put('c', '1'))?.ok);
  const bad = apply({ type: 'alarm', request: { action: 'activate', memberId: 0, alarm: 'NOSPACE' } });
  assert.ok(bad !== undefined && !bad.ok && bad.error.kind === 'invalidRequest');
  assert.deepEqual(store.alarms(), [{ memberId: 3, alarm: 'CORRUPT' }]);
});

test('NOSPACE refusals follow alarms raised or cleared within a batch and by a restored state', async () => {
  const alarm = (action: 'activate' | 'deactivate'): MvccRequest => ({ type: 'alarm', request: { action, memberId: 7, alarm: 'NOSPACE' } });
  const store = new MvccStore(new TestBackend());
  const oks = (rs: readonly (ReturnType<MvccStore['apply']>)[]): (boolean | undefined)[] => rs.map((r) => r?.ok);
  // One batch: the put before the alarm applies, the one after it is refused; a clear in the batch lifts it.
  assert.deepEqual(oks(store.applyBatch([{ index: 1, request: put('a', '1') }, { index: 2, request: alarm('activate') }, { index: 3, request: put('b', '1') }])), [true, true, false]);
  assert.deepEqual(oks(store.applyBatch([{ index: 4, request: put('c', '1') }, { index: 5, request: alarm('deactivate') }, { index: 6, request: put('d', '1') }])), [false, true, true]);
  assert.equal(store.applyBatch([{ index: 7, request: put('e', '1') }])[0]?.ok, true);

  // A state with the alarm, restored under a store that last saw none, refuses at once; and the reverse.
  const raised = new TestBackend();
  new MvccStore(raised).applyBatch([{ index: 1, request: alarm('activate') }]);
  const clear = new TestBackend();
  new MvccStore(clear).applyBatch([{ index: 1, request: put('z', '1') }]);
  const backend = new TestBackend();
  const member = new MvccStore(backend);
  assert.equal(member.apply(1, put('a', '1'))?.ok, true);
  await backend.restore(raised.dump());
  assert.equal(member.apply(2, put('a', '2'))?.ok, false);
  await backend.restore(clear.dump());
  assert.equal(member.apply(2, put('a', '2'))?.ok, true);
});
