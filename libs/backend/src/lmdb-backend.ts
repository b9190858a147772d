// A Backend over LMDB (the `lmdb` package): a B+tree in a memory-mapped file
// with copy-on-write pages, one writer and lock-free snapshot readers — the
// same shape as etcd's bbolt.
//
// Layout: one LMDB environment (a directory) holding three named databases.
// `kv-a` and `kv-b` alternate as the live keyspace; `meta` records which one
// is live. restore() fills the idle one and flips the pointer in a single
// write transaction, so a restore is atomic even across a crash: until the
// flip commits the old keyspace is live and the half-filled idle one is
// ignored (and cleared on the next open or restore).
//
// Durability, two modes (LmdbBackendOptions.commitSync):
// - 'overlapping' (default): each write commits without waiting for fsync
//   (NO_SYNC_FLUSH) under lmdb's overlappingSync, which keeps the previous
//   synced meta page until the next sync lands. A crash rolls back to the last
//   synced transaction — a suffix of whole transactions may be lost, never
//   part of one, and the file is never corrupt. A commit costs ~0.1 ms.
// - 'none': commits never fsync (~0.01 ms each); flush() and a clean close do.
//   A process crash loses nothing (the kernel holds the written pages), but a
//   machine crash can leave the file torn. So while open the directory holds
//   an `unsynced` marker naming the machine's boot id, removed after the final
//   sync of a clean close; an open that finds a marker from another boot
//   discards the environment and starts empty (discardedAfterMachineCrash).
//   Only for callers that can rebuild the contents: the store does, from its
//   Raft snapshot and WAL, which are the durability source in both modes (the
//   MVCC layer stores its applied index in the same transaction and
//   re-applies whatever the backend lost).
//   Mode 'none' also maps the file writable (MDB_WRITEMAP): a commit writes
//   its pages into the map instead of copying each with a pwrite (about ten
//   per MVCC put, 38–51 µs of a member's time per put on the store bench). The
//   price LMDB names is that a stray write through the map corrupts the
//   file. Only native code can make one: lmdb-js may hand out views into the
//   map for large values, and our value codec copies every value out of them
//   and never writes to them. A machine crash can tear the file as it could
//   without the writable map, which the marker above already covers. LMDB
//   sizes a writable map's file to the whole map, so sizeBytes() asks LMDB
//   for its last page instead of the file system.
//
// Batches (batchMs > 0, mode 'none' only), as etcd batches its bbolt
// commits (every 100 ms or 10,000 writes): write() runs in a write
// transaction that stays open for the writes after it, and the batch
// commits batchMs after it opened, once its writes changed
// batchMaxKeyWrites keys, or before anything that needs committed state
// (dump, copyTo, flush, sizeBytes, restore, close). Reads in between go
// through the open transaction, so they see every write() that returned.
// Each write() is still all or nothing: it runs through an UndoTxn, which
// remembers what each key held and, if the callback throws, puts that back
// (one extra read per key written).
// What batching changes is the crash: a process crash now loses the open
// batch (a machine crash already lost everything unsynced), so it is for
// callers that re-apply their own log after a restart, as the store does.
// A commit that fails (LMDB out of space, say) loses the batch: the backend
// then refuses every call (BackendError 'failed') until it is reopened at
// the last committed batch.

import { closeSync, existsSync, fstatSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ABORT, open, type Database, type RootDatabase, type Transaction } from 'lmdb';
import type { Backend, Bytes, ReadTxn, WriteTxn } from './backend.ts';
import { BackendClosedError, BackendError } from './errors.ts';
import { checkedRestorePairs, isThenable } from './keys.ts';
import { LmdbReadTxn, LmdbWriteTxn, SMALLEST_KEY, wrapFailure, type KvDb } from './lmdb-txn.ts';
import { keyCodec, valueCodec } from './lmdb-codec.ts';
import { TxnScope } from './txn-scope.ts';
import { UndoTxn } from './undo-txn.ts';

