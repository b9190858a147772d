import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HardState, LogIndex, NodeId, Term } from '@logbook/raft';
import {
  decodeConfState,
  decodeEntry,
  decodeHardState,
  encodeConfState,
  encodeEntry,
  encodeHardState,
  logbook,
  ProtoDecodeError,
} from '../src/index.ts';
import { allBytes, entry } from './fixtures.ts';

describe('state codecs', () => {
  it('round-trip entries of both types', () => {
    for (const e of [entry(1, 1), entry(7, 3, allBytes()), entry(8, 3, new Uint8Array([1]), 'conf-change')]) {
      assert.deepStrictEqual(decodeEntry(encodeEntry(e)), e);
    }
  });

  it('round-trip hard states, including the empty one', () => {
    const hs: HardState = { term: 9 as Term, vote: 2 as NodeId, commit: 100 as LogIndex };
    assert.deepStrictEqual(decodeHardState(encodeHardState(hs)), hs);
    const empty: HardState = { term: 0 as Term, vote: 0 as NodeId, commit: 0 as LogIndex };
    assert.equal(encodeHardState(empty).byteLength, 0);
    assert.deepStrictEqual(decodeHardState(new Uint8Array(0)), empty);
  });

  it('round-trip configurations', () => {
    const cs = { voters: [1, 2, 3] as NodeId[], learners: [5] as NodeId[] };
    assert.deepStrictEqual(decodeConfState(encodeConfState(cs)), cs);
  });

  it('reject bad values with a field path', () => {
    const bad = logbook.raft.v1.HardState.encode({ term: 1, vote: 2 ** 55 }).finish();
    assert.throws(() => decodeHardState(bad), (e: unknown) => e instanceof ProtoDecodeError && e.code === 'unsafe-integer' && e.field === 'vote');
    const zeroId = logbook.raft.v1.ConfState.encode({ voters: [0] }).finish();
    assert.throws(() => decodeConfState(zeroId), (e: unknown) => e instanceof ProtoDecodeError && e.field === 'voters[0]');
    const badType = logbook.raft.v1.Entry.encode({ index: 1, type: 3 as logbook.raft.v1.EntryType }).finish();
    assert.throws(() => decodeEntry(badType), (e: unknown) => e instanceof ProtoDecodeError && e.code === 'invalid-enum');
  });
});
