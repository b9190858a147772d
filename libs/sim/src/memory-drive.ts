// An in-memory drive with a crash model, built on the core's MemoryStorage.
// A write is a sequence of records (snapshot, one per entry, hard state), as
// a write-ahead log lays it out. Synced records are durable. Unsynced ones
// sit in the page cache: on a crash each of them, in order, survives with a
// drawn probability until the first one that does not; that one may be torn,
// which a checksummed log detects and drops, so it is lost as well. What
// survives becomes the durable image the next mount replays.

import { MemoryStorage, type ConfState, type Entry, type HardState, type LogIndex, type PersistBatch, type Snapshot, type Storage } from '@logbook/raft';
import type { Prng } from './prng.ts';
import type { DriveFaults, DriveMutations, DriveStats, SimDisk, SimDrive } from './sim-disk.ts';

type DiskRecord =
  | { readonly kind: 'snapshot'; readonly snapshot: Snapshot }
  | { readonly kind: 'entry'; readonly entry: Entry }
  | { readonly kind: 'hard-state'; readonly hardState: HardState };

export class DriveError extends Error {
  readonly code = 'drive-misuse';
  constructor(message: string) {
    super(message);
    this.name = 'DriveError';
  }
}

function applyRecord(s: MemoryStorage, r: DiskRecord): void {
  switch (r.kind) {
    case 'snapshot':
      if (r.snapshot.metadata.index > s.snapshot().metadata.index) s.applySnapshot(r.snapshot);
      return;
    case 'entry':
      s.append([r.entry]);
      return;
    case 'hard-state':
      s.setHardState(r.hardState);
      return;
  }
}

/** A fresh MemoryStorage holding the same snapshot, entries and hard state. */
export function cloneStorage(src: MemoryStorage): MemoryStorage {
  const snap = src.snapshot();
  const dst = new MemoryStorage();
  if (snap.metadata.index > 0) dst.applySnapshot(snap);
  const first = src.firstIndex();
  const last = src.lastIndex();
  if (last >= first) dst.append(src.entries(first, (last + 1) as LogIndex, Number.MAX_SAFE_INTEGER));
  dst.setHardState(src.initialState().hardState);
  return dst;
}

class MemoryDisk implements SimDisk {
  readonly storage: MemoryStorage;
  readonly #drive: MemoryDrive;
  dead = false;

  constructor(drive: MemoryDrive, storage: MemoryStorage) {
    this.#drive = drive;
    this.storage = storage;
  }

  persist(batch: PersistBatch): void {
    if (this.dead) throw new DriveError('persist on a crashed mount');
    const records: DiskRecord[] = [];
    if (batch.snapshot !== undefined) records.push({ kind: 'snapshot', snapshot: batch.snapshot });
    for (const entry of batch.entries) records.push({ kind: 'entry', entry });
    if (batch.hardState !== undefined) records.push({ kind: 'hard-state', hardState: batch.hardState });
    for (const r of records) applyRecord(this.storage, r);
    // A received snapshot is written to its own file and synced, as a WAL does.
    this.#drive.write(records, batch.mustSync || batch.snapshot !== undefined);
  }

  createSnapshot(index: LogIndex, confState: ConfState, data: Uint8Array, retainEntries: number): void {
    if (this.dead) throw new DriveError('createSnapshot on a crashed mount');
    this.#drive.compact(this.storage, index, confState, data, retainEntries);
  }
}

export class MemoryDrive implements SimDrive {
  readonly #rng: Prng;
  readonly #faults: DriveFaults;
  readonly #mutations: DriveMutations;
  #durable: MemoryStorage;
  #unsynced: DiskRecord[] = [];
  #mount: MemoryDisk | undefined;
  readonly stats: DriveStats = { writes: 0, syncs: 0, crashes: 0, recordsLost: 0, tornRecords: 0 };

  /** `bootstrap`: the initial configuration for an initial member; undefined for a joiner, which starts empty. */
  constructor(bootstrap: ConfState | undefined, rng: Prng, faults: DriveFaults, mutations: DriveMutations) {
    this.#durable = bootstrap !== undefined ? MemoryStorage.bootstrap(bootstrap) : new MemoryStorage();
    this.#rng = rng;
    this.#faults = faults;
    this.#mutations = mutations;
  }

  open(): SimDisk {
    if (this.#mount !== undefined && !this.#mount.dead) throw new DriveError('open while mounted');
    const visible = cloneStorage(this.#durable);
    if (this.#mutations.forgetVote) {
      const hs = visible.initialState().hardState;
      visible.setHardState({ ...hs, vote: 0 as HardState['vote'] });
    }
    this.#mount = new MemoryDisk(this, visible);
    return this.#mount;
  }

  crash(): void {
    this.stats.crashes++;
    if (this.#mount !== undefined) this.#mount.dead = true;
    this.#mount = undefined;
    let i = 0;
    for (; i < this.#unsynced.length; i++) {
      if (!this.#rng.chance(this.#faults.unsyncedSurvivalProbability)) break;
      applyRecord(this.#durable, this.#unsynced[i]!);
    }
    if (i < this.#unsynced.length && this.#rng.chance(this.#faults.tornWriteProbability)) this.stats.tornRecords++;
    this.stats.recordsLost += this.#unsynced.length - i;
    this.#unsynced = [];
  }

  /** The durable storage as of now (what a crash right now would at least keep). */
  get durableStorage(): Storage {
    return this.#durable;
  }

  write(records: readonly DiskRecord[], sync: boolean): void {
    this.stats.writes++;
    for (const r of records) this.#unsynced.push(r);
    if (sync && !this.#mutations.skipFsync) this.#sync();
  }

  #sync(): void {
    this.stats.syncs++;
    for (const r of this.#unsynced) applyRecord(this.#durable, r);
    this.#unsynced = [];
  }

  compact(visible: MemoryStorage, index: LogIndex, confState: ConfState, data: Uint8Array, retainEntries: number): void {
    // Saving a snapshot file syncs the log first, so the snapshot never gets
    // ahead of the hard state that committed it.
    this.#sync();
    for (const s of [visible, this.#durable]) {
      if (index <= s.snapshot().metadata.index) continue;
      s.createSnapshot(index, confState, data);
      const compactTo = index - retainEntries;
      if (compactTo >= s.firstIndex()) s.compact(compactTo as LogIndex);
    }
  }
}