export interface LmdbBackendOptions {
  /**
   * Initial size of the memory map. lmdb grows the map when it fills, so this
   * is a starting point, not a hard limit. Default: lmdb's own.
   */
  readonly mapSizeBytes?: number;
  /**
   * restore() commits the incoming pairs in transactions of about this many
   * bytes, so a large snapshot never needs one huge dirty-page set. Default 8 MiB.
   */
  readonly restoreBatchBytes?: number;
  /** See the file comment. Default 'overlapping'. */
  readonly commitSync?: 'overlapping' | 'none';
  /**
   * Mode 'none' only: how long write() may leave its LMDB transaction open
   * for the writes that follow (see "Batches" in the file comment). Default
   * 0: every write() commits before it returns.
   */
  readonly batchMs?: number;
  /** A batch commits once its writes changed this many keys, whatever its age. Default 10,000. */
  readonly batchMaxKeyWrites?: number;
  /** The machine's boot id (default: Linux's /proc/sys/kernel/random/boot_id); tests pass their own. */
  readonly bootId?: string;
}

const UNSYNCED_MARKER = 'unsynced';

/** This boot of the machine, or undefined where the kernel does not say (then any marker counts as a crash). */
function currentBootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** fsync a file or directory by path (a directory: so a rename or new entry in it is durable). */
export function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Apply the marker protocol before lmdb opens the directory. Returns true
 * when a marker from another boot made it discard the environment.
 */
function checkUnsyncedMarker(path: string, bootId: string | undefined, willMark: boolean): boolean {
  const marker = join(path, UNSYNCED_MARKER);
  let discarded = false;
  if (existsSync(marker)) {
    const recorded = readFileSync(marker, 'utf8').trim();
    if (bootId === undefined || recorded !== bootId) {
      // Unsynced commits of an earlier boot: the file may be torn. Start empty.
      for (const f of ['data.mdb', 'lock.mdb']) rmSync(join(path, f), { force: true });
      discarded = true;
    }
    if (!willMark) {
      rmSync(marker);
      fsyncPath(path);
    }
  }
  if (willMark) {
    writeFileSync(marker, `${bootId ?? 'unknown'}\n`);
    fsyncPath(marker);
    fsyncPath(path);
  }
  return discarded;
}

type KvName = 'kv-a' | 'kv-b';

const ABORTABLE = 0x1;
const SYNCHRONOUS_COMMIT = 0x2;
const NO_SYNC_FLUSH = 0x10000;
/** Commit before returning, roll back on throw, do not wait for the fsync. */
const WRITE_FLAGS = ABORTABLE | SYNCHRONOUS_COMMIT | NO_SYNC_FLUSH;

const ACTIVE_KEY = Buffer.from('active');
const DEFAULT_RESTORE_BATCH_BYTES = 8 * 1024 * 1024;
const DEFAULT_BATCH_MAX_KEY_WRITES = 10_000;

/** The LMDB transaction that write() calls share while a batch is open. */
interface OpenBatch {
  /** Ends the transaction: commits it, or aborts it when given lmdb's ABORT. */
  readonly end: (result: unknown) => unknown;
  readonly timer: NodeJS.Timeout;
  keyWrites: number;
}

function other(name: KvName): KvName {
  return name === 'kv-a' ? 'kv-b' : 'kv-a';
}

interface OpenDump {
  readonly transaction: Transaction;
  iterator: Iterator<{ key: Uint8Array; value: Uint8Array }> | undefined;
  released: boolean;
}

/** The named databases of an environment: this backend's own, or a copy of it. */
function openDatabases(env: RootDatabase<Buffer, Uint8Array>): { meta: Database<Buffer, Uint8Array>; kv: Record<KvName, KvDb> } {
  const dbOptions = { keyEncoding: 'binary', encoding: 'binary', cache: false, compression: false } as const;
  // The keyspaces hand out plain Uint8Array copies (lmdb-codec.ts); the bytes on disk are the same raw bytes.
  const kvOptions = { encoder: valueCodec, keyEncoder: keyCodec, cache: false, compression: false } as const;
  return {
    meta: env.openDB<Buffer, Uint8Array>({ name: 'meta', ...dbOptions }),
    kv: {
      'kv-a': env.openDB<Uint8Array, Uint8Array>({ name: 'kv-a', ...kvOptions }),
      'kv-b': env.openDB<Uint8Array, Uint8Array>({ name: 'kv-b', ...kvOptions }),
    },
  };
}

