// The behaviour every Persistence must have, as runnable cases, so one suite
// holds the in-memory fake and libs/wal's DiskStorage to the same contract:
//
//   for (const c of persistenceContract) test(c.name, () => c.run(factory));
//
// Framework-agnostic on purpose (node:assert only): this module is reachable
// from the package's public face and must not pull in a test runner.

import assert from 'node:assert/strict';

import type { ConfState, Entry, HardState, LogIndex, NodeId, Term } from '../../core/types.ts';
import type { Persistence } from '../persistence.ts';

export interface PersistenceFactory {
  /** Persistence of a member of a brand-new cluster whose initial members are `cs`. */
  bootstrap(cs: ConfState): Promise<Persistence>;
  /** Close `p` (already closed by the case) and open the same durable state again. */
  reopen(p: Persistence): Promise<Persistence>;
}

export interface PersistenceContractCase {
  readonly name: string;
  run(factory: PersistenceFactory): Promise<void>;
}

const CS: ConfState = { voters: [1, 2, 3] as NodeId[], learners: [] };
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
/** Byte equality; a Buffer (a Uint8Array subclass) is as good as a Uint8Array. */
const sameBytes = (actual: Uint8Array, expected: Uint8Array, what: string): void =>
  assert.deepEqual(Array.from(actual), Array.from(expected), what);

function ents(from: number, to: number, term: number, tag = 'e'): Entry[] {
  const out: Entry[] = [];
  for (let i = from; i <= to; i++) {
    out.push({ index: i as LogIndex, term: term as Term, type: 'normal', data: bytes(`${tag}${i}`) });
  }
  return out;
}

const hs = (term: number, vote: number, commit: number): HardState => ({
  term: term as Term,
  vote: vote as NodeId,
  commit: commit as LogIndex,
});

/** Appends entries right after whatever the bootstrapped log holds; returns the first index used. */
async function appendAfterBootstrap(p: Persistence, count: number, term: number, tag = 'e'): Promise<number> {
  const first = p.storage.lastIndex() + 1;
  await p.persist({ entries: ents(first, first + count - 1, term, tag), hardState: hs(term, 1, first - 1), mustSync: true });
  return first;
}

export const persistenceContract: readonly PersistenceContractCase[] = [
  {
    name: 'bootstrap exposes the initial configuration and an empty log',
    async run(f) {
      const p = await f.bootstrap(CS);
      try {
        assert.deepEqual(p.storage.initialState().confState, CS);
        assert.equal(p.storage.lastIndex(), p.storage.firstIndex() - 1);
      } finally {
        await p.close();
      }
    },
  },
  {
    name: 'persisted entries and hard state are visible through storage once persist resolves',
    async run(f) {
      const p = await f.bootstrap(CS);
      try {
        const first = await appendAfterBootstrap(p, 5, 2);
        await p.persist({ entries: [], hardState: hs(2, 1, first + 2), mustSync: false });
        assert.equal(p.storage.lastIndex(), first + 4);
        assert.equal(p.storage.term((first + 4) as LogIndex), 2);
        const got = p.storage.entries(first as LogIndex, (first + 5) as LogIndex, Number.MAX_SAFE_INTEGER);
        assert.deepEqual(got.map((e) => new TextDecoder().decode(e.data)), [0, 1, 2, 3, 4].map((i) => `e${first + i}`));
        assert.deepEqual(p.storage.initialState().hardState, hs(2, 1, first + 2));
      } finally {
        await p.close();
      }
    },
  },
  {
    name: 'entries at an existing index replace it and everything after it',
    async run(f) {
      const p = await f.bootstrap(CS);
      try {
        const first = await appendAfterBootstrap(p, 5, 2);
        await p.persist({ entries: ents(first + 2, first + 3, 3, 'x'), mustSync: true });
        assert.equal(p.storage.lastIndex(), first + 3);
        assert.equal(p.storage.term((first + 1) as LogIndex), 2);
        assert.equal(p.storage.term((first + 2) as LogIndex), 3);
        const [e] = p.storage.entries((first + 3) as LogIndex, (first + 4) as LogIndex, Number.MAX_SAFE_INTEGER);
        assert.equal(new TextDecoder().decode(e?.data), `x${first + 3}`);
      } finally {
        await p.close();
      }
    },
  },
  {
    name: 'a snapshot from the leader replaces the log; later entries follow it',
    async run(f) {
      const p = await f.bootstrap(CS);
      try {
        await appendAfterBootstrap(p, 3, 2);
        const snap = { metadata: { index: 50 as LogIndex, term: 4 as Term, confState: CS }, data: bytes('state@50') };
        await p.persist({ entries: [], snapshot: snap, hardState: hs(4, 0, 50), mustSync: true });
        assert.equal(p.storage.firstIndex(), 51);
        assert.equal(p.storage.lastIndex(), 50);
        assert.equal(p.storage.term(50 as LogIndex), 4);
        assert.deepEqual(p.storage.snapshot().metadata, snap.metadata);
        sameBytes(p.storage.snapshot().data, snap.data, 'snapshot data');
        await p.persist({ entries: ents(51, 52, 4), mustSync: true });
        assert.equal(p.storage.lastIndex(), 52);
      } finally {
        await p.close();
      }
    },
  },
  {
    name: 'createSnapshot records the snapshot and keeps at least retainEntries entries behind it',
    async run(f) {
      const p = await f.bootstrap(CS);
      try {
        const first = await appendAfterBootstrap(p, 20, 2);
        const at = (first + 14) as LogIndex;
        const cs2: ConfState = { voters: [1, 2, 3, 4] as NodeId[], learners: [] };
        const snap = await p.createSnapshot(at, cs2, bytes('app'), 5);
        assert.deepEqual(snap.metadata, { index: at, term: 2, confState: cs2 });
        assert.deepEqual(p.storage.snapshot().metadata, snap.metadata);
        assert.ok(p.storage.firstIndex() <= at - 5 + 1, 'entries within retainEntries of the snapshot must remain');
        assert.equal(p.storage.lastIndex(), first + 19);
        // Entries after the snapshot are untouched.
        assert.equal(p.storage.entries((at + 1) as LogIndex, (at + 6) as LogIndex, Number.MAX_SAFE_INTEGER).length, 5);
      } finally {
        await p.close();
      }
    },
  },
  {
    name: 'everything persisted with mustSync survives close and reopen',
    async run(f) {
      const p = await f.bootstrap(CS);
      const first = await appendAfterBootstrap(p, 10, 3);
      await p.createSnapshot((first + 4) as LogIndex, CS, bytes('app'), 2);
      await p.close();
      const q = await f.reopen(p);
      try {
        assert.equal(q.storage.lastIndex(), first + 9);
        assert.equal(q.storage.term((first + 9) as LogIndex), 3);
        assert.deepEqual(q.storage.initialState().hardState, hs(3, 1, first - 1));
        assert.equal(q.storage.snapshot().metadata.index, first + 4);
        sameBytes(q.storage.snapshot().data, bytes('app'), 'snapshot data after reopen');
        assert.deepEqual(q.storage.initialState().confState, CS);
      } finally {
        await q.close();
      }
    },
  },
];
