import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  treeAscending,
  treeCheck,
  treeDelete,
  treeDescending,
  treeFromSorted,
  treeGet,
  treePut,
  type TreeNode,
} from '../src/persistent-tree.ts';

/** A seeded xorshift32 in [0, 1): the test replays exactly. */
function seeded(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

describe('persistent AVL tree', () => {
  it('matches a sorted-map model under random puts and deletes, and old roots never change', () => {
    const random = seeded(7);
    let root: TreeNode | undefined;
    const model = new Map<number, number>();
    const snapshots: { root: TreeNode | undefined; entries: [number, number][] }[] = [];
    for (let step = 0; step < 4000; step++) {
      const k = Math.floor(random() * 500);
      if (random() < 0.35) {
        root = treeDelete(root, Uint8Array.of(k >> 8, k & 0xff));
        model.delete(k);
      } else {
        root = treePut(root, Uint8Array.of(k >> 8, k & 0xff), Uint8Array.of(step & 0xff));
        model.set(k, step & 0xff);
      }
      if (step % 500 === 0) snapshots.push({ root, entries: [...model].sort((a, b) => a[0] - b[0]) });
    }
    assert.equal(treeCheck(root), model.size);
    for (const [k, v] of model) assert.deepEqual(treeGet(root, Uint8Array.of(k >> 8, k & 0xff)), Uint8Array.of(v));
    for (const snapshot of snapshots) {
      const seen = [...treeAscending(snapshot.root, new Uint8Array(0), undefined)].map((n): [number, number] => [
        (n.key[0] ?? 0) * 256 + (n.key[1] ?? 0),
        n.value[0] ?? -1,
      ]);
      assert.deepEqual(seen, snapshot.entries);
    }
  });

  it('deleting an absent key returns the same root', () => {
    const root = treePut(undefined, Uint8Array.of(1), Uint8Array.of(1));
    assert.equal(treeDelete(root, Uint8Array.of(2)), root);
  });

  it('builds balanced trees from sorted pairs and walks bounded ranges both ways', () => {
    const pairs = Array.from({ length: 1000 }, (_, i) => [Uint8Array.of(i >> 8, i & 0xff), Uint8Array.of(0)] as const);
    const root = treeFromSorted(pairs);
    assert.equal(treeCheck(root), 1000);
    assert.ok((root?.height ?? 0) <= 11);
    const up = [...treeAscending(root, Uint8Array.of(1, 0), Uint8Array.of(1, 5))].map((n) => n.key[1]);
    assert.deepEqual(up, [0, 1, 2, 3, 4]);
    const down = [...treeDescending(root, Uint8Array.of(1, 0), Uint8Array.of(1, 5))].map((n) => n.key[1]);
    assert.deepEqual(down, [4, 3, 2, 1, 0]);
  });
});
