// A drive backed by the real WAL: DiskStorage from @logbook/wal over its
// fault-injecting in-memory file system (MemFs). A crash is MemFs.crash():
// unsynced writes are lost, a prefix of them may survive and the first lost
// one may be torn; the next mount runs the WAL's real recovery. MemFs is
// deterministic (promises only, no timers), so awaiting it in the
// simulator's fixed order keeps a seed's run reproducible.

import { discardLogger, type ConfState, type InitialState, type LogIndex, type NodeId, type PersistBatch, type Storage } from '@logbook/raft';
import { DiskStorage, MemFs, type DiskStorageOptions } from '@logbook/wal';
import type { Prng } from './prng.ts';
import type { DriveFaults, DriveMutations, SimDisk, SimDrive } from './sim-disk.ts';

/** Small segments so rotation and release are exercised; no preallocation to keep memory low. */
const SEGMENT_SIZE_BYTES = 16 * 1024;

/** The core's view, with the vote hidden (the forget-vote mutation). */
class VoteForgettingStorage implements Storage {
  readonly #inner: Storage;
  constructor(inner: Storage) {
    this.#inner = inner;
  }
  initialState(): InitialState {
    const s = this.#inner.initialState();
    return { ...s, hardState: { ...s.hardState, vote: 0 as NodeId } };
  }
  entries(lo: LogIndex, hi: LogIndex, maxSizeBytes: number) {
    return this.#inner.entries(lo, hi, maxSizeBytes);
  }
  term(i: LogIndex) {
    return this.#inner.term(i);
  }
  firstIndex() {
    return this.#inner.firstIndex();
  }
  lastIndex() {
    return this.#inner.lastIndex();
  }
  snapshot() {
    return this.#inner.snapshot();
  }
}

class WalDisk implements SimDisk {
  readonly storage: Storage;
  readonly #ds: DiskStorage;
  readonly #mutations: DriveMutations;

  constructor(ds: DiskStorage, mutations: DriveMutations) {
    this.#ds = ds;
    this.#mutations = mutations;
    this.storage = mutations.forgetVote ? new VoteForgettingStorage(ds.storage) : ds.storage;
  }

  persist(batch: PersistBatch): Promise<void> {
    return this.#ds.persist(this.#mutations.skipFsync ? { ...batch, mustSync: false } : batch);
  }

  async createSnapshot(index: LogIndex, confState: ConfState, data: Uint8Array, retainEntries: number): Promise<void> {
    await this.#ds.createSnapshot(index, confState, data, retainEntries);
  }
}

export class WalDrive implements SimDrive {
  readonly #fs = new MemFs();
  readonly #dir: string;
  readonly #id: NodeId;
  /** The initial configuration for an initial member; undefined for a joiner, which starts empty. */
  readonly #bootstrap: ConfState | undefined;
  readonly #rng: Prng;
  readonly #faults: DriveFaults;
  readonly #mutations: DriveMutations;
  #bootstrapped = false;

  constructor(id: NodeId, bootstrap: ConfState | undefined, rng: Prng, faults: DriveFaults, mutations: DriveMutations) {
    this.#id = id;
    this.#dir = `/member-${id}`;
    this.#bootstrap = bootstrap;
    this.#rng = rng;
    this.#faults = faults;
    this.#mutations = mutations;
  }

  async open(): Promise<SimDisk> {
    const opts: DiskStorageOptions = {
      fs: this.#fs,
      logger: discardLogger,
      segmentSizeBytes: SEGMENT_SIZE_BYTES,
      preallocate: false,
    };
    const metadata = { memberId: this.#id, clusterId: 1 };
    let ds: DiskStorage;
    if (this.#bootstrap === undefined) {
      // A joiner: an empty WAL on first mount, its log and ConfState learned from the leader.
      ds = await DiskStorage.open(this.#dir, { ...opts, createIfMissing: metadata });
    } else if (!this.#bootstrapped) {
      ds = await DiskStorage.bootstrap(this.#dir, this.#bootstrap, { ...opts, metadata });
      this.#bootstrapped = true;
    } else {
      ds = await DiskStorage.open(this.#dir, opts);
    }
    return new WalDisk(ds, this.#mutations);
  }

  crash(): void {
    // Survival 0: every unsynced write is lost, nothing torn. Otherwise MemFs
    // keeps a random prefix of the unsynced writes and may tear the next one.
    const rng = this.#rng;
    this.#fs.crash(this.#faults.unsyncedSurvivalProbability > 0 ? { random: (n) => rng.int(n) } : {});
  }
}