export class LmdbBackend implements Backend {
  readonly path: string;
  /** Opened with commitSync 'none' after a machine crash: the old contents were discarded. */
  readonly discardedAfterMachineCrash: boolean;
  readonly #commitSync: 'overlapping' | 'none';
  readonly #env: RootDatabase<Buffer, Uint8Array>;
  readonly #meta: Database<Buffer, Uint8Array>;
  readonly #kv: Readonly<Record<KvName, KvDb>>;
  readonly #restoreBatchBytes: number;
  #active: KvName;
  #writing = false;
  #restoring = false;
  #generation = 0;
  /**
   * Transactions ended (committed or aborted). The data file and LMDB's
   * page count change only when one ends, not at each write() inside a
   * batch, which moves the generation.
   */
  #ended = 0;
  /** sizeBytes()'s and sizeBoundBytes()'s last answers and the #ended count each was read at. */
  #size: { readonly ended: number; readonly bytes: number } | undefined;
  #fileSize: { readonly ended: number; readonly bytes: number } | undefined;
  /** Mode 'none' maps the file writable (see the top of this file). */
  readonly #writemap: boolean;
  readonly #pageSize: number;
  #closing: Promise<void> | undefined;
  readonly #dumps = new Set<OpenDump>();
  /** In-flight flush() and copyTo() calls: the environment must outlive their worker threads. */
  readonly #flushes = new Set<Promise<void>>();
  /** data.mdb, open for sizeBoundBytes(): an fstat, no path lookup. */
  readonly #dataFd: number;
  readonly #batchMs: number;
  readonly #batchMaxKeyWrites: number;
  #batch: OpenBatch | undefined;
  /** A batch could not be committed or undone: what every later call throws. */
  #failed: BackendError | undefined;

