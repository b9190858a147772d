import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runSimulation } from '../src/simulation.ts';
import { withAmbientTraps } from './ambient-traps.ts';

describe('determinism', () => {
  it('the same seed yields the same event trace, twice, with or without readable tracing', async () => {
    for (const seed of [2, 7]) {
      const a = await runSimulation({ seed, safetyTicks: 600 });
      const b = await runSimulation({ seed, safetyTicks: 600 });
      const c = await runSimulation({ seed, safetyTicks: 600, traceLines: 50 });
      assert.ok(a.stats.network.sent > 100, 'the run did something');
      assert.equal(a.traceHash, b.traceHash);
      assert.equal(a.traceHash, c.traceHash);
      assert.equal(a.ticks, b.ticks);
      assert.deepEqual(a.stats, b.stats);
      assert.equal(c.traceLines.length, 50);
    }
  });

  it('different seeds yield different traces', async () => {
    const a = await runSimulation({ seed: 2, safetyTicks: 300 });
    const b = await runSimulation({ seed: 3, safetyTicks: 300 });
    assert.notEqual(a.traceHash, b.traceHash);
  });

  it('the in-memory drive is deterministic too', async () => {
    const a = await runSimulation({ seed: 4, safetyTicks: 400, disk: 'memory' });
    const b = await runSimulation({ seed: 4, safetyTicks: 400, disk: 'memory' });
    assert.equal(a.traceHash, b.traceHash);
  });
});

describe('no ambient nondeterminism', () => {
  it('a run never calls Math.random, Date.now, performance.now or timers', async () => {
    const result = await withAmbientTraps(() => runSimulation({ seed: 6, safetyTicks: 400 }));
    assert.doesNotMatch(result.violation?.message ?? '', /simulation called/);
    assert.ok(result.stats.network.sent > 0, 'the run did something');
  });
});
