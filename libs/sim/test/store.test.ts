// The store workload end to end: a fixed seed range passes and exercises
// leases, watches and compaction; every store mutant is caught by the
// checker it targets and replays identically; a store run is deterministic
// and reads no ambient clock or randomness.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { STORE_MUTANTS, type StoreMutantName } from '../src/mutants.ts';
import { runSimulation, type SimResult } from '../src/simulation.ts';
import type { CheckerName } from '../src/violation.ts';
import { withAmbientTraps } from './ambient-traps.ts';

const SEEDS = 10;

describe('the store workload', () => {
  it(`passes seeds 1..${SEEDS}, expiring, renewing and revoking leases, compacting and checking watch events`, async () => {
    const failures: string[] = [];
    const total = { expired: 0, acked: 0, revoked: 0, compactions: 0, events: 0, rewatches: 0, compactionCancels: 0, serializable: 0, linSteps: 0 };
    for (let seed = 1; seed <= SEEDS; seed++) {
      const r = await runSimulation({ seed, workload: 'store' });
      if (!r.ok) failures.push(`seed ${seed}: [${r.violation!.checker}] ${r.violation!.message.split('\n')[0]}`);
      const s = r.stats.store!;
      total.expired += s.leasesExpired;
      total.acked += s.keepAlivesAcked;
      total.revoked += s.leasesRevoked;
      total.compactions += s.compactions;
      total.events += s.watchEventsChecked;
      total.rewatches += s.rewatches;
      total.compactionCancels += s.compactionCancels;
      total.serializable += s.serializableReads;
      total.linSteps += r.stats.linearizabilitySteps;
    }
    assert.deepEqual(failures, []);
    for (const [what, n] of Object.entries(total)) assert.ok(n > 0, `no ${what} in seeds 1..${SEEDS}`);
  });

  it('keeps the register workload the default', async () => {
    const r = await runSimulation({ seed: 1, safetyTicks: 200 });
    assert.equal(r.stats.store, undefined);
    assert.equal(r.workloadParams, '');
  });
});

/** The checker each mutant must trip. */
const EXPECTED: Readonly<Record<StoreMutantName, CheckerName>> = {
  'watch-skip-event': 'watch',
  'duplicate-proposals': 'store-history',
  'early-lease-expiry': 'lease-expiry',
  'stale-read': 'linearizability',
};
/** Measured: each is caught by seed 3 or earlier; 20 leaves a margin. */
const SEED_BUDGET = 20;

describe('store mutants are caught', () => {
  for (const mutant of STORE_MUTANTS) {
    it(`${mutant}: some seed in 1..${SEED_BUDGET} fails ${EXPECTED[mutant]}, and replays identically`, async () => {
      let caught: SimResult | undefined;
      for (let seed = 1; seed <= SEED_BUDGET && caught === undefined; seed++) {
        const r = await runSimulation({ seed, workload: 'store', mutant });
        if (r.violation?.checker === EXPECTED[mutant]) caught = r;
      }
      assert.ok(caught !== undefined, `${mutant} survived ${SEED_BUDGET} seeds`);
      const again = await runSimulation({ seed: caught.seed, workload: 'store', mutant });
      assert.deepEqual(again.violation, caught.violation);
      assert.equal(again.traceHash, caught.traceHash);
    });
  }
});

describe('store determinism', () => {
  it('a seed replays identically, with readable tracing or not, and never reads Math.random, clocks or timers', async () => {
    const trapped: SimResult = await withAmbientTraps(() => runSimulation({ seed: 3, workload: 'store', safetyTicks: 600 }));
    assert.ok(trapped.ok, trapped.violation?.message);
    assert.ok(trapped.stats.store!.watchEventsChecked > 0, 'the run did something');
    const again = await runSimulation({ seed: 3, workload: 'store', safetyTicks: 600, traceLines: 20 });
    assert.equal(again.traceHash, trapped.traceHash);
    assert.deepEqual(again.stats, trapped.stats);
  });
});