  private constructor(path: string, env: RootDatabase<Buffer, Uint8Array>, options: LmdbBackendOptions, discarded: boolean) {
    this.path = path;
    this.discardedAfterMachineCrash = discarded;
    this.#commitSync = options.commitSync ?? 'overlapping';
    this.#writemap = this.#commitSync === 'none';
    this.#env = env;
    this.#pageSize = (env.getStats() as { pageSize: number }).pageSize;
    this.#restoreBatchBytes = options.restoreBatchBytes ?? DEFAULT_RESTORE_BATCH_BYTES;
    this.#batchMs = options.batchMs ?? 0;
    this.#batchMaxKeyWrites = options.batchMaxKeyWrites ?? DEFAULT_BATCH_MAX_KEY_WRITES;
    ({ meta: this.#meta, kv: this.#kv } = openDatabases(env));
    const recorded = this.#meta.get(ACTIVE_KEY)?.toString();
    if (recorded !== undefined && recorded !== 'kv-a' && recorded !== 'kv-b') {
      throw new BackendError('failed', `lmdb at ${path}: meta names an unknown keyspace ${JSON.stringify(recorded)}`);
    }
    this.#active = recorded ?? 'kv-a';
    if (recorded === undefined) {
      env.transactionSync(() => this.#meta.putSync(ACTIVE_KEY, Buffer.from(this.#active)), WRITE_FLAGS);
    }
    // Leftovers of a restore that crashed before its flip.
    this.#clearIdle();
    this.#dataFd = openSync(join(path, 'data.mdb'), 'r');
  }

  /** Open (creating if needed) the LMDB environment in directory `path`. */
  static open(path: string, options: LmdbBackendOptions = {}): LmdbBackend {
    if (options.restoreBatchBytes !== undefined && !(options.restoreBatchBytes > 0)) {
      throw new BackendError('invalid-argument', 'restoreBatchBytes must be positive');
    }
    const commitSync = options.commitSync ?? 'overlapping';
    if (commitSync !== 'overlapping' && commitSync !== 'none') {
      throw new BackendError('invalid-argument', `commitSync must be 'overlapping' or 'none', got ${String(commitSync)}`);
    }
    const batchMs = options.batchMs ?? 0;
    if (!(Number.isFinite(batchMs) && batchMs >= 0)) throw new BackendError('invalid-argument', 'batchMs must be a non-negative number');
    if (batchMs > 0 && commitSync !== 'none') throw new BackendError('invalid-argument', "batchMs needs commitSync 'none'");
    const maxKeyWrites = options.batchMaxKeyWrites ?? DEFAULT_BATCH_MAX_KEY_WRITES;
    if (!(Number.isSafeInteger(maxKeyWrites) && maxKeyWrites > 0)) throw new BackendError('invalid-argument', 'batchMaxKeyWrites must be a positive integer');
    try {
      mkdirSync(path, { recursive: true });
      const discarded = checkUnsyncedMarker(path, options.bootId ?? currentBootId(), commitSync === 'none');
      const env = open<Buffer, Uint8Array>({
        path,
        noSubdir: false,
        maxDbs: 4,
        keyEncoding: 'binary',
        encoding: 'binary',
        cache: false,
        compression: false,
        overlappingSync: commitSync === 'overlapping',
        noSync: commitSync === 'none',
        noMetaSync: false,
        useWritemap: commitSync === 'none',
        ...(options.mapSizeBytes === undefined ? {} : { mapSize: options.mapSizeBytes }),
      });
      return new LmdbBackend(path, env, options, discarded);
    } catch (error: unknown) {
      throw wrapFailure('open', error);
    }
  }

  /**
   * The pairs of a copy written by copyTo() (this member's or one a peer
   * sent), in key order: its live keyspace, read from one read transaction.
   * The copy is opened read-only for the iteration and closed after it.
   */
  static async *readCopy(dir: string): AsyncIterable<readonly [Bytes, Bytes]> {
    if (!existsSync(join(dir, 'data.mdb'))) throw new BackendError('failed', `no LMDB copy at ${dir}`);
    let env: RootDatabase<Buffer, Uint8Array>;
    try {
      env = open<Buffer, Uint8Array>({ path: dir, noSubdir: false, readOnly: true, maxDbs: 4, keyEncoding: 'binary', encoding: 'binary', cache: false, compression: false });
    } catch (error: unknown) {
      throw wrapFailure('open copy', error);
    }
    let transaction: Transaction | undefined;
    let iterator: Iterator<{ key: Uint8Array; value: Uint8Array }> | undefined;
    try {
      // Databases are opened before the read transaction starts: lmdb cannot open one inside it.
      const { meta, kv } = openDatabases(env);
      transaction = env.useReadTransaction();
      const active = meta.get(ACTIVE_KEY, { transaction })?.toString();
      if (active !== 'kv-a' && active !== 'kv-b') throw new BackendError('failed', `LMDB copy at ${dir} names no live keyspace`);
      iterator = kv[active].getRange({ start: SMALLEST_KEY, transaction })[Symbol.iterator]();
      for (let r = iterator.next(); r.done !== true; r = iterator.next()) yield [r.value.key, r.value.value];
      iterator = undefined;
    } finally {
      iterator?.return?.();
      transaction?.done();
      await env.close();
    }
  }

  read<T>(fn: (txn: ReadTxn) => T): T {
    this.#checkOpen('read');
    if (this.#writing) throw new BackendError('nested-txn', 'read() inside a write callback');
    if (this.#batch !== undefined) {
      // Through the open batch's transaction: it holds writes not yet committed.
      const scope = new TxnScope();
      try {
        return fn(new LmdbReadTxn(this.#kv[this.#active], scope, undefined));
      } finally {
        scope.end();
      }
    }
    const transaction = this.#env.useReadTransaction();
    const scope = new TxnScope();
    try {
      return fn(new LmdbReadTxn(this.#kv[this.#active], scope, transaction));
    } finally {
      scope.end();
      transaction.done();
    }
  }

  write<T>(fn: (txn: WriteTxn) => T): T {
    this.#checkOpen('write');
    if (this.#writing) throw new BackendError('nested-txn', 'write() inside a write callback');
    if (this.#batchMs > 0 && !this.#restoring) return this.#writeInBatch(fn);
    const scope = new TxnScope();
    const txn = new LmdbWriteTxn(this.#kv[this.#active], scope, undefined);
    this.#writing = true;
    // The callback's own error propagates as is; only lmdb's get wrapped.
    let callbackFailed = false;
    try {
      return this.#env.transactionSync(() => {
        let result: T;
        try {
          result = fn(txn);
        } catch (error: unknown) {
          callbackFailed = true;
          throw error;
        }
        if (isThenable(result)) {
          callbackFailed = true;
          throw new BackendError('invalid-argument', 'write callback returned a promise; it must be synchronous');
        }
        return result;
      }, WRITE_FLAGS);
    } catch (error: unknown) {
      throw callbackFailed ? error : wrapFailure('write', error);
    } finally {
      scope.end();
      this.#writing = false;
      this.#generation++;
      this.#ended++;
    }
  }

  /**
   * write() with batches: fn runs in the open batch's transaction (one is
   * opened if none is) through a savepoint; if it throws, or returns a
   * promise, the savepoint puts back what it changed and the batch goes on.
   */
  #writeInBatch<T>(fn: (txn: WriteTxn) => T): T {
    const batch = this.#batch ?? this.#openBatch();
    const scope = new TxnScope();
    const txn = new LmdbWriteTxn(this.#kv[this.#active], scope, undefined);
    const savepoint = new UndoTxn(txn);
    this.#writing = true;
    try {
      const result = fn(savepoint);
      if (isThenable(result)) throw new BackendError('invalid-argument', 'write callback returned a promise; it must be synchronous');
      return result;
    } catch (error: unknown) {
      try {
        scope.closeIterators();
        savepoint.rollback();
      } catch (undoError: unknown) {
        this.#fail(wrapFailure('undo a failed write', undoError));
      }
      throw error;
    } finally {
      scope.end();
      this.#writing = false;
      this.#generation++;
      batch.keyWrites += txn.writes;
      if (batch.keyWrites >= this.#batchMaxKeyWrites && this.#batch === batch) this.#commitBatch();
    }
  }

  #openBatch(): OpenBatch {
    // transactionSync keeps its transaction open while the callback's result
    // is pending, and ends it when that result settles: a thenable that
    // hands us lmdb's continuation lets us end it when we choose, synchronously.
    let end: ((result: unknown) => unknown) | undefined;
    const pending = { then: (onSettled: (result: unknown) => unknown): void => void (end = onSettled) };
    try {
      // Its return value is lmdb's continuation of our thenable: nothing to wait for.
      void this.#env.transactionSync(() => pending as unknown as Promise<unknown>, WRITE_FLAGS);
    } catch (error: unknown) {
      throw wrapFailure('begin a batch', error);
    }
    if (end === undefined) throw new BackendError('failed', 'lmdb did not hold the batch transaction open');
    const timer = setTimeout(() => {
      try {
        this.#commitBatch();
      } catch {
        // #commitBatch recorded the failure: the next call throws it.
      }
    }, this.#batchMs);
    timer.unref();
    this.#batch = { end, timer, keyWrites: 0 };
    return this.#batch;
  }

  /** Commits the open batch, if any. A failed commit loses the batch's writes: the backend refuses every later call. */
  #commitBatch(): void {
    const batch = this.#batch;
    if (batch === undefined) return;
    this.#batch = undefined;
    clearTimeout(batch.timer);
    try {
      batch.end(undefined);
    } catch (error: unknown) {
      const failure = wrapFailure('commit a batch', error);
      this.#fail(failure);
      throw failure;
    } finally {
      this.#generation++;
      this.#ended++;
    }
  }

  /** Records what broke the backend and drops the open batch (its transaction aborted). */
  #fail(error: BackendError): void {
    this.#failed ??= error;
    const batch = this.#batch;
    this.#batch = undefined;
    if (batch === undefined) return;
    clearTimeout(batch.timer);
    try {
      batch.end(ABORT);
    } catch {
      // Already failed; the abort only releases the transaction.
    }
  }

  get generation(): number {
    return this.#generation;
  }

  /**
   * fsync everything committed so far. lmdb's `flushed` promise does not
   * track transactionSync commits, so this calls its (untyped) `sync`, which
   * runs mdb_env_sync(force) on a worker thread; close() waits for it.
   */
  flush(): Promise<void> {
    this.#checkOpen('flush');
    this.#commitBatch();
    return this.#syncNow();
  }

  #syncNow(): Promise<void> {
    const env = this.#env as unknown as { sync(callback: (error?: unknown) => void): void };
    const pending = new Promise<void>((resolve, reject) => {
      env.sync((error?: unknown) => (error === undefined || error === null ? resolve() : reject(wrapFailure('sync', error))));
    });
    const tracked = pending.finally(() => this.#flushes.delete(tracked));
    this.#flushes.add(tracked);
    return tracked;
  }

  /**
   * The pages in use up to the highest one ever written (LMDB reuses freed
   * pages and never gives any back): what the data file's size is without a
   * writable map. Mode 'none' maps the file writable, and LMDB then sizes the
   * file to the whole map, so the answer comes from LMDB's own last page
   * number (env info: ~16 µs, too slow to ask per request; see
   * sizeBoundBytes). Either way it only changes when a write transaction
   * ends, so it is read once per transaction.
   */
  sizeBytes(): number {
    this.#checkOpen('sizeBytes');
    this.#commitBatch(); // LMDB counts committed pages only
    if (this.#size?.ended !== this.#ended) {
      this.#size = { ended: this.#ended, bytes: this.#writemap ? this.#usedPagesBytes() : fstatSync(this.#dataFd).size };
    }
    return this.#size.bytes;
  }

  /**
   * The data file's size: never below sizeBytes() (the whole map in mode
   * 'none', the same value otherwise), one fstat per transaction (the store
   * checks its quota on every write request: at 64 in flight an fstat per
   * request was ~1% of a member's CPU; with batches a transaction holds up
   * to 100 ms of writes).
   */
  sizeBoundBytes(): number {
    this.#checkOpen('sizeBoundBytes');
    if (this.#fileSize?.ended !== this.#ended) this.#fileSize = { ended: this.#ended, bytes: fstatSync(this.#dataFd).size };
    return this.#fileSize.bytes;
  }

  #usedPagesBytes(): number {
    // lmdb's native env object and its info() are untyped.
    const native = (this.#env as unknown as { env: { info(): { lastPageNumber: number } } }).env;
    return (native.info().lastPageNumber + 1) * this.#pageSize;
  }

  /**
   * Writes a consistent copy of the environment (LMDB's own mdb_env_copy,
   * compacting: free pages are left out) as `dir`/data.mdb, on a worker
   * thread, and fsyncs it and `dir`. `dir` must not exist or be empty. The
   * copy's read transaction starts on the worker, so it holds every write
   * committed before the call and possibly some committed while it runs;
   * each is whole. readCopy() reads it back; the file is also what a peer is
   * sent to install (it opens as an environment of its own).
   */
  copyTo(dir: string): Promise<void> {
    this.#checkOpen('copyTo');
    this.#commitBatch(); // the copy's read transaction sees committed writes only
    mkdirSync(dir, { recursive: true });
    if (readdirSync(dir).length > 0) return Promise.reject(new BackendError('invalid-argument', `copy target ${dir} is not empty`));
    const pending = this.#env.backup(dir, true).then(
      () => {
        fsyncPath(join(dir, 'data.mdb'));
        fsyncPath(dir);
      },
      (error: unknown) => {
        throw wrapFailure('copy', error);
      },
    );
    const tracked = pending.finally(() => this.#flushes.delete(tracked));
    this.#flushes.add(tracked);
    return tracked;
  }

  /**
   * Every pair from one read snapshot taken at the first next(). The snapshot
   * pins old pages until the dump ends, so the file may grow meanwhile;
   * close() ends open dumps (their next step throws BackendClosedError).
   */
  // The interface is an AsyncIterable (a snapshot streams to a peer), but reading the engine is synchronous.
  // eslint-disable-next-line @typescript-eslint/require-await
  async *dump(): AsyncIterable<readonly [Bytes, Bytes]> {
    this.#checkOpen('dump');
    this.#commitBatch(); // the dump's read transaction sees committed writes only
    const dump: OpenDump = { transaction: this.#env.useReadTransaction(), iterator: undefined, released: false };
    this.#dumps.add(dump);
    try {
      dump.iterator = this.#kv[this.#active].getRange({ start: SMALLEST_KEY, transaction: dump.transaction })[Symbol.iterator]();
      while (true) {
        this.#checkOpen('dump');
        const r = dump.iterator.next();
        if (r.done === true) {
          dump.iterator = undefined;
          return;
        }
        yield [r.value.key, r.value.value];
      }
    } finally {
      this.#releaseDump(dump);
    }
  }

  async restore(pairs: AsyncIterable<readonly [Bytes, Bytes]>): Promise<void> {
    this.#checkOpen('restore');
    if (this.#restoring) throw new BackendError('restore-in-progress', 'restore() is already running');
    this.#commitBatch(); // restore's transactions must not nest in it
    this.#restoring = true;
    try {
      this.#clearIdle();
      const idle = this.#kv[other(this.#active)];
      let batch: (readonly [Bytes, Bytes])[] = [];
      let batchBytes = 0;
      const commitBatch = (): void => {
        const pending = batch;
        batch = [];
        batchBytes = 0;
        this.#checkOpen('restore');
        this.#commit('restore', () => {
          // Keys arrive in ascending order (checked below), so MDB_APPEND applies.
          for (const [key, value] of pending) idle.putSync(key, Buffer.from(value), { append: true });
        });
      };
      for await (const [key, value] of checkedRestorePairs(pairs)) {
        batch.push([key, value]);
        batchBytes += key.length + value.length;
        if (batchBytes >= this.#restoreBatchBytes) {
          commitBatch();
          // A source that never waits on I/O (a copy on local disk) would otherwise run the whole
          // restore in one turn of the event loop: let timers and sockets in between batches.
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
      commitBatch();
      this.#checkOpen('restore');
      const next = other(this.#active);
      this.#commit('restore', () => this.#meta.putSync(ACTIVE_KEY, Buffer.from(next)));
      this.#active = next;
      // Free the replaced keyspace's pages now rather than on the next restore.
      this.#clearIdle();
      await this.flush();
    } finally {
      this.#restoring = false;
    }
  }

  close(): Promise<void> {
    if (this.#closing === undefined && this.#failed === undefined) {
      try {
        this.#commitBatch();
      } catch {
        // Recorded in #failed; closing goes on.
      }
    }
    this.#closing ??= (async () => {
      // A cursor must be closed before its read transaction ends, and lmdb's
      // close waits for every read transaction: end open dumps first.
      for (const dump of this.#dumps) this.#releaseDump(dump);
      await Promise.allSettled([...this.#flushes]);
      if (this.#commitSync === 'none') await this.#syncNow();
      await this.#env.close();
      closeSync(this.#dataFd);
      if (this.#commitSync === 'none') {
        // Everything is on disk: the next open, in any boot, may trust the file.
        rmSync(join(this.path, UNSYNCED_MARKER), { force: true });
        fsyncPath(this.path);
      }
    })();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #releaseDump(dump: OpenDump): void {
    if (dump.released) return;
    dump.released = true;
    dump.iterator?.return?.();
    dump.iterator = undefined;
    dump.transaction.done();
    this.#dumps.delete(dump);
  }

  #clearIdle(): void {
    const idle = this.#kv[other(this.#active)];
    let empty = true;
    for (const _ of idle.getKeys({ start: SMALLEST_KEY, limit: 1 })) empty = false;
    if (!empty) this.#commit('clear', () => idle.clearSync());
  }

  /** One internal write transaction; lmdb's errors become BackendError('failed'). */
  #commit(operation: string, fn: () => void): void {
    this.#commitBatch(); // a transaction of its own, not nested in the batch's
    try {
      this.#env.transactionSync(fn, WRITE_FLAGS);
    } catch (error: unknown) {
      throw wrapFailure(operation, error);
    } finally {
      this.#generation++;
      this.#ended++;
    }
  }

  #checkOpen(operation: string): void {
    if (this.#closing !== undefined) throw new BackendClosedError(operation);
    if (this.#failed !== undefined) throw this.#failed;
  }
}
