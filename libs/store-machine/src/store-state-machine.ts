// The store's replicated state machine: each committed log entry is a
// StoreEntry (an etcd request plus the context of the request that caused
// it), applied to the MVCC store in one backend transaction. It is the Raft
// runtime's StateMachine, shared by the store service and the simulator so
// the simulator checks the code that runs in production.
//
// Durability: the backend records the applied index with the data, so after
// a restart entries at or below it are skipped, and a snapshot older than the
// backend's state is not restored over it. The Raft WAL stays the source of
// truth for anything the backend had not flushed.

import type { Backend } from '@logbook/backend';
import { decodeStoreEntry, type StoreEntry } from '@logbook/etcd-api';
import { MvccStore, type ApplyResult, type Event, type MvccOptions, type Revision } from '@logbook/mvcc';
import type { AppliedEntry, LogIndex, Logger, StateMachine } from '@logbook/raft';
import { decodeBackendSnapshot, encodeBackendSnapshot, encodeBackendSnapshotAsync, loadBackendSnapshot } from './snapshot-codec.ts';

/** What apply hands the proposer: the MVCC outcome, or undefined for a replayed or undecodable entry. */
export type StoreApplyResult = ApplyResult | undefined;

export interface StoreStateMachineOptions {
  readonly backend: Backend;
  readonly mvcc?: MvccOptions;
  readonly logger?: Logger;
}

type AppliedListener = (revision: Revision, events: readonly Event[]) => void;
type EntryListener = (index: LogIndex, entry: StoreEntry, result: ApplyResult) => void;
type RestoredListener = (revision: Revision) => void;

export class StoreStateMachine implements StateMachine<StoreApplyResult> {
  readonly mvcc: MvccStore;
  readonly #backend: Backend;
  readonly #logger: Logger | undefined;
  readonly #applied: AppliedListener[] = [];
  readonly #entries: EntryListener[] = [];
  readonly #restored: RestoredListener[] = [];

  constructor(o: StoreStateMachineOptions) {
    this.#backend = o.backend;
    this.mvcc = new MvccStore(o.backend, o.mvcc);
    this.#logger = o.logger;
  }

  get backend(): Backend {
    return this.#backend;
  }

  /** Called once per applied entry that produced a revision, after its (batch's) transaction committed. */
  onApplied(fn: AppliedListener): void {
    this.#applied.push(fn);
  }

  /** Called for every applied entry with its decoded request and outcome (lease bookkeeping, metrics). */
  onEntry(fn: EntryListener): void {
    this.#entries.push(fn);
  }

  /** Called after restore() replaced the state: revisions may have jumped. */
  onRestored(fn: RestoredListener): void {
    this.#restored.push(fn);
  }

  apply(index: LogIndex, data: Uint8Array): StoreApplyResult {
    return this.applyBatch([{ index, data }])[0];
  }

  /**
   * Consecutive committed entries in one backend transaction (one commit per
   * Raft Ready). Listeners run after the commit, entry by entry in log order,
   * each with that entry's own revision.
   */
  applyBatch(entries: readonly AppliedEntry[]): StoreApplyResult[] {
    const decoded = entries.map(({ index, data }): StoreEntry | undefined => {
      try {
        return decodeStoreEntry(data);
      } catch (err) {
        // Only our own encoder proposes entries, so this is a bug somewhere; every
        // member skips the same entry, so they stay identical and replay terminates.
        this.#logger?.error('skipping an undecodable store entry', { index, error: String(err) });
        return undefined;
      }
    });
    const results = this.mvcc.applyBatch(entries.map(({ index }, i) => ({ index, request: decoded[i]?.request })));
    results.forEach((result, i) => {
      if (result === undefined) return;
      const index = entries[i]!.index;
      for (const fn of this.#entries) fn(index, decoded[i]!, result);
      // An entry changed something exactly when it has events (one per change).
      if (result.ok && result.events.length > 0) for (const fn of this.#applied) fn(result.revision, result.events);
    });
    return results;
  }

  snapshot(): Uint8Array {
    return encodeBackendSnapshot(this.#backend);
  }

  /** snapshot()'s bytes, produced across turns of the event loop; the view is taken at the call. */
  snapshotAsync(): Promise<Uint8Array> {
    return encodeBackendSnapshotAsync(this.#backend);
  }

  restore(data: Uint8Array, index: LogIndex): void {
    // At start-up the runtime restores the newest Raft snapshot; a durable
    // backend already at or past it holds the same state or newer.
    if (this.mvcc.appliedIndex >= index) return;
    if (data.byteLength === 0) {
      // A new cluster's bootstrap snapshot: the empty initial state.
      loadBackendSnapshot(this.#backend, []);
    } else {
      loadBackendSnapshot(this.#backend, decodeBackendSnapshot(data));
    }
    const revision = this.mvcc.currentRevision;
    this.#logger?.info('store state restored from snapshot', { index, revision });
    for (const fn of this.#restored) fn(revision);
  }
}
