// A persistent (immutable, path-copying) AVL tree keyed by bytes. Every update
// returns a new root and shares all untouched nodes with the old one, so a
// reader holding an old root keeps an unchanging view at O(1) cost, and a
// write transaction can be discarded simply by dropping its root. Seeks and
// updates are O(log n).

import type { Bytes } from './backend.ts';
import { compareBytes } from './keys.ts';

export interface TreeNode {
  readonly key: Bytes;
  readonly value: Bytes;
  readonly left: TreeNode | undefined;
  readonly right: TreeNode | undefined;
  readonly height: number;
}

function height(node: TreeNode | undefined): number {
  return node === undefined ? 0 : node.height;
}

function make(key: Bytes, value: Bytes, left: TreeNode | undefined, right: TreeNode | undefined): TreeNode {
  return { key, value, left, right, height: Math.max(height(left), height(right)) + 1 };
}

function rotateRight(n: TreeNode): TreeNode {
  const l = n.left;
  if (l === undefined) throw new Error('assertion failed: rotateRight without a left child');
  return make(l.key, l.value, l.left, make(n.key, n.value, l.right, n.right));
}

function rotateLeft(n: TreeNode): TreeNode {
  const r = n.right;
  if (r === undefined) throw new Error('assertion failed: rotateLeft without a right child');
  return make(r.key, r.value, make(n.key, n.value, n.left, r.left), r.right);
}

/** Rebuild a node whose subtrees differ in height by at most 2 into a balanced one. */
function balance(key: Bytes, value: Bytes, left: TreeNode | undefined, right: TreeNode | undefined): TreeNode {
  const diff = height(left) - height(right);
  if (diff > 1 && left !== undefined) {
    const l = height(left.left) >= height(left.right) ? left : rotateLeft(left);
    return rotateRight(make(key, value, l, right));
  }
  if (diff < -1 && right !== undefined) {
    const r = height(right.right) >= height(right.left) ? right : rotateRight(right);
    return rotateLeft(make(key, value, left, r));
  }
  return make(key, value, left, right);
}

export function treeGet(root: TreeNode | undefined, key: Bytes): Bytes | undefined {
  let node = root;
  while (node !== undefined) {
    const c = compareBytes(key, node.key);
    if (c === 0) return node.value;
    node = c < 0 ? node.left : node.right;
  }
  return undefined;
}

export function treePut(root: TreeNode | undefined, key: Bytes, value: Bytes): TreeNode {
  if (root === undefined) return make(key, value, undefined, undefined);
  const c = compareBytes(key, root.key);
  if (c === 0) return make(root.key, value, root.left, root.right);
  if (c < 0) return balance(root.key, root.value, treePut(root.left, key, value), root.right);
  return balance(root.key, root.value, root.left, treePut(root.right, key, value));
}

function removeMin(node: TreeNode): { readonly min: TreeNode; readonly rest: TreeNode | undefined } {
  if (node.left === undefined) return { min: node, rest: node.right };
  const { min, rest } = removeMin(node.left);
  return { min, rest: balance(node.key, node.value, rest, node.right) };
}

/** Returns the same root object when the key is absent. */
export function treeDelete(root: TreeNode | undefined, key: Bytes): TreeNode | undefined {
  if (root === undefined) return undefined;
  const c = compareBytes(key, root.key);
  if (c < 0) {
    const left = treeDelete(root.left, key);
    return left === root.left ? root : balance(root.key, root.value, left, root.right);
  }
  if (c > 0) {
    const right = treeDelete(root.right, key);
    return right === root.right ? root : balance(root.key, root.value, root.left, right);
  }
  if (root.left === undefined) return root.right;
  if (root.right === undefined) return root.left;
  const { min, rest } = removeMin(root.right);
  return balance(min.key, min.value, root.left, rest);
}

/** A perfectly balanced tree from pairs already in strictly ascending key order. */
export function treeFromSorted(pairs: readonly (readonly [Bytes, Bytes])[]): TreeNode | undefined {
  const build = (lo: number, hi: number): TreeNode | undefined => {
    if (lo >= hi) return undefined;
    const mid = (lo + hi) >>> 1;
    const pair = pairs[mid];
    if (pair === undefined) throw new Error('assertion failed: treeFromSorted index out of range');
    return make(pair[0], pair[1], build(lo, mid), build(mid + 1, hi));
  };
  return build(0, pairs.length);
}

/** Ascending pairs with start <= key < end (end undefined: no upper bound). */
export function* treeAscending(root: TreeNode | undefined, start: Bytes, end: Bytes | undefined): Generator<TreeNode> {
  const stack: TreeNode[] = [];
  let node = root;
  while (node !== undefined) {
    if (compareBytes(node.key, start) >= 0) {
      stack.push(node);
      node = node.left;
    } else {
      node = node.right;
    }
  }
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    if (end !== undefined && compareBytes(top.key, end) >= 0) return;
    yield top;
    for (let n = top.right; n !== undefined; n = n.left) stack.push(n);
  }
}

/** Descending pairs with start <= key < end (end undefined: no upper bound). */
export function* treeDescending(root: TreeNode | undefined, start: Bytes, end: Bytes | undefined): Generator<TreeNode> {
  const stack: TreeNode[] = [];
  let node = root;
  while (node !== undefined) {
    if (end === undefined || compareBytes(node.key, end) < 0) {
      stack.push(node);
      node = node.right;
    } else {
      node = node.left;
    }
  }
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    if (compareBytes(top.key, start) < 0) return;
    yield top;
    for (let n = top.left; n !== undefined; n = n.right) stack.push(n);
  }
}

/** Checks AVL balance, cached heights and key order; for tests. Returns the node count. */
export function treeCheck(root: TreeNode | undefined): number {
  let count = 0;
  let previous: Bytes | undefined;
  const visit = (node: TreeNode | undefined): number => {
    if (node === undefined) return 0;
    const hl = visit(node.left);
    if (previous !== undefined && compareBytes(previous, node.key) >= 0) throw new Error('tree keys out of order');
    previous = node.key;
    count++;
    const hr = visit(node.right);
    if (Math.abs(hl - hr) > 1) throw new Error('tree out of balance');
    if (node.height !== Math.max(hl, hr) + 1) throw new Error('tree height cache wrong');
    return node.height;
  };
  visit(root);
  return count;
}
