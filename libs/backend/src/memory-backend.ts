// An in-memory Backend over a persistent AVL tree. A read view is the root
// pointer at the time read() began, so later writes never show through; a
// write transaction works on its own root and publishes it only when the
// callback returns, so a throw leaves nothing behind. Used by unit tests and
// the simulator, which needs a deterministic engine with no I/O.

import type { Backend, Bytes, RangeOptions, ReadTxn, ValueSink, WriteTxn } from './backend.ts';
import { BackendClosedError, BackendError } from './errors.ts';
import { checkBound, checkKey, checkLimit, checkValue, checkedRestorePairs, isThenable } from './keys.ts';
import {
  treeAscending,
  treeDelete,
  treeDescending,
  treeFromSorted,
  treeGet,
  treePut,
  type TreeNode,
} from './persistent-tree.ts';
import { TxnScope } from './txn-scope.ts';

/** Bookkeeping bytes counted per pair in sizeBytes(): a rough node cost, so empty values still count. */
const PAIR_OVERHEAD_BYTES = 64;

function copy(bytes: Bytes): Bytes {
  return new Uint8Array(bytes);
}

function pairBytes(key: Bytes, value: Bytes): number {
  return key.length + value.length + PAIR_OVERHEAD_BYTES;
}

class MemoryReadTxn implements ReadTxn {
  protected root: TreeNode | undefined;
  protected readonly scope: TxnScope;

  constructor(root: TreeNode | undefined, scope: TxnScope) {
    this.root = root;
    this.scope = scope;
  }

  // Values are copied out and in: a caller mutating a buffer must never
  // change stored state, as it could not with LMDB.
  get(key: Bytes): Bytes | undefined {
    this.scope.check('get');
    checkKey(key);
    const value = treeGet(this.root, key);
    return value === undefined ? undefined : copy(value);
  }

  range(start: Bytes, end: Bytes | undefined, options: RangeOptions = {}): Iterable<readonly [Bytes, Bytes]> {
    this.scope.check('range');
    checkBound(start);
    if (end !== undefined) checkBound(end);
    checkLimit(options.limit);
    // The root is captured now: an iterator sees the state at the range() call
    // even if the same write transaction keeps writing while it is open.
    const root = this.root;
    const limit = options.limit ?? Infinity;
    const nodes = options.reverse === true ? treeDescending(root, start, end) : treeAscending(root, start, end);
    return this.scope.guard('range iteration', function* (): Generator<readonly [Bytes, Bytes]> {
      let produced = 0;
      if (limit === 0) return;
      for (const node of nodes) {
        yield [copy(node.key), copy(node.value)];
        if (++produced >= limit) return;
      }
    });
  }

  rangeInto(start: Bytes, end: Bytes | undefined, sink: ValueSink): Iterable<Bytes> {
    this.scope.check('range');
    checkBound(start);
    if (end !== undefined) checkBound(end);
    const nodes = treeAscending(this.root, start, end);
    return this.scope.guard('range iteration', function* (): Generator<Bytes> {
      for (const node of nodes) {
        const offset = sink.reserve(node.value.length);
        sink.buffer.set(node.value, offset);
        sink.written();
        yield copy(node.key);
      }
    });
  }

  count(start: Bytes, end: Bytes | undefined): number {
    this.scope.check('count');
    checkBound(start);
    if (end !== undefined) checkBound(end);
    let n = 0;
    for (const _ of treeAscending(this.root, start, end)) n++;
    return n;
  }
}

class MemoryWriteTxn extends MemoryReadTxn implements WriteTxn {
  sizeBytes: number;

  constructor(root: TreeNode | undefined, sizeBytes: number, scope: TxnScope) {
    super(root, scope);
    this.sizeBytes = sizeBytes;
  }

  get currentRoot(): TreeNode | undefined {
    return this.root;
  }

