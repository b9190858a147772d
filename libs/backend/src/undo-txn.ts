// A savepoint inside one write transaction: UndoTxn remembers each key's
// value before its first write through it and puts them back on rollback.
// Two users:
// - The MVCC layer applies several log entries in one backend write (one
//   commit per Raft Ready, not per entry); an entry that fails etcd's checks
//   part-way (a Txn whose third op names a missing lease) must change
//   nothing, while the entries before and after it stand.
// - LmdbBackend's batches run many write() calls in one LMDB transaction;
//   a write() whose callback throws must change nothing, while the writes
//   before it in the batch stand.

import type { Bytes, RangeOptions, ReadTxn, ValueSink, WriteTxn } from './backend.ts';

export class UndoTxn implements WriteTxn {
  readonly #inner: WriteTxn;
  /** Key (as a string of its bytes) → its value before this entry's first write to it, or undefined if absent. */
  readonly #before = new Map<string, { readonly key: Bytes; readonly value: Bytes | undefined }>();

  constructor(inner: WriteTxn) {
    this.#inner = inner;
  }

  get(key: Bytes): Bytes | undefined {
    return this.#inner.get(key);
  }

  range(start: Bytes, end: Bytes | undefined, options?: RangeOptions): Iterable<readonly [Bytes, Bytes]> {
    return this.#inner.range(start, end, options);
  }

  rangeInto(start: Bytes, end: Bytes | undefined, sink: ValueSink): Iterable<Bytes> {
    return this.#inner.rangeInto(start, end, sink);
  }

  count(start: Bytes, end: Bytes | undefined): number {
    return this.#inner.count(start, end);
  }

  put(key: Bytes, value: Bytes): void {
    this.#remember(key);
    this.#inner.put(key, value);
  }

  delete(key: Bytes): void {
    this.#remember(key);
    this.#inner.delete(key);
  }

  /** Restore every key this entry wrote to its value before the entry. */
  rollback(): void {
    for (const { key, value } of this.#before.values()) {
      if (value === undefined) this.#inner.delete(key);
      else this.#inner.put(key, value);
    }
    this.#before.clear();
  }

  #remember(key: Bytes): void {
    const id = Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1');
    if (this.#before.has(id)) return;
    const value = (this.#inner as ReadTxn).get(key);
    // The engine's value is already our own copy (ReadTxn.get); the caller's key is copied.
    this.#before.set(id, { key: key.slice(), value });
  }
}
