import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Backoff } from '../src/backoff.ts';

it('doubles from the initial delay up to the cap, jittered within [d/2, d]', () => {
  const lowest = new Backoff(100, 1_000, () => 0);
  assert.deepStrictEqual(Array.from({ length: 6 }, () => lowest.next()), [50, 100, 200, 400, 500, 500]);
  const highest = new Backoff(100, 1_000, (n) => n - 1);
  assert.deepStrictEqual(Array.from({ length: 6 }, () => highest.next()), [100, 200, 400, 800, 1_000, 1_000]);
});

it('starts over after reset()', () => {
  const b = new Backoff(10, 1_000, () => 0);
  b.next();
  b.next();
  assert.equal(b.attempt, 2);
  b.reset();
  assert.equal(b.next(), 5);
});

it('asks the injected random for integers in the allowed range only', () => {
  const asked: number[] = [];
  const b = new Backoff(7, 50, (n) => {
    asked.push(n);
    return 0;
  });
  for (let i = 0; i < 40; i++) b.next(); // far past 2^30 doublings of the exponent cap
  assert.deepStrictEqual(asked.slice(0, 4), [4, 8, 15, 26]);
  assert.ok(asked.slice(3).every((n) => n === 26));
});
