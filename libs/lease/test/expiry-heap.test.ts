import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExpiryHeap } from '../src/index.ts';

function drain(h: ExpiryHeap): [number, number][] {
  const out: [number, number][] = [];
  for (let top = h.peek(); top !== undefined; top = h.peek()) {
    out.push([top.id, top.atMs]);
    h.delete(top.id);
  }
  return out;
}

test('orders by time, then id; set moves an entry instead of duplicating it', () => {
  const h = new ExpiryHeap();
  h.set(3, 100);
  h.set(1, 100);
  h.set(2, 50);
  h.set(4, 10);
  h.set(4, 200); // later
  h.set(3, 5); // earlier
  assert.equal(h.size, 4);
  assert.deepEqual(drain(h), [[3, 5], [2, 50], [1, 100], [4, 200]]);
  assert.equal(h.size, 0);
  assert.equal(h.delete(9), false);
});

test('random set/delete agrees with a sorted array', () => {
  let seed = 12345;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const h = new ExpiryHeap();
  const model = new Map<number, number>();
  for (let step = 0; step < 5000; step++) {
    const id = 1 + rand(60);
    if (rand(3) === 0) {
      assert.equal(h.delete(id), model.delete(id));
    } else {
      const at = rand(1000);
      h.set(id, at);
      model.set(id, at);
    }
    const want = [...model].sort((a, b) => a[1] - b[1] || a[0] - b[0])[0];
    const top = h.peek();
    assert.deepEqual(top === undefined ? undefined : [top.id, top.atMs], want);
    assert.equal(h.size, model.size);
  }
  const want = [...model].sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  assert.deepEqual(drain(h), want);
});
