// The Storage contract (libs/raft/src/core/storage.ts), as a reusable suite.
// Run it against any implementation by passing a factory that builds a
// storage holding a given state:
//
//   describeStorageContract('MemoryStorage', async (setup) => {
//     const s = new MemoryStorage();
//     if (setup.snapshot) s.applySnapshot(setup.snapshot);
//     s.append(setup.entries);
//     if (setup.hardState) s.setHardState(setup.hardState);
//     return { storage: s, close: () => Promise.resolve() };
//   });

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CompactedError, EMPTY_HARD_STATE, UnavailableError, entrySize } from '@logbook/raft/core';
import type { Entry, HardState, LogIndex, NodeId, Snapshot, Storage, Term } from '@logbook/raft/core';

export interface StorageSetup {
  /** The snapshot the storage starts from; none for an empty storage. */
  readonly snapshot?: Snapshot;
  /** Entries right after the snapshot (or from index 1). */
  readonly entries: readonly Entry[];
  readonly hardState?: HardState;
}

export interface StorageFixture {
  readonly storage: Storage;
  readonly close: () => Promise<void>;
}

export type StorageFactory = (setup: StorageSetup) => Promise<StorageFixture>;

const I = (n: number): LogIndex => n as LogIndex;
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

const SNAP: Snapshot = {
  metadata: { index: I(10), term: 3 as Term, confState: { voters: [1, 2, 3] as NodeId[], learners: [4] as NodeId[] } },
  data: enc('application state at 10'),
};
const TERMS = [3, 3, 4, 4, 5];
const ENTRIES: readonly Entry[] = TERMS.map((t, k) => ({
  index: I(11 + k),
  term: t as Term,
  type: k === 2 ? 'conf-change' : 'normal',
  data: enc('x'.repeat(10 * (k + 1))),
}));
const HS: HardState = { term: 5 as Term, vote: 2 as NodeId, commit: I(13) };

const view = (es: readonly Entry[]) => es.map((e) => ({ index: e.index, term: e.term, type: e.type, data: [...e.data] }));

export function describeStorageContract(name: string, factory: StorageFactory): void {
  const withStorage = async (setup: StorageSetup, fn: (s: Storage) => void | Promise<void>): Promise<void> => {
    const fx = await factory(setup);
    try {
      await fn(fx.storage);
    } finally {
      await fx.close();
    }
  };

  describe(`Storage contract: ${name}`, () => {
    it('an empty storage: first 1, last 0, term(0) = 0, nothing else', () =>
      withStorage({ entries: [] }, (s) => {
        assert.equal(s.firstIndex(), 1);
        assert.equal(s.lastIndex(), 0);
        assert.equal(s.term(I(0)), 0);
        assert.throws(() => s.term(I(1)), UnavailableError);
        assert.deepEqual(s.entries(I(1), I(1), Infinity), []);
        assert.throws(() => s.entries(I(1), I(2), Infinity), UnavailableError);
        assert.equal(s.snapshot().metadata.index, 0);
        assert.deepEqual(s.initialState().hardState, EMPTY_HARD_STATE);
        assert.deepEqual(s.initialState().confState, { voters: [], learners: [] });
      }));

    it('entries from index 1 without a snapshot', () =>
      withStorage({ entries: ENTRIES.map((e, k) => ({ ...e, index: I(k + 1) })) }, (s) => {
        assert.equal(s.firstIndex(), 1);
        assert.equal(s.lastIndex(), 5);
        assert.equal(s.term(I(0)), 0);
        assert.deepEqual(
          [1, 2, 3, 4, 5].map((i) => s.term(I(i))),
          TERMS,
        );
        assert.equal(s.entries(I(1), I(6), Infinity).length, 5);
      }));

    it('first and last index around a snapshot', () =>
      withStorage({ snapshot: SNAP, entries: ENTRIES, hardState: HS }, (s) => {
        assert.equal(s.firstIndex(), 11);
        assert.equal(s.lastIndex(), 15);
      }));

    it('term(i): the snapshot term at firstIndex-1, CompactedError below, UnavailableError above', () =>
      withStorage({ snapshot: SNAP, entries: ENTRIES, hardState: HS }, (s) => {
        assert.equal(s.term(I(10)), 3);
        assert.deepEqual(
          [11, 12, 13, 14, 15].map((i) => s.term(I(i))),
          TERMS,
        );
        assert.throws(() => s.term(I(9)), CompactedError);
        assert.throws(() => s.term(I(0)), CompactedError);
        assert.throws(() => s.term(I(16)), UnavailableError);
      }));

    it('entries(lo, hi): the half-open range, CompactedError at or below the snapshot, UnavailableError past last+1', () =>
      withStorage({ snapshot: SNAP, entries: ENTRIES, hardState: HS }, (s) => {
        assert.deepEqual(view(s.entries(I(11), I(16), Infinity)), view(ENTRIES));
        assert.deepEqual(view(s.entries(I(12), I(14), Infinity)), view(ENTRIES.slice(1, 3)));
        assert.deepEqual(s.entries(I(16), I(16), Infinity), []);
        assert.throws(() => s.entries(I(10), I(12), Infinity), CompactedError);
        assert.throws(() => s.entries(I(5), I(12), Infinity), CompactedError);
        assert.throws(() => s.entries(I(11), I(17), Infinity), UnavailableError);
      }));

    it('entries(..., maxSize): at least one entry, then never past maxSize (entrySize)', () =>
      withStorage({ snapshot: SNAP, entries: ENTRIES, hardState: HS }, (s) => {
        const [a, b, c] = ENTRIES as [Entry, Entry, Entry];
        assert.deepEqual(view(s.entries(I(11), I(16), 0)), view([a]));
        assert.deepEqual(view(s.entries(I(11), I(16), entrySize(a) - 1)), view([a]));
        assert.deepEqual(view(s.entries(I(11), I(16), entrySize(a) + entrySize(b))), view([a, b]));
        assert.deepEqual(view(s.entries(I(11), I(16), entrySize(a) + entrySize(b) - 1)), view([a]));
        assert.deepEqual(view(s.entries(I(11), I(16), entrySize(a) + entrySize(b) + entrySize(c))), view([a, b, c]));
        assert.deepEqual(view(s.entries(I(13), I(16), 1)), view([c]));
      }));

    it('snapshot() and initialState() reflect the snapshot and the HardState', () =>
      withStorage({ snapshot: SNAP, entries: ENTRIES, hardState: HS }, (s) => {
        const snap = s.snapshot();
        assert.deepEqual(snap.metadata, SNAP.metadata);
        assert.deepEqual([...snap.data], [...SNAP.data]);
        assert.deepEqual(s.initialState(), { hardState: HS, confState: SNAP.metadata.confState });
      }));

    it('a snapshot with no entries after it', () =>
      withStorage({ snapshot: SNAP, entries: [] }, (s) => {
        assert.equal(s.firstIndex(), 11);
        assert.equal(s.lastIndex(), 10);
        assert.equal(s.term(I(10)), 3);
        assert.deepEqual(s.entries(I(11), I(11), Infinity), []);
        assert.throws(() => s.entries(I(11), I(12), Infinity), UnavailableError);
        assert.throws(() => s.term(I(11)), UnavailableError);
      }));
  });
}
