// The ReadTxn/WriteTxn views LmdbBackend hands to callbacks, and the
// translation of our [start, end) ranges into lmdb's range options.

import type { Database, RangeOptions as LmdbRangeOptions, Transaction } from 'lmdb';
import type { Bytes, RangeOptions, ReadTxn, ValueSink, WriteTxn } from './backend.ts';
import { withCapture } from './lmdb-codec.ts';
import { BackendError } from './errors.ts';
import { checkBound, checkKey, checkLimit, checkValue, compareBytes } from './keys.ts';
import type { TxnScope } from './txn-scope.ts';

export type KvDb = Database<Uint8Array, Uint8Array>;

/** The smallest key there is (keys are never empty): the open start of a range. */
export const SMALLEST_KEY = Uint8Array.of(0x00);

export function wrapFailure(operation: string, error: unknown): BackendError {
  if (error instanceof BackendError) return error;
  return new BackendError('failed', `lmdb ${operation} failed: ${error instanceof Error ? error.message : String(error)}`, {
    cause: error,
  });
}

type MutableLmdbRange = { -readonly [K in keyof LmdbRangeOptions]: LmdbRangeOptions[K] };

/** Our [start, end) in ascending or descending order, in lmdb's terms. */
function lmdbRange(start: Bytes, end: Bytes | undefined, reverse: boolean): MutableLmdbRange {
  const range: MutableLmdbRange = {};
  // lmdb refuses zero-length keys even as bounds; an empty start is the beginning anyway.
  const low = start.length === 0 ? undefined : start;
  if (!reverse) {
    // Left open, lmdb starts at its own default key, which for a custom key
    // codec is not the smallest one: [0x00] (keys are never empty) is.
    range.start = low ?? SMALLEST_KEY;
    if (end !== undefined) range.end = end;
    return range;
  }
  // lmdb walks from `start` down to `end`: our bounds swap, and so do the inclusive ends.
  range.reverse = true;
  if (end !== undefined) {
    range.start = end;
    range.exclusiveStart = true;
  }
  // Left open, lmdb's reverse walk stops short of the key 0x00; [0x00] is the
  // smallest key there is (keys are never empty), so it is the open bound.
  range.end = low ?? SMALLEST_KEY;
  range.inclusiveEnd = true;
  return range;
}

export class LmdbReadTxn implements ReadTxn {
  protected readonly db: KvDb;
  protected readonly scope: TxnScope;
  readonly #transaction: Transaction | undefined;

  /** transaction undefined: inside transactionSync, where lmdb reads through the write txn. */
  constructor(db: KvDb, scope: TxnScope, transaction: Transaction | undefined) {
    this.db = db;
    this.scope = scope;
    this.#transaction = transaction;
  }

  get(key: Bytes): Bytes | undefined {
    this.scope.check('get');
    checkKey(key);
    const value =
      this.#transaction === undefined ? this.db.get(key) : this.db.get(key, { transaction: this.#transaction });
    return value;
  }

  range(start: Bytes, end: Bytes | undefined, options: RangeOptions = {}): Iterable<readonly [Bytes, Bytes]> {
    this.scope.check('range');
    checkBound(start);
    if (end !== undefined) checkBound(end);
    checkLimit(options.limit);
    if (options.limit === 0 || (end !== undefined && compareBytes(start, end) >= 0)) return [];
    const db = this.db;
    const transaction = this.#transaction;
    const lmdbOptions = lmdbRange(start, end, options.reverse === true);
    if (options.limit !== undefined) lmdbOptions.limit = options.limit;
    if (transaction !== undefined) lmdbOptions.transaction = transaction;
    return this.scope.guard('range iteration', () => {
      const entries = db.getRange(lmdbOptions);
      const inner = entries[Symbol.iterator]();
      return {
        next(): IteratorResult<readonly [Bytes, Bytes]> {
          const r = inner.next();
          return r.done === true ? { done: true, value: undefined } : { done: false, value: [r.value.key, r.value.value] };
        },
        return(): IteratorResult<readonly [Bytes, Bytes]> {
          inner.return?.();
          return { done: true, value: undefined };
        },
      };
    });
  }

  rangeInto(start: Bytes, end: Bytes | undefined, sink: ValueSink): Iterable<Bytes> {
    this.scope.check('range');
    checkBound(start);
    if (end !== undefined) checkBound(end);
    if (end !== undefined && compareBytes(start, end) >= 0) return [];
    const db = this.db;
    const lmdbOptions = lmdbRange(start, end, false);
    if (this.#transaction !== undefined) lmdbOptions.transaction = this.#transaction;
    return this.scope.guard('range iteration', () => {
      const inner = db.getRange(lmdbOptions)[Symbol.iterator]();
      return {
        next(): IteratorResult<Bytes> {
          // The value is decoded (into the sink) inside this next() call.
          const r = withCapture(sink, () => inner.next());
          return r.done === true ? { done: true, value: undefined } : { done: false, value: r.value.key };
        },
        return(): IteratorResult<Bytes> {
          inner.return?.();
          return { done: true, value: undefined };
        },
      };
    });
  }

  count(start: Bytes, end: Bytes | undefined): number {
    this.scope.check('count');
    checkBound(start);
    if (end !== undefined) checkBound(end);
    if (end !== undefined && compareBytes(start, end) >= 0) return 0;
    const lmdbOptions = lmdbRange(start, end, false);
    if (this.#transaction !== undefined) lmdbOptions.transaction = this.#transaction;
    try {
      // One native walk of the cursor: no key or value crosses into JavaScript.
      return this.db.getKeysCount(lmdbOptions);
    } catch (error: unknown) {
      throw wrapFailure('count', error);
    }
  }
}

export class LmdbWriteTxn extends LmdbReadTxn implements WriteTxn {
  /** Key writes made through this view (puts and deletes): what ends a batch by size. */
  writes = 0;

  put(key: Bytes, value: Bytes): void {
    this.scope.checkWrite('put');
    checkKey(key);
    checkValue(value);
    try {
      this.db.putSync(key, Buffer.from(value.buffer, value.byteOffset, value.byteLength));
    } catch (error: unknown) {
      throw wrapFailure('put', error);
    }
    this.writes++;
  }

  delete(key: Bytes): void {
    this.scope.checkWrite('delete');
    checkKey(key);
    try {
      this.db.removeSync(key);
    } catch (error: unknown) {
      throw wrapFailure('delete', error);
    }
    this.writes++;
  }
}

