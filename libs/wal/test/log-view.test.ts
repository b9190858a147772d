import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompactedError, UnavailableError } from '@logbook/raft/core';
import type { Entry, LogIndex, Term } from '@logbook/raft/core';

import { CHUNK_BYTES, LogView } from '../src/log-view.ts';

const idx = (n: number): LogIndex => n as LogIndex;
const trm = (n: number): Term => n as Term;

/** An entry whose payload says which index and term it was written for. */
function entry(index: number, term: number, bytes = 16, type: Entry['type'] = 'normal'): Entry {
  const data = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) data[i] = (index * 31 + term * 7 + i) & 0xff;
  return { term: trm(term), index: idx(index), type, data };
}

function plain(e: Entry): { term: number; index: number; type: string; data: number[] } {
  return { term: e.term, index: e.index, type: e.type, data: [...e.data] };
}

test('LogView: entries come back equal to what was appended, and the callers\' buffers are not kept', () => {
  const v = new LogView(idx(10), trm(2));
  const es = [entry(11, 2), entry(12, 3, 0), entry(13, 3, 40, 'conf-change')];
  v.append(es);
  const copy = es.map(plain);
  es[0]!.data.fill(0); // the caller reuses its buffer
  assert.deepEqual(v.entries(idx(11), idx(14), Infinity).map(plain), copy);
  assert.deepEqual(v.all().map(plain), copy);
  assert.equal(v.term(idx(10)), 2);
  assert.equal(v.term(idx(13)), 3);
  assert.equal(v.matchTerm(12, 3), true);
  assert.equal(v.matchTerm(12, 2), false);
  assert.throws(() => v.term(idx(9)), CompactedError);
  assert.throws(() => v.term(idx(14)), UnavailableError);
  assert.throws(() => v.entries(idx(10), idx(12), Infinity), CompactedError);
  assert.throws(() => v.entries(idx(11), idx(15), Infinity), UnavailableError);
});

test('LogView: entries() stops at maxSizeBytes but always returns one entry', () => {
  const v = new LogView(idx(0), trm(0));
  v.append([entry(1, 1, 100), entry(2, 1, 100), entry(3, 1, 100)]);
  // entrySize = payload + 24.
  assert.equal(v.entries(idx(1), idx(4), 10).length, 1);
  assert.equal(v.entries(idx(1), idx(4), 248).length, 2);
  assert.equal(v.entries(idx(1), idx(4), 247).length, 1);
});

test('LogView: payloads span chunks; an oversized entry gets its own; compaction frees chunks below the first entry left', () => {
  const v = new LogView(idx(0), trm(0));
  const big = Math.floor(CHUNK_BYTES / 3) + 1; // three do not fit in one chunk
  const es = [entry(1, 1, big), entry(2, 1, big), entry(3, 1, big), entry(4, 1, CHUNK_BYTES + 5), entry(5, 1, 10), entry(6, 1, big)];
  v.append(es);
  assert.deepEqual(v.all().map(plain), es.map(plain));
  const held = v.chunkBytes;
  assert.ok(held >= 3 * CHUNK_BYTES + CHUNK_BYTES + 5, `chunk bytes ${held}`);
  const viewOf5 = v.entries(idx(5), idx(6), Infinity)[0]!;
  v.compact(idx(4));
  assert.ok(v.chunkBytes <= held - 2 * CHUNK_BYTES - CHUNK_BYTES - 5, `chunk bytes after compaction ${v.chunkBytes}`);
  assert.deepEqual(v.all().map(plain), es.slice(4).map(plain));
  assert.deepEqual(plain(viewOf5), plain(es[4]!));
  v.compact(idx(6));
  assert.equal(v.lastIndex(), 6);
  assert.equal(v.term(idx(6)), 1);
  assert.ok(v.chunkBytes <= CHUNK_BYTES, `chunk bytes with no entries ${v.chunkBytes}`);
});

test('LogView: a conflicting append truncates the suffix; views handed out before stay intact', () => {
  const v = new LogView(idx(0), trm(0));
  v.append([entry(1, 1), entry(2, 1), entry(3, 1)]);
  const old3 = v.entries(idx(3), idx(4), Infinity)[0]!;
  v.append([entry(2, 2, 8), entry(3, 2, 8)]);
  assert.deepEqual(v.all().map(plain), [entry(1, 1), entry(2, 2, 8), entry(3, 2, 8)].map(plain));
  assert.deepEqual(plain(old3), plain(entry(3, 1)));
  // Entries at or below the offset are ignored; a gap is refused.
  v.compact(idx(2));
  v.append([entry(1, 9), entry(2, 9), entry(3, 2, 8), entry(4, 2)]);
  assert.deepEqual(v.all().map(plain), [entry(3, 2, 8), entry(4, 2)].map(plain));
  assert.throws(() => v.append([entry(6, 2)]), /gap/);
});

test('LogView: a snapshot the log holds compacts it; one it does not hold discards the log', () => {
  const v = new LogView(idx(0), trm(0));
  v.append([entry(1, 1), entry(2, 1), entry(3, 2)]);
  v.applySnapshot(idx(2), trm(1));
  assert.equal(v.offset, 2);
  assert.deepEqual(v.all().map(plain), [entry(3, 2)].map(plain));
  v.applySnapshot(idx(3), trm(5));
  assert.equal(v.offset, 3);
  assert.equal(v.offsetTerm, 5);
  assert.equal(v.lastIndex(), 3);
  assert.equal(v.chunkBytes, 0);
  v.append([entry(4, 5)]);
  assert.deepEqual(v.all().map(plain), [entry(4, 5)].map(plain));
});

test('LogView: random appends, truncations, compactions and snapshots agree with a list of entries', () => {
  let seed = 42;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  for (let round = 0; round < 20; round++) {
    const v = new LogView(idx(0), trm(0));
    let model: Entry[] = [];
    let offset = 0;
    let term = 1;
    for (let step = 0; step < 400; step++) {
      const last = offset + model.length;
      const op = rnd(10);
      if (op < 6) {
        // Append 1-40 entries, from a random point at most one past the end.
        const from = offset + 1 + rnd(model.length + 1);
        if (rnd(3) === 0) term++;
        const n = 1 + rnd(40);
        const es = Array.from({ length: n }, (_, k) => entry(from + k, term, rnd(5) === 0 ? rnd(300_000) : rnd(200)));
        v.append(es);
        model = [...model.slice(0, from - offset - 1), ...es];
      } else if (op < 9 && model.length > 0) {
        const to = offset + 1 + rnd(model.length);
        v.compact(idx(to));
        model = model.slice(to - offset);
        offset = to;
      } else if (model.length > 0) {
        const at = offset + 1 + rnd(model.length);
        const t = rnd(2) === 0 ? model[at - offset - 1]!.term : term + 1;
        v.applySnapshot(idx(at), trm(t));
        model = t === model[at - offset - 1]!.term ? model.slice(at - offset) : [];
        offset = at;
      }
      assert.equal(v.offset, offset);
      assert.equal(v.lastIndex(), offset + model.length, `round ${round} step ${step}: last index (was ${last})`);
      if (model.length > 0) {
        const lo = offset + 1 + rnd(model.length);
        const hi = lo + rnd(offset + model.length + 2 - lo);
        assert.deepEqual(v.entries(idx(lo), idx(hi), Infinity).map(plain), model.slice(lo - offset - 1, hi - offset - 1).map(plain));
        const i = offset + 1 + rnd(model.length);
        assert.equal(v.term(idx(i)), model[i - offset - 1]!.term);
      }
    }
    assert.deepEqual(v.all().map(plain), model.map(plain));
  }
});
