// Persistence on disk: a WAL plus snapshot files under one directory,
//   <dir>/wal/   segments        <dir>/snap/   snapshot files
// with an in-memory copy of the log after the last snapshot serving the
// core's synchronous Storage reads. Writes become visible through `storage`
// only after the WAL has them (and has synced them when asked to), except a
// HardState that only moves the commit index: that one is held and goes out
// with the next write (see #held).

import { join } from 'node:path';
import {
  SnapshotOutOfDateError,
  assert,
  bootstrapHardState,
  bootstrapSnapshot,
  isEmptySnapshot,
} from '@logbook/raft/core';
import type { ConfState, Entry, HardState, InitialState, LogIndex, Logger, Snapshot, Storage, Term } from '@logbook/raft/core';
import type { PersistBatch, Persistence } from '@logbook/raft/runtime';
import { WalClosedError, WalExistsError, WalNotFoundError } from './errors.ts';
import type { WalFs } from './fs/wal-fs.ts';
import type { LogView } from './log-view.ts';
import type { WalMetadata } from './record-codec.ts';
import { recover } from './recovery.ts';
import { SnapshotStore } from './snapshot-store.ts';
import { Wal, type WalBatch, type WalOptions } from './wal.ts';

export interface DiskStorageOptions {
  readonly fs: WalFs;
  readonly logger: Logger;
  readonly segmentSizeBytes?: number;
  readonly maxPendingBytes?: number;
  /** Zeros written ahead of the WAL's tail (WalOptions.preallocate). */
  readonly preallocate?: boolean;
  /** Snapshot files kept, newest first (older ones are a fallback if the newest rots). Default 2. */
  readonly maxSnapshotFiles?: number;
  /**
   * When `dir` holds no WAL, create an empty one with this metadata: a member
   * that joins an existing cluster (empty log, empty ConfState; it learns both
   * from the leader's snapshot). Without it, a missing WAL is WalNotFoundError.
   */
  readonly createIfMissing?: WalMetadata;
}

interface MutableState {
  log: LogView;
  snapshot: Snapshot;
  hardState: HardState;
}

/** The core's read side, served from memory. */
class StorageView implements Storage {
  readonly #s: MutableState;
  constructor(s: MutableState) {
    this.#s = s;
  }
  initialState(): InitialState {
    return { hardState: this.#s.hardState, confState: this.#s.snapshot.metadata.confState };
  }
  entries(lo: LogIndex, hi: LogIndex, maxSizeBytes: number): readonly Entry[] {
    return this.#s.log.entries(lo, hi, maxSizeBytes);
  }
  term(i: LogIndex): Term {
    return this.#s.log.term(i);
  }
  firstIndex(): LogIndex {
    return this.#s.log.firstIndex();
  }
  lastIndex(): LogIndex {
    return this.#s.log.lastIndex();
  }
  snapshot(): Snapshot {
    return this.#s.snapshot;
  }
}

/** Entries not already covered by everything up to `floor`. */
function above(entries: readonly Entry[], floor: number): readonly Entry[] {
  const first = entries[0];
  if (first === undefined || first.index > floor) return entries;
  return entries.slice(Math.min(entries.length, floor + 1 - first.index));
}

export class DiskStorage implements Persistence {
  readonly storage: Storage;
  readonly #state: MutableState;
  readonly #wal: Wal;
  readonly #snapshots: SnapshotStore;
  readonly #logger: Logger;
  readonly #maxSnapshotFiles: number;
  /**
   * The newest HardState that only moved the commit index (its persist
   * carried no entries or snapshot, and need not sync), not yet written. It
   * goes into the WAL with the next persist or snapshot marker, or at close.
   * A follower learns a commit index in every commit notice and a leader in
   * every quorum of acks, so writing each one costs a WAL write per entry
   * between the syncs that matter; etcd's WAL keeps such a record in its
   * write buffer until the next sync the same way. A crash before it is
   * written loses only the commit index, which Raft never promised was on
   * disk: on restart the member learns it again from the leader (or, alone,
   * commits its log again), and the store's state machine skips entries it
   * had already applied. Measured: sequential puts +7.4% and +8.5% (two A/B
   * runs, orders swapped), CPU per put -6%.
   */
  #held: HardState | undefined;
  /** persist() and createSnapshot() run one at a time, in call order. */
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;
  readonly closed: Promise<void>;
  #resolveClosed!: () => void;

