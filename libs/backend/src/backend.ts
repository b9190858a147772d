// The storage engine seam under the MVCC state machine: an ordered byte-key
// store with synchronous, atomic transactions (the shape of LMDB, the analog
// of etcd's bbolt). The MVCC apply function is deterministic given the
// backend's contents, so every store member that applies the same log holds
// byte-identical state.

export type Bytes = Uint8Array;

export interface RangeOptions {
  /** Descending key order. */
  readonly reverse?: boolean;
  /** Stop after this many pairs. */
  readonly limit?: number;
}

/**
 * Where rangeInto() copies values: into `buffer`, one after another, with no
 * array allocated per value. For each value the engine calls reserve(size),
 * copies the value to buffer[offset, offset + size) and calls written().
 */
export interface ValueSink {
  /** The buffer values are copied into (reserve() may replace it with a larger one). */
  readonly buffer: Uint8Array;
  /** Make room for a value of `size` bytes; returns its offset in `buffer`. */
  reserve(size: number): number;
  /** The value is now at the offset reserve() returned. */
  written(): void;
}

export interface ReadTxn {
  /** Returned bytes are the caller's own (a copy). */
  get(key: Bytes): Bytes | undefined;
  /**
   * Pairs with start <= key < end in byte order (descending when reverse);
   * end undefined means to the end of the keyspace. Lazily produced; the
   * iterable is valid only inside the transaction callback.
   */
  range(start: Bytes, end: Bytes | undefined, options?: RangeOptions): Iterable<readonly [Bytes, Bytes]>;
  /**
   * range(), ascending, without an array per value: yields each key after
   * copying its value into `sink`. For long scans whose values are passed
   * on as bytes (a range answered in wire form).
   */
  rangeInto(start: Bytes, end: Bytes | undefined, sink: ValueSink): Iterable<Bytes>;
  /** How many keys have start <= key < end (end undefined: to the end), without reading a value. */
  count(start: Bytes, end: Bytes | undefined): number;
}

export interface WriteTxn extends ReadTxn {
  put(key: Bytes, value: Bytes): void;
  delete(key: Bytes): void;
}

export interface Backend {
  /** Run fn against a consistent view; reads never block writes. */
  read<T>(fn: (txn: ReadTxn) => T): T;
  /**
   * Run fn in one write transaction and commit it atomically: all of its
   * writes or none. fn must be synchronous; reads inside see its own writes.
   * If fn throws, nothing is written and the error propagates.
   */
  write<T>(fn: (txn: WriteTxn) => T): T;
  /**
   * Wait until every committed write is durable on disk. (Writes may be
   * committed without an fsync each: the Raft WAL is the durability source
   * and the state machine records the applied index with its data, so a
   * crash loses at most a suffix that is re-applied from the WAL.)
   */
  flush(): Promise<void>;
  /** Bytes the engine's data occupies (for a disk engine, the file size its pages need). */
  sizeBytes(): number;
  /**
   * Never below sizeBytes(), and cheap enough to ask on every request (a
   * quota check asks sizeBytes() only when this is over the quota).
   */
  sizeBoundBytes(): number;
  /**
   * Goes up with every commit that may change the contents (a write(), each
   * step of a restore()). Equal values mean nothing was written in between:
   * a caller may keep what it derived from the contents while it holds.
   */
  readonly generation: number;
  /** Every pair, in key order, from one consistent view: the source of a Raft snapshot. */
  dump(): AsyncIterable<readonly [Bytes, Bytes]>;
  /** Replace the whole contents with the given pairs (a Raft snapshot received). */
  restore(pairs: AsyncIterable<readonly [Bytes, Bytes]>): Promise<void>;
  close(): Promise<void>;
}
