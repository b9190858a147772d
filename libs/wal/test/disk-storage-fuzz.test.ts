// Model-based crash test of DiskStorage on MemFs, against the core's
// MemoryStorage as the model. A seeded sequence of raft-shaped operations —
// appends that may truncate an uncommitted suffix, HardState updates, local
// snapshots with compaction, snapshots received from a leader — with the live
// state compared to the model after every step. Then the disk dies: at a
// random filesystem operation every later one fails (the process is gone,
// possibly mid-rotation, mid-snapshot or mid-release), and power is lost with
// torn writes. The recovered state must be the model's state after some
// operation j at or after the last synced one (the one in flight included),
// possibly plus a prefix of operation j+1's entries (a torn batch).
// Replay one seed with FUZZ_SEED=<seed>; run more with FUZZ_SEEDS=<n>.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryStorage } from '@logbook/raft/core';
import type { ConfState, Entry, HardState, LogIndex, NodeId, Snapshot, Storage, Term } from '@logbook/raft/core';
import { DiskStorage } from '../src/disk-storage.ts';
import { FsError, MemFs } from '../src/fs/mem-fs.ts';
import { entry, prng, RecordingLogger, text } from './helpers.ts';

const CS: ConfState = { voters: [1, 2, 3] as NodeId[], learners: [] };
const I = (n: number): LogIndex => n as LogIndex;

interface View {
  readonly snapIndex: number;
  readonly snapTerm: number;
  /** Entries after the snapshot: [index, term, data]. */
  readonly log: readonly (readonly [number, number, string])[];
  readonly hardState: HardState;
}

interface Step {
  readonly after: View;
  /** Entries the step wrote (a torn write may keep a prefix of them). */
  readonly entries: readonly Entry[];
}

function viewOf(s: Storage): View {
  const snap = s.snapshot().metadata;
  const es = snap.index < s.lastIndex() ? s.entries(I(snap.index + 1), I(s.lastIndex() + 1), Infinity) : [];
  return {
    snapIndex: snap.index,
    snapTerm: snap.term,
    log: es.map((e) => [e.index, e.term, text(e.data)] as const),
    hardState: s.initialState().hardState,
  };
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

async function runSeed(seed: number): Promise<void> {
  const random = prng(seed);
  const fs = new MemFs();
  const opts = { fs, logger: new RecordingLogger(), metadata: { memberId: 1, clusterId: 1 }, segmentSizeBytes: 1024 + random(3000) };
  const ds = await DiskStorage.bootstrap('/n', CS, opts);
  const model = MemoryStorage.bootstrap(CS);
  const steps: Step[] = [{ after: viewOf(model), entries: [] }];
  let lastSynced = 0;
  let fsOps = 0;
  const dieAt = random(400);
  fs.setFaultHook((op, path) => (fsOps++ >= dieAt ? new FsError('EIO', op, path) : undefined));
  let term = 1;
  for (let n = 20 + random(40); n > 0; n--) {
    const hs = model.initialState().hardState;
    const commit = hs.commit as number;
    const last = model.lastIndex() as number;
    const snapIndex = model.snapshot().metadata.index as number;
    const dice = random(10);
    let written: Entry[] = [];
    let synced = true;
    let run: () => Promise<unknown>;
    if (dice === 0 && commit > snapIndex) {
      const index = snapIndex + 1 + random(commit - snapIndex);
      const data = new TextEncoder().encode(`sm@${index}`);
      const retain = random(5);
      model.createSnapshot(I(index), CS, data);
      if (index - retain >= model.firstIndex()) model.compact(I(index - retain));
      run = () => ds.createSnapshot(I(index), CS, data, retain);
    } else if (dice === 1) {
      // A snapshot from a new leader, beyond everything committed here.
      term += 1;
      const index = commit + 1 + random(6);
      const snap: Snapshot = { metadata: { index: I(index), term: term as Term, confState: CS }, data: new TextEncoder().encode(`leader@${index}`) };
      written = Array.from({ length: random(3) }, (_, k) => entry(index + 1 + k, term, `s${seed}t${term}i${index + 1 + k}`));
      const hardState: HardState = { term: term as Term, vote: 0 as NodeId, commit: I(index) };
      model.applySnapshot(snap);
      model.append(written);
      model.setHardState(hardState);
      run = () => ds.persist({ snapshot: snap, entries: written, hardState, mustSync: random(2) === 0 });
    } else {
      // Append at most one past the end, never over committed entries.
      const lo = Math.max(commit + 1, snapIndex + 1);
      const from = lo + random(last + 2 - lo);
      if (from <= last) term += random(2);
      written = Array.from({ length: 1 + random(5) }, (_, k) => entry(from + k, term, `s${seed}t${term}i${from + k}`.repeat(1 + random(8))));
      const hardState: HardState = { term: term as Term, vote: 1 as NodeId, commit: I(Math.min(from + written.length - 1, commit + random(4))) };
      synced = random(3) !== 0;
      model.append(written);
      model.setHardState(hardState);
      run = () => ds.persist({ entries: written, hardState, mustSync: synced });
    }
    steps.push({ after: viewOf(model), entries: written });
    try {
      await run();
    } catch (err) {
      assert.ok(err instanceof FsError, `seed ${seed}: unexpected ${String(err)}`);
      break; // the process died in the middle of this step
    }
    assert.ok(same(viewOf(ds.storage), viewOf(model)), `seed ${seed}: live state differs from the model`);
    if (synced) lastSynced = steps.length - 1;
  }
  fs.setFaultHook(undefined);
  fs.crash({ random });
  const back = await DiskStorage.open('/n', { ...opts, logger: new RecordingLogger() });
  const got = viewOf(back.storage);
  const matches = (j: number): boolean => {
    const want = steps[j]!.after;
    const next = steps[j + 1];
    if (got.snapIndex !== want.snapIndex || got.snapTerm !== want.snapTerm) return false;
    const hsIs = (v: View | undefined): boolean => v !== undefined && same(v.hardState, got.hardState);
    // The HardState is a batch's last record: a batch torn just before it leaves the previous one.
    if (same(got.log, want.log) && (hsIs(want) || hsIs(steps[j - 1]?.after))) return true;
    if (next === undefined || !hsIs(want)) return false;
    for (let k = 1; k <= next.entries.length; k++) {
      const firstNew = next.entries[0]!.index;
      const torn = [...want.log.filter(([i]) => i < firstNew), ...next.entries.slice(0, k).map((e) => [e.index, e.term, text(e.data)] as const)];
      if (same(got.log, torn)) return true;
    }
    return false;
  };
  assert.ok(
    steps.some((_, j) => j >= lastSynced && matches(j)),
    `seed ${seed}: recovered state matches no step at or after ${lastSynced}:\n${JSON.stringify(got)}`,
  );
  // The recovered storage takes the next write.
  await back.persist({ entries: [entry(back.storage.lastIndex() + 1, term + 1, 'after')], mustSync: true });
  await back.close();
}

describe('DiskStorage crash fuzz (MemFs, MemoryStorage as the model)', () => {
  const only = process.env['FUZZ_SEED'];
  const seeds = only !== undefined ? [Number(only)] : Array.from({ length: Number(process.env['FUZZ_SEEDS'] ?? 150) }, (_, i) => i + 1);
  it(`recovers a consistent prefix for ${seeds.length} seeds`, async () => {
    for (const seed of seeds) await runSeed(seed);
  });
});
