// The store checkers on hand-made histories: each must accept a correct
// history and reject the bug it exists for.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Event } from '@logbook/mvcc';
import type { WatchResponse } from '@logbook/watch';
import { CommittedHistory } from '../src/store/committed-history.ts';
import { LeaseChecker } from '../src/store/lease-checker.ts';
import { checkStoreHistory, type StoreOp } from '../src/store/store-linearizability.ts';
import { keyBytes, type StoreInput, type StoreOutput } from '../src/store/store-ops.ts';
import { WatchStream } from '../src/store/watch-stream.ts';
import type { Violation } from '../src/violation.ts';

const enc = new TextEncoder();
const putEv = (key: number, value: string, rev: number, create: number, version: number, lease = 0): Event => ({
  type: 'PUT',
  kv: { key: keyBytes(key), value: enc.encode(value), createRevision: create, modRevision: rev, version, lease },
});
const delEv = (key: number, rev: number): Event => ({
  type: 'DELETE',
  kv: { key: keyBytes(key), value: new Uint8Array(0), createRevision: 0, modRevision: rev, version: 0, lease: 0 },
});

/** Committed: index 2 c0:1 put k0=v1 @2; index 3 c0:2 put k1=v2 @3; index 4 c1:1 delete k0 @4. */
function committed(): CommittedHistory {
  const h = new CommittedHistory(2);
  let time = 100;
  const add = (index: number, requestKey: string, output: StoreOutput, events: Event[], revision: number): void =>
    h.applied({ index, requestKey, output, events, leasesRemoved: [], revision, member: 1, tick: index, time: time++ });
  add(2, 'c0:1', { kind: 'put', revision: 2 }, [putEv(0, 'v1', 2, 2, 1)], 2);
  add(3, 'c0:2', { kind: 'put', revision: 3 }, [putEv(1, 'v2', 3, 3, 1)], 3);
  add(4, 'c1:1', { kind: 'delete', revision: 4, deleted: 1 }, [delEv(0, 4)], 4);
  return h;
}

let nextId = 1;
function op(clientId: number, seq: number, input: StoreInput, call: number, ret: number, output?: StoreOutput): StoreOp {
  return { id: nextId++, clientId, seq, input, callTime: call, returnTime: ret, output, callTick: call, returnTick: ret };
}
const get = (key: number, mode: 'linearizable' | 'serializable' = 'linearizable'): StoreInput => ({ kind: 'range', from: key, to: key + 1, mode });
const kv = (key: number, value: string, rev: number, create: number, version: number) => ({ key, value, createRevision: create, modRevision: rev, version, lease: 0 });
const writes = (): StoreOp[] => [
  op(0, 1, { kind: 'put', key: 0, value: 'v1', lease: 0 }, 1, 2, { kind: 'put', revision: 2 }),
  op(0, 2, { kind: 'put', key: 1, value: 'v2', lease: 0 }, 3, 4, { kind: 'put', revision: 3 }),
];

function check(ops: StoreOp[], h = committed()) {
  return checkStoreHistory(ops, h, 2, new Map());
}

