// The simulator must actually exercise snapshots, leadership transfers,
// membership changes and lease-based reads in its default runs, not merely
// be able to: over a fixed small seed range each happens, every seed passes,
// and runs that use them stay deterministic.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { addCoverage, emptyCoverage } from '../src/feature-stats.ts';
import { runSimulation, type SimResult } from '../src/simulation.ts';

const SEEDS = 24;
const SAFETY_TICKS = 1000;

describe('features exercised by default runs', () => {
  it(`seeds 1..${SEEDS} send and apply snapshots, complete transfers, add+promote+remove members, re-add a removed id and serve lease reads`, async () => {
    const coverage = emptyCoverage();
    const failures: string[] = [];
    let leaseReads = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const r = await runSimulation({ seed, safetyTicks: SAFETY_TICKS });
      if (!r.ok) failures.push(`seed ${seed}: [${r.violation!.checker}] ${r.violation!.message.split('\n')[0]}`);
      addCoverage(coverage, r.stats.features);
      leaseReads += r.stats.features.leaseReads;
    }
    assert.deepEqual(failures, []);
    assert.equal(coverage.seeds, SEEDS);
    assert.ok(coverage.snapshotsApplied >= 1, 'a member restored a snapshot a leader sent (MsgSnap)');
    assert.ok(coverage.transfersCompleted >= 1, 'a leadership transfer completed');
    assert.ok(coverage.addPromoteRemove >= 1, 'one run added a learner, promoted one and removed a member');
    assert.ok(coverage.reAdds >= 1, 'a removed id was re-added on a wiped drive');
    assert.ok(coverage.leaderRemovals >= 1, 'a leader was removed from the configuration');
    assert.ok(leaseReads >= 1, 'a read was served under the leader lease');
  });
});

describe('determinism with every feature on', () => {
  /** A seed of the range above whose run uses membership changes, transfers and snapshots. */
  async function featureSeed(): Promise<SimResult> {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const r = await runSimulation({ seed, safetyTicks: SAFETY_TICKS });
      const f = r.stats.features;
      const m = f.membership;
      if (m !== undefined && m.learnersAdded > 0 && m.removed > 0 && f.transfersCompleted > 0 && f.snapshotsApplied > 0) return r;
    }
    assert.fail('no seed exercises membership, transfers and snapshots together');
  }

  it('the same seed replays identically, with or without readable trace lines', async () => {
    const a = await featureSeed();
    const b = await runSimulation({ seed: a.seed, safetyTicks: SAFETY_TICKS });
    const c = await runSimulation({ seed: a.seed, safetyTicks: SAFETY_TICKS, traceLines: 100 });
    assert.equal(b.traceHash, a.traceHash);
    assert.equal(c.traceHash, a.traceHash);
    assert.deepEqual(b.stats, a.stats);
    assert.match(c.traceLines.join('\n'), /t\d+ /);
  });

  it('the in-memory drive replays identically too', async () => {
    const a = await featureSeed();
    const m1 = await runSimulation({ seed: a.seed, safetyTicks: SAFETY_TICKS, disk: 'memory' });
    const m2 = await runSimulation({ seed: a.seed, safetyTicks: SAFETY_TICKS, disk: 'memory' });
    assert.ok(m1.ok, m1.violation?.message);
    assert.equal(m1.traceHash, m2.traceHash);
    assert.deepEqual(m1.stats, m2.stats);
  });
});
