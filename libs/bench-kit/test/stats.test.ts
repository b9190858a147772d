import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LatencySamples, median, medianOfRuns, percentile, summarize } from '../src/stats.ts';

describe('percentile (nearest rank)', () => {
  const ten = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  const cases: readonly [number, number][] = [
    [0, 1],
    [10, 1],
    [11, 2],
    [50, 5],
    [51, 6],
    [90, 9],
    [99, 10],
    [100, 10],
  ];
  for (const [p, want] of cases) it(`p${p} of 1..10 is ${want}`, () => assert.equal(percentile(ten, p), want));

  it('p99 of 1..1000 is 990 and p50 is 500', () => {
    const xs = Float64Array.from({ length: 1000 }, (_, i) => i + 1);
    assert.equal(percentile(xs, 99), 990);
    assert.equal(percentile(xs, 50), 500);
  });

  it('is NaN for no samples and rejects p outside [0, 100]', () => {
    assert.ok(Number.isNaN(percentile([], 50)));
    assert.throws(() => percentile([1], -1), RangeError);
    assert.throws(() => percentile([1], 101), RangeError);
    assert.throws(() => percentile([1], Number.NaN), RangeError);
  });
});

describe('median', () => {
  it('sorts its input numerically, without changing it', () => {
    const xs = [10, 9, 100, 1, 2];
    assert.equal(median(xs), 9);
    assert.deepEqual(xs, [10, 9, 100, 1, 2]);
    assert.equal(median([4, 1, 3, 2]), 2, 'even count: the lower middle');
    assert.ok(Number.isNaN(median([])));
  });
});

describe('LatencySamples', () => {
  it('keeps every sample below the bound', () => {
    const s = new LatencySamples(10);
    for (const x of [5, 1, 3]) s.add(x);
    assert.equal(s.count, 3);
    assert.deepEqual([...s.sorted()], [1, 3, 5]);
  });

  it('keeps memory fixed beyond the bound and still counts every operation', () => {
    let seed = 1;
    const random = (): number => ((seed = (seed * 48271) % 2147483647) - 1) / 2147483646;
    const s = new LatencySamples(1000, random);
    for (let i = 0; i < 100_000; i++) s.add(i % 100);
    assert.equal(s.count, 100_000);
    const kept = s.sorted();
    assert.equal(kept.length, 1000);
    // Uniform 0..99: the reservoir's median lands near 50.
    assert.ok(Math.abs(percentile(kept, 50) - 50) <= 8, `median ${percentile(kept, 50)}`);
  });

  it('rejects a bound that is not a positive integer', () => {
    assert.throws(() => new LatencySamples(0), RangeError);
    assert.throws(() => new LatencySamples(1.5), RangeError);
  });
});

describe('summarize and medianOfRuns', () => {
  it('computes ops/s over the elapsed time and the percentiles', () => {
    const s = new LatencySamples();
    for (let i = 1; i <= 100; i++) s.add(i);
    assert.deepEqual(summarize(s, 2000), { opsPerSec: 50, p50Ms: 50, p99Ms: 99 });
    assert.ok(Number.isNaN(summarize(new LatencySamples(), 1000).p50Ms));
  });

  it('takes the median of each field separately', () => {
    const runs = [
      { opsPerSec: 100, p50Ms: 3, p99Ms: 30 },
      { opsPerSec: 300, p50Ms: 1, p99Ms: 10 },
      { opsPerSec: 200, p50Ms: 2, p99Ms: 90 },
    ];
    assert.deepEqual(medianOfRuns(runs), { opsPerSec: 200, p50Ms: 2, p99Ms: 30 });
  });
});