describe('store history checks', () => {
  it('accept a linearizable history, ranges projected per key', () => {
    const r = check([
      ...writes(),
      op(1, 2, get(0), 5, 6, { kind: 'range', revision: 3, kvs: [kv(0, 'v1', 2, 2, 1)] }),
      op(1, 1, { kind: 'delete', key: 0 }, 7, 8, { kind: 'delete', revision: 4, deleted: 1 }),
      op(2, 1, { kind: 'range', from: 0, to: 2, mode: 'linearizable' }, 9, 10, { kind: 'range', revision: 4, kvs: [kv(1, 'v2', 3, 3, 1)] }),
    ]);
    assert.deepEqual(r.failure, undefined);
    assert.ok(r.steps > 0);
  });

  it('reject a read of an older revision after a newer write returned (revision order)', () => {
    const r = check([...writes(), op(1, 2, get(0), 5, 6, { kind: 'range', revision: 1, kvs: [] })]);
    assert.equal(r.failure?.checker, 'linearizability');
    assert.match(r.failure.message, /returned before it was called/);
  });

  it('reject a read whose value no linearization explains (per-key model)', () => {
    // Revision 3 is fine for the order check; the value at k0 is not v1's.
    const r = check([...writes(), op(1, 2, get(0), 5, 6, { kind: 'range', revision: 3, kvs: [kv(0, 'v1', 2, 2, 2)] })]);
    assert.equal(r.failure?.checker, 'linearizability');
    assert.match(r.failure.message, /key 0: no linearization/);
  });

  it('take an unknown-outcome write from the committed history: applied if its entry was', () => {
    const unknownPut = op(0, 1, { kind: 'put', key: 0, value: 'v1', lease: 0 }, 1, Infinity);
    const sawIt = op(1, 2, get(0), 5, 6, { kind: 'range', revision: 2, kvs: [kv(0, 'v1', 2, 2, 1)] });
    assert.deepEqual(check([unknownPut, sawIt]).failure, undefined);
    // Never applied (no entry for c0:1): the read saw a write that did not happen.
    const empty = new CommittedHistory(2);
    const r = check([unknownPut, sawIt], empty);
    assert.equal(r.failure?.checker, 'linearizability');
  });

  it('reject an answer that differs from its committed entry, and a serializable read of a state that never existed', () => {
    const wrongAnswer = check([op(0, 1, { kind: 'put', key: 0, value: 'v1', lease: 0 }, 1, 2, { kind: 'put', revision: 7 })]);
    assert.equal(wrongAnswer.failure?.checker, 'store-history');
    assert.match(wrongAnswer.failure.message, /its entry 2 had/);
    const ok = check([op(3, 1, get(0, 'serializable'), 1, 2, { kind: 'range', revision: 3, kvs: [kv(0, 'v1', 2, 2, 1)] })]);
    assert.deepEqual(ok.failure, undefined);
    const never = check([op(3, 1, get(0, 'serializable'), 1, 2, { kind: 'range', revision: 4, kvs: [kv(0, 'v1', 2, 2, 1)] })]);
    assert.equal(never.failure?.checker, 'store-history');
    assert.match(never.failure.message, /matches no committed state/);
  });
});

/** Read through a call: TypeScript narrows a getter after an assertion on it. */
const violationOf = (h: CommittedHistory): Violation | undefined => h.violation;

describe('committed history', () => {
  it('flags a request that took effect twice', () => {
    const h = committed();
    assert.equal(h.violation, undefined);
    h.applied({ index: 5, requestKey: 'c0:2', output: { kind: 'put', revision: 5 }, events: [putEv(1, 'v2', 5, 3, 2)], leasesRemoved: [], revision: 5, member: 2, tick: 9, time: 200 });
    const v = violationOf(h);
    assert.equal(v?.checker, 'store-history');
    assert.match(v.message, /c0:2 took effect twice/);
  });

  it('answers the state of a key range at any revision', () => {
    const h = committed();
    assert.deepEqual(h.stateAt(3, 0, 2).map((k) => k.value), ['v1', 'v2']);
    assert.deepEqual(h.stateAt(4, 0, 2).map((k) => k.value), ['v2']);
    assert.deepEqual(h.stateAt(1, 0, 2), []);
  });
});

const response = (revision: number, events: Event[], extra: Partial<WatchResponse> = {}): WatchResponse => ({
  header: { revision },
  watchId: 0,
  created: false,
  canceled: false,
  compactRevision: 0,
  cancelReason: '',
  fragment: false,
  events,
  ...extra,
});
const member = (revision = 4, compactedRevision = 0) => ({ id: 1, revision, compactedRevision });

