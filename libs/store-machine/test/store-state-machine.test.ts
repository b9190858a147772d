import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LmdbBackend, MemoryBackend, type Backend } from '@logbook/backend';
import { EMPTY_REQUEST_CONTEXT, encodeStoreEntry } from '@logbook/etcd-api';
import type { MvccRequest } from '@logbook/mvcc';
import type { LogIndex } from '@logbook/raft';
import { StoreStateMachine, SnapshotFormatError, decodeBackendSnapshot } from '../src/index.ts';

const b = (s: string): Uint8Array => new TextEncoder().encode(s);
const entry = (request: MvccRequest): Uint8Array => encodeStoreEntry({ context: EMPTY_REQUEST_CONTEXT, request });
const put = (k: string, v: string): Uint8Array => entry({ type: 'put', request: { key: b(k), value: b(v) } });

const ix = (n: number): LogIndex => n as LogIndex;

function machine(): StoreStateMachine {
  return new StoreStateMachine({ backend: new MemoryBackend() });
}

describe('StoreStateMachine', () => {
  it('applies store entries, reports revisions and events, and skips replays', () => {
    const sm = machine();
    const seen: number[] = [];
    sm.onApplied((rev, events) => seen.push(rev, events.length));
    const r = sm.apply(ix(2), put('a', '1'));
    assert.equal(r?.ok, true);
    assert.deepEqual(seen, [2, 1]);
    assert.equal(sm.apply(ix(2), put('a', '2')), undefined, 'an index at or below the applied one is a replay');
    assert.equal(sm.mvcc.range({ key: b('a') }).kvs[0]?.version, 1);
  });

  it('a failed request moves only the applied index and fires no revision', () => {
    const sm = machine();
    let fired = 0;
    sm.onApplied(() => fired++);
    const r = sm.apply(ix(2), entry({ type: 'leaseRevoke', request: { id: 99 } }));
    assert.equal(r?.ok, false);
    assert.equal(fired, 0);
    assert.equal(sm.mvcc.appliedIndex, 2);
    assert.equal(sm.mvcc.currentRevision, 1);
  });

  it('an undecodable entry is skipped identically (index recorded, state unchanged)', () => {
    const sm = machine();
    assert.equal(sm.apply(ix(2), new Uint8Array([0xff, 0xff, 0xff])), undefined);
    assert.equal(sm.mvcc.appliedIndex, 2);
    assert.equal(sm.mvcc.currentRevision, 1);
  });

  it('a snapshot restores byte-identical state on another member (HashKV agrees)', () => {
    const a = machine();
    a.apply(ix(2), put('a', '1'));
    a.apply(ix(3), put('b', '2'));
    a.apply(ix(4), entry({ type: 'deleteRange', request: { key: b('a') } }));
    a.apply(ix(5), entry({ type: 'compaction', request: { revision: 3 } }));
    const snap = a.snapshot();
    const other = machine();
    other.apply(ix(2), put('z', 'stale'));
    const restored: number[] = [];
    other.onRestored((rev) => restored.push(rev));
    assert.equal(other.restore(snap, ix(5)), undefined, 'an inline snapshot restores synchronously');
    assert.deepEqual(restored, [4]);
    assert.deepEqual(other.mvcc.hashKv(0), a.mvcc.hashKv(0));
    assert.equal(other.mvcc.range({ key: b('z') }).kvs.length, 0, 'old contents are replaced');
    assert.equal(other.mvcc.appliedIndex, 5);
    assert.equal(other.apply(ix(6), put('c', '3'))?.ok, true);
  });

  for (const [name, open] of [
    ['memory', (): { backend: Backend; done: () => Promise<void> } => ({ backend: new MemoryBackend(), done: () => Promise.resolve() })],
    [
      'LMDB',
      (): { backend: Backend; done: () => Promise<void> } => {
        const dir = mkdtempSync(join(tmpdir(), 'sm-snap-'));
        const backend = LmdbBackend.open(join(dir, 'db'), { commitSync: 'none' });
        return { backend, done: async () => (await backend.close(), rmSync(dir, { recursive: true, force: true })) };
      },
    ],
  ] as const) {
    it(`snapshotAsync (${name} backend): snapshot()'s bytes as of the call, while the event loop keeps turning`, async () => {
      const { backend, done } = open();
      try {
        const sm = new StoreStateMachine({ backend });
        // Enough pairs that serializing them takes several slices.
        const batch = Array.from({ length: 20_000 }, (_, i) => ({ index: ix(i + 2), data: put(`k/${String(i).padStart(6, '0')}`, 'x'.repeat(100)) }));
        sm.applyBatch(batch);
        const expected = sm.snapshot();
        const pending = sm.snapshotAsync(ix(20_001));
        // Applied after the call: not in this snapshot.
        sm.apply(ix(20_002), put('after', 'the call'));
        let turns = 0;
        const ticker = setInterval(() => turns++, 0);
        const got = await pending;
        clearInterval(ticker);
        assert.ok(Buffer.from(got).equals(Buffer.from(expected)), 'same bytes as snapshot() before the later write');
        assert.ok(turns > 0, 'timers ran while the snapshot was being built');
        const other = machine();
        assert.equal(other.restore(got, ix(20_001)), undefined);
        assert.equal(other.mvcc.range({ key: b('after') }).kvs.length, 0);
        assert.equal(other.mvcc.range({ key: b('k/'), rangeEnd: b('k0'), countOnly: true }).count, 20_000);
      } finally {
        await done();
      }
    });
  }

  it('does not restore a snapshot over a backend that is already past it', () => {
    const sm = machine();
    sm.apply(ix(2), put('a', '1'));
    sm.apply(ix(3), put('a', '2'));
    const before = sm.mvcc.hashKv(0);
    assert.equal(sm.restore(new Uint8Array(0), ix(1)), undefined);
    assert.deepEqual(sm.mvcc.hashKv(0), before);
  });

  it('HashKV differs when contents differ and refuses compacted or future revisions', () => {
    const a = machine();
    const c = machine();
    a.apply(ix(2), put('a', '1'));
    c.apply(ix(2), put('a', '2'));
    assert.notEqual(a.mvcc.hashKv(0).hash, c.mvcc.hashKv(0).hash);
    assert.throws(() => a.mvcc.hashKv(9), /future revision/);
    a.apply(ix(3), put('a', '3'));
    a.apply(ix(4), entry({ type: 'compaction', request: { revision: 3 } }));
    assert.throws(() => a.mvcc.hashKv(2), /compacted/);
    assert.equal(a.mvcc.hashKv(3).hashRevision, 3);
  });

  it('rejects malformed snapshot payloads', () => {
    assert.throws(() => decodeBackendSnapshot(new Uint8Array([1, 0, 0, 0, 1, 0, 0, 0, 9])), SnapshotFormatError);
    assert.throws(() => decodeBackendSnapshot(new Uint8Array([2, 0, 0, 0, 0])), SnapshotFormatError);
  });
});