  private constructor(wal: Wal, snapshots: SnapshotStore, state: MutableState, opts: DiskStorageOptions) {
    this.#wal = wal;
    this.#snapshots = snapshots;
    this.#state = state;
    this.#logger = opts.logger;
    this.#maxSnapshotFiles = opts.maxSnapshotFiles ?? 2;
    assert(this.#maxSnapshotFiles >= 1, 'maxSnapshotFiles must be at least 1');
    this.storage = new StorageView(state);
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
  }

  /** Opens (recovers) the storage in `dir`; see DiskStorageOptions.createIfMissing. */
  static async open(dir: string, opts: DiskStorageOptions): Promise<DiskStorage> {
    const { fs, logger } = opts;
    const walDir = join(dir, 'wal');
    await fs.mkdir(dir);
    if (!(await Wal.exists(fs, walDir))) {
      if (opts.createIfMissing === undefined) throw new WalNotFoundError(walDir);
      logger.info('storage: creating an empty WAL', { dir: walDir, nodeId: opts.createIfMissing.memberId });
      await Wal.create(fs, walDir, opts.createIfMissing);
    }
    const snapshots = await SnapshotStore.open(fs, join(dir, 'snap'), logger);
    const { wal, records } = await Wal.open(fs, walDir, walOptions(opts));
    let state: MutableState;
    try {
      const r = await recover(records, snapshots, logger);
      await snapshots.remove(r.orphans);
      state = { log: r.log, snapshot: r.snapshot, hardState: r.hardState };
    } catch (err) {
      await wal.close();
      throw err;
    }
    logger.info('storage: recovered', {
      dir,
      snapshotIndex: state.snapshot.metadata.index,
      lastIndex: state.log.lastIndex(),
      term: state.hardState.term,
      commit: state.hardState.commit,
    });
    return new DiskStorage(wal, snapshots, state, opts);
  }

  /**
   * Creates the storage of a member of a brand-new cluster whose initial
   * members are `confState`: the same bootstrap snapshot and HardState as
   * MemoryStorage.bootstrap. Fails with WalExistsError if `dir` has a WAL.
   */
  static async bootstrap(
    dir: string,
    confState: ConfState,
    opts: DiskStorageOptions & { readonly metadata: WalMetadata },
  ): Promise<DiskStorage> {
    const { fs, logger } = opts;
    const walDir = join(dir, 'wal');
    if (await Wal.exists(fs, walDir)) throw new WalExistsError(walDir);
    await fs.mkdir(dir);
    const snap = bootstrapSnapshot(confState);
    const snapshots = await SnapshotStore.open(fs, join(dir, 'snap'), logger);
    // Snapshot file first: until the WAL exists (atomically, with the marker)
    // the file is an orphan and a retry simply writes it again.
    await snapshots.save(snap);
    await Wal.create(fs, walDir, opts.metadata, {
      snapshot: { index: snap.metadata.index, term: snap.metadata.term },
      confState,
      hardState: bootstrapHardState(),
    });
    return DiskStorage.open(dir, opts);
  }

  get metadata(): WalMetadata {
    return this.#wal.metadata;
  }

  persist(batch: PersistBatch): Promise<void> {
    return this.#exclusive(() => this.#persist(batch));
  }

  async #persist(batch: PersistBatch): Promise<void> {
    const s = this.#state;
    const snap = batch.snapshot !== undefined && !isEmptySnapshot(batch.snapshot) ? batch.snapshot : undefined;
    let last = s.log.lastIndex() as number;
    if (snap !== undefined) {
      const { index, term } = snap.metadata;
      if (index <= s.snapshot.metadata.index) throw new SnapshotOutOfDateError();
      if (!s.log.matchTerm(index, term)) last = index;
      // The file goes first; it counts only once the WAL's marker is durable.
      await this.#snapshots.save(snap);
    }
    const entries = above(batch.entries, snap?.metadata.index ?? s.log.offset);
    // Checked before writing: a gap in the WAL would stop the next recovery.
    assert(entries.length === 0 || entries[0]!.index <= last + 1, () => `persist: entry ${entries[0]!.index} leaves a gap after ${last}`);
    const hs = batch.hardState;
    if (snap === undefined && entries.length === 0 && !batch.mustSync && hs !== undefined && hs.term === s.hardState.term && hs.vote === s.hardState.vote) {
      this.#held = hs;
      s.hardState = hs;
      return;
    }
    // Every field present (undefined when absent): one object shape per batch.
    const wb: WalBatch = {
      snapshot: snap !== undefined ? { index: snap.metadata.index, term: snap.metadata.term } : undefined,
      confState: snap?.metadata.confState,
      entries: entries.length > 0 ? entries : undefined,
      // A newer HardState has the held one's commit index or a later one.
      hardState: hs ?? this.#held,
    };
    if (wb.snapshot === undefined && wb.entries === undefined && wb.hardState === undefined) return;
    await this.#wal.save(wb, batch.mustSync || snap !== undefined);
    this.#held = undefined; // written, or superseded by a newer HardState
    if (snap !== undefined) {
      s.log.applySnapshot(snap.metadata.index, snap.metadata.term);
      s.snapshot = snap;
    }
    s.log.append(entries);
    if (batch.hardState !== undefined) s.hardState = batch.hardState;
    if (snap !== undefined) await this.#afterSnapshot(snap.metadata.index);
  }