describe('watch stream checker', () => {
  it('accepts the range\'s events in order, across revisions without events of its range', () => {
    const h = committed();
    const s = new WatchStream(1, 0, 1, 2);
    s.created(2, 4, 0);
    assert.equal(s.accept(response(4, [], { created: true }), member(), h), 'continue');
    assert.equal(s.accept(response(2, [putEv(0, 'v1', 2, 2, 1)]), member(), h), 'continue');
    assert.equal(s.accept(response(4, [delEv(0, 4)]), member(), h), 'continue');
    assert.equal(s.violation, undefined);
    assert.equal(s.caughtUp(member(), h), undefined);
    assert.equal(s.eventsChecked, 2);
  });

  it('rejects a gap, a duplicate, a progress notification past an undelivered event, and a lost tail', () => {
    const h = committed();
    const gap = new WatchStream(1, 0, 1, 2);
    gap.accept(response(4, [delEv(0, 4)]), member(), h);
    assert.match(gap.violation ?? '', /skips revision 2/);
    const dup = new WatchStream(2, 0, 1, 2);
    dup.accept(response(2, [putEv(0, 'v1', 2, 2, 1)]), member(), h);
    dup.accept(response(2, [putEv(0, 'v1', 2, 2, 1)]), member(), h);
    assert.match(dup.violation ?? '', /delivered again/);
    const progress = new WatchStream(3, 0, 1, 2);
    progress.accept(response(3, []), member(), h);
    assert.match(progress.violation ?? '', /progress notification at 3 .* skips revision 2/);
    const tail = new WatchStream(4, 0, 1, 2);
    tail.accept(response(2, [putEv(0, 'v1', 2, 2, 1)]), member(), h);
    assert.match(tail.caughtUp(member(), h) ?? '', /skips revision 4/);
  });

  it('accepts a compaction cancel only when the watch needed a compacted revision', () => {
    const h = committed();
    const needed = new WatchStream(1, 0, 2, 2);
    assert.equal(needed.accept(response(4, [], { canceled: true, compactRevision: 3 }), member(4, 3), h), 'ended');
    assert.equal(needed.violation, undefined);
    const notNeeded = new WatchStream(2, 0, 2, 4);
    notNeeded.accept(response(4, [], { canceled: true, compactRevision: 3 }), member(4, 3), h);
    assert.match(notNeeded.violation ?? '', /only needed revisions from 4/);
    const owed = new WatchStream(3, 0, 2, 2);
    owed.created(2, 4, 3);
    owed.accept(response(3, [putEv(1, 'v2', 3, 3, 1)]), member(4, 3), h);
    assert.match(owed.violation ?? '', /instead of a compaction cancel/);
  });

  it('resumes after its member went away, keeping its position', () => {
    const h = committed();
    const s = new WatchStream(1, 0, 2, 2);
    s.accept(response(2, [putEv(0, 'v1', 2, 2, 1)]), member(), h);
    assert.equal(s.accept(response(2, [], { canceled: true, cancelReason: 'watch hub closed' }), member(), h), 'resume');
    assert.equal(s.next, 3);
    s.created(3, 4, 0);
    assert.equal(s.accept(response(4, [putEv(1, 'v2', 3, 3, 1)]), member(), h), 'continue');
    assert.equal(s.violation, undefined);
  });
});

describe('lease checker', () => {
  function expiryCommitted(h: CommittedHistory, index: number, requestKey: string, ids: number[]): void {
    h.applied({ index, requestKey, output: { kind: 'leaseExpire', revision: 4, expired: ids }, events: [], leasesRemoved: ids, revision: 4, member: 1, tick: index, time: 300 + index });
  }

  it('accepts an expiry a TTL after the last acknowledged renewal and rejects an earlier one', () => {
    const onTime = new LeaseChecker();
    onTime.granted(7, 2, 10); // 2 s = 20 ticks
    onTime.renewalAcknowledged(7, 15);
    onTime.expiryProposed('lessor:1', [7], 1, 35);
    const h1 = committed();
    expiryCommitted(h1, 10, 'lessor:1', [7]);
    assert.equal(onTime.check(h1), undefined);

    const early = new LeaseChecker();
    early.granted(7, 2, 10);
    early.renewalAcknowledged(7, 15);
    early.expiryProposed('lessor:1', [7], 1, 34);
    const h2 = committed();
    expiryCommitted(h2, 10, 'lessor:1', [7]);
    assert.match(early.check(h2) ?? '', /lease 7 .* 1 ticks early/);
  });

  it('ignores renewals after the proposal and expiries that never commit', () => {
    const c = new LeaseChecker();
    c.granted(7, 1, 0);
    c.expiryProposed('lessor:1', [7], 1, 10);
    c.renewalAcknowledged(7, 11);
    c.expiryProposed('lessor:2', [7], 1, 5);
    const h = committed();
    expiryCommitted(h, 10, 'lessor:1', [7]);
    assert.equal(c.check(h), undefined);
  });
});
