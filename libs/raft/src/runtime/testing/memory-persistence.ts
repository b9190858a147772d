// Persistence over the core's MemoryStorage: what a disk would hold, without
// the disk. For unit tests of the runtime and of code built on it; the
// persistence contract suite (persistence-contract.ts) holds it to the same
// behaviour as libs/wal's DiskStorage.

import { assert } from '../../core/errors.ts';
import { MemoryStorage } from '../../core/memory-storage.ts';
import type { ConfState, LogIndex, Snapshot } from '../../core/types.ts';
import type { Persistence, PersistBatch } from '../persistence.ts';

export interface MemoryPersistenceOptions {
  /** Simulated fsync latency: persist() with mustSync waits this long (real timer). 0 by default. */
  readonly syncDelayMs?: number;
}

export class MemoryPersistence implements Persistence {
  readonly storage: MemoryStorage;
  readonly #syncDelayMs: number;
  #busy = false;
  #closed = false;
  /** persist() calls, and how many of them synced: group-commit assertions use these. */
  persists = 0;
  syncs = 0;

  constructor(storage: MemoryStorage = new MemoryStorage(), opts: MemoryPersistenceOptions = {}) {
    this.storage = storage;
    this.#syncDelayMs = opts.syncDelayMs ?? 0;
  }

  /** Persistence for a member of a brand-new cluster whose initial members are `cs`. */
  static bootstrap(cs: ConfState, opts: MemoryPersistenceOptions = {}): MemoryPersistence {
    return new MemoryPersistence(MemoryStorage.bootstrap(cs), opts);
  }

  /** A new handle on the same "disk", as after a restart (everything persisted survives). */
  reopen(opts: MemoryPersistenceOptions = {}): MemoryPersistence {
    assert(this.#closed, 'reopen() of a MemoryPersistence that is still open');
    return new MemoryPersistence(this.storage, opts);
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  async persist(batch: PersistBatch): Promise<void> {
    assert(!this.#closed, 'persist() after close()');
    assert(!this.#busy, 'concurrent persist() calls');
    this.#busy = true;
    try {
      if (batch.mustSync && this.#syncDelayMs > 0) {
        await new Promise((resolve) => setTimeout(resolve, this.#syncDelayMs));
      } else {
        await Promise.resolve();
      }
      if (batch.snapshot !== undefined) this.storage.applySnapshot(batch.snapshot);
      this.storage.append(batch.entries);
      if (batch.hardState !== undefined) this.storage.setHardState(batch.hardState);
      this.persists++;
      if (batch.mustSync) this.syncs++;
    } finally {
      this.#busy = false;
    }
  }

  async createSnapshot(index: LogIndex, confState: ConfState, data: Uint8Array, retainEntries: number): Promise<Snapshot> {
    assert(!this.#closed, 'createSnapshot() after close()');
    await Promise.resolve();
    const snap = this.storage.createSnapshot(index, confState, data);
    const compactTo = index - retainEntries;
    if (compactTo >= this.storage.firstIndex()) this.storage.compact(compactTo as LogIndex);
    return snap;
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }
}