  createSnapshot(index: LogIndex, confState: ConfState, data: Uint8Array, retainEntries: number): Promise<Snapshot> {
    return this.#exclusive(async () => {
      const s = this.#state;
      if (index <= s.snapshot.metadata.index) throw new SnapshotOutOfDateError();
      assert(index <= s.log.lastIndex(), () => `createSnapshot ${index} is beyond last index ${s.log.lastIndex()}`);
      assert(retainEntries >= 0, 'retainEntries must be >= 0');
      const snap: Snapshot = { metadata: { index, term: s.log.term(index), confState }, data };
      await this.#snapshots.save(snap);
      const held = this.#held;
      await this.#wal.save({ snapshot: { index, term: snap.metadata.term }, confState, hardState: held }, true);
      this.#held = undefined;
      s.snapshot = snap;
      const compactTo = (index - retainEntries) as LogIndex;
      s.log.compact(compactTo);
      await this.#afterSnapshot(compactTo);
      return snap;
    });
  }

  /** Housekeeping once a snapshot and its marker are durable. */
  async #afterSnapshot(compactIndex: number): Promise<void> {
    await this.#wal.release(compactIndex);
    await this.#snapshots.retain(this.#maxSnapshotFiles, this.#state.snapshot.metadata.index);
  }

  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new WalClosedError());
    const run = this.#queue.then(fn, fn);
    // The next call waits for this one whatever its outcome; its caller sees the error.
    this.#queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Lets the operation in flight finish, syncs and closes the WAL. */
  async close(): Promise<void> {
    if (this.#closed) return this.closed;
    this.#closed = true;
    try {
      await this.#queue;
      // A restart then begins from the last commit index it knew.
      if (this.#held !== undefined) await this.#wal.save({ hardState: this.#held }, false);
      this.#held = undefined;
      await this.#wal.close();
    } finally {
      this.#resolveClosed();
    }
    this.#logger.debug('storage: closed');
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

function walOptions(opts: DiskStorageOptions): WalOptions {
  return {
    logger: opts.logger,
    ...(opts.segmentSizeBytes !== undefined ? { segmentSizeBytes: opts.segmentSizeBytes } : {}),
    ...(opts.maxPendingBytes !== undefined ? { maxPendingBytes: opts.maxPendingBytes } : {}),
    ...(opts.preallocate !== undefined ? { preallocate: opts.preallocate } : {}),
  };
}
