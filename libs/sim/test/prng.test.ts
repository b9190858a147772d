import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Prng, SplitMix32 } from '../src/prng.ts';

describe('Prng', () => {
  it('matches the xoshiro128** reference output for state (1,2,3,4)', () => {
    const p = new Prng(1, 2, 3, 4);
    const got = Array.from({ length: 6 }, () => p.nextU32());
    // Produced by the reference C implementation of xoshiro128**.
    assert.deepEqual(got, [11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  it('matches the splitmix32 reference output', () => {
    const a = new SplitMix32(0);
    assert.deepEqual([a.next(), a.next(), a.next(), a.next()], [2462723854, 1020716019, 454327756, 1275600319]);
    const b = new SplitMix32(42);
    assert.deepEqual([b.next(), b.next()], [939911724, 3948730756]);
  });

  it('is deterministic per seed and differs between seeds', () => {
    const draw = (seed: number): number[] => {
      const p = Prng.fromSeed(seed);
      return Array.from({ length: 8 }, () => p.nextU32());
    };
    assert.deepEqual(draw(7), draw(7));
    assert.notDeepEqual(draw(7), draw(8));
    assert.notDeepEqual(draw(1), draw(1 + 2 ** 32), 'high 32 bits of the seed matter');
  });

  it('rejects invalid seeds and the all-zero state', () => {
    assert.throws(() => Prng.fromSeed(-1), RangeError);
    assert.throws(() => Prng.fromSeed(1.5), RangeError);
    assert.throws(() => new Prng(0, 0, 0, 0), RangeError);
  });

  it('int(n) stays in range and is roughly uniform', () => {
    const p = Prng.fromSeed(123);
    const counts = [0, 0, 0, 0, 0, 0, 0];
    for (let i = 0; i < 70_000; i++) {
      const x = p.int(7);
      assert.ok(x >= 0 && x < 7);
      counts[x]!++;
    }
    for (const c of counts) assert.ok(c > 9_400 && c < 10_600, `bucket count ${c} far from 10000`);
    assert.throws(() => p.int(0), RangeError);
    assert.equal(p.int(1), 0);
  });

  it('range, float, chance and pick respect their bounds', () => {
    const p = Prng.fromSeed(5);
    for (let i = 0; i < 1000; i++) {
      const r = p.range(3, 5);
      assert.ok(r >= 3 && r <= 5);
      const f = p.float();
      assert.ok(f >= 0 && f < 1);
    }
    assert.equal(p.chance(0), false);
    assert.equal(p.chance(1), true);
    let hits = 0;
    for (let i = 0; i < 10_000; i++) if (p.chance(0.25)) hits++;
    assert.ok(hits > 2_300 && hits < 2_700, `chance(0.25) hit ${hits} of 10000`);
    assert.equal(p.pick(['only']), 'only');
    assert.throws(() => p.pick([]), RangeError);
  });

  it('shuffle is a permutation', () => {
    const p = Prng.fromSeed(9);
    const xs = p.shuffle([1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual([...xs].sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('fork yields an independent, deterministic stream', () => {
    const a = Prng.fromSeed(77);
    const b = Prng.fromSeed(77);
    const fa = a.fork();
    const fb = b.fork();
    assert.equal(fa.nextU32(), fb.nextU32());
    assert.equal(a.nextU32(), b.nextU32());
    assert.notEqual(Prng.fromSeed(77).fork().nextU32(), Prng.fromSeed(77).nextU32());
  });
});