  put(key: Bytes, value: Bytes): void {
    this.scope.checkWrite('put');
    checkKey(key);
    checkValue(value);
    const old = treeGet(this.root, key);
    if (old !== undefined) this.sizeBytes -= pairBytes(key, old);
    this.root = treePut(this.root, copy(key), copy(value));
    this.sizeBytes += pairBytes(key, value);
  }

  delete(key: Bytes): void {
    this.scope.checkWrite('delete');
    checkKey(key);
    const old = treeGet(this.root, key);
    if (old === undefined) return;
    this.root = treeDelete(this.root, key);
    this.sizeBytes -= pairBytes(key, old);
  }
}

export class MemoryBackend implements Backend {
  #root: TreeNode | undefined = undefined;
  #sizeBytes = 0;
  #generation = 0;
  #writing = false;
  #restoring = false;
  #closed = false;
  #resolveClosed: () => void = () => {};
  /** Resolves once close() has run. */
  readonly closed: Promise<void> = new Promise((resolve) => {
    this.#resolveClosed = resolve;
  });

  read<T>(fn: (txn: ReadTxn) => T): T {
    this.#checkOpen('read');
    if (this.#writing) throw new BackendError('nested-txn', 'read() inside a write callback');
    const scope = new TxnScope();
    try {
      return fn(new MemoryReadTxn(this.#root, scope));
    } finally {
      scope.end();
    }
  }

  write<T>(fn: (txn: WriteTxn) => T): T {
    this.#checkOpen('write');
    if (this.#writing) throw new BackendError('nested-txn', 'write() inside a write callback');
    const scope = new TxnScope();
    const txn = new MemoryWriteTxn(this.#root, this.#sizeBytes, scope);
    this.#writing = true;
    try {
      const result = fn(txn);
      if (isThenable(result)) {
        throw new BackendError('invalid-argument', 'write callback returned a promise; it must be synchronous');
      }
      this.#root = txn.currentRoot;
      this.#sizeBytes = txn.sizeBytes;
      return result;
    } finally {
      scope.end();
      this.#writing = false;
      this.#generation++;
    }
  }

  flush(): Promise<void> {
    this.#checkOpen('flush');
    return Promise.resolve();
  }

  get generation(): number {
    return this.#generation;
  }

  sizeBytes(): number {
    this.#checkOpen('sizeBytes');
    return this.#sizeBytes;
  }

  sizeBoundBytes(): number {
    this.#checkOpen('sizeBoundBytes');
    return this.#sizeBytes;
  }

  // The interface is an AsyncIterable (a snapshot streams to a peer), but reading the engine is synchronous.
  // eslint-disable-next-line @typescript-eslint/require-await
  async *dump(): AsyncIterable<readonly [Bytes, Bytes]> {
    this.#checkOpen('dump');
    for (const node of treeAscending(this.#root, new Uint8Array(0), undefined)) {
      this.#checkOpen('dump');
      yield [copy(node.key), copy(node.value)];
    }
  }

  /**
   * Collects the pairs (they must be in strictly ascending key order), then
   * swaps the root in one step: a failure part way leaves the old contents.
   * Writes committed while the pairs stream in are replaced too.
   */
  async restore(pairs: AsyncIterable<readonly [Bytes, Bytes]>): Promise<void> {
    this.#checkOpen('restore');
    if (this.#restoring) throw new BackendError('restore-in-progress', 'restore() is already running');
    this.#restoring = true;
    try {
      const collected: (readonly [Bytes, Bytes])[] = [];
      let sizeBytes = 0;
      for await (const [key, value] of checkedRestorePairs(pairs)) {
        collected.push([copy(key), copy(value)]);
        sizeBytes += pairBytes(key, value);
      }
      this.#checkOpen('restore');
      this.#root = treeFromSorted(collected);
      this.#sizeBytes = sizeBytes;
      this.#generation++;
    } finally {
      this.#restoring = false;
    }
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#root = undefined;
    this.#resolveClosed();
    return Promise.resolve();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #checkOpen(operation: string): void {
    if (this.#closed) throw new BackendClosedError(operation);
  }
}
