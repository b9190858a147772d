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
//
// Snapshots, two forms (the first byte of the state machine's snapshot data
// tells them apart):
// - inline (version 1, snapshot-codec.ts): every backend pair in the Raft
//   snapshot itself. Any backend; what the simulator runs.
// - copy (version 2, given `copies`): the Raft snapshot holds only this
//   descriptor, and the state is an LMDB copy on disk named by the snapshot's
//   index (snapshot-copies.ts). The transport streams the copy to a peer and
//   restore() installs it with the backend's streaming restore, so a member
//   never holds its state in memory to snapshot it.

import { LmdbBackend, type Backend } from '@logbook/backend';
import { decodeStoreEntry, type StoreEntry } from '@logbook/etcd-api';
import { MvccStore, type ApplyResult, type Event, type MvccOptions, type Revision } from '@logbook/mvcc';
import type { AppliedEntry, LogIndex, Logger, StateMachine } from '@logbook/raft';
import { decodeBackendSnapshot, encodeBackendSnapshot, encodeBackendSnapshotAsync, loadBackendSnapshot, SnapshotFormatError } from './snapshot-codec.ts';
import type { SnapshotCopies } from './snapshot-copies.ts';

/** What apply hands the proposer: the MVCC outcome, or undefined for a replayed or undecodable entry. */
export type StoreApplyResult = ApplyResult | undefined;

export interface StoreStateMachineOptions {
  readonly backend: Backend;
  readonly mvcc?: MvccOptions;
  readonly logger?: Logger;
  /** Snapshot as LMDB copies in this directory (the backend must be an LmdbBackend). */
  readonly copies?: SnapshotCopies;
}

/** The copy form's descriptor: the version byte, then the index the copy is named by (float64, big-endian). */
const COPY_VERSION = 2;
const DESCRIPTOR_BYTES = 9;

export function encodeCopyDescriptor(index: LogIndex): Uint8Array {
  const out = new Uint8Array(DESCRIPTOR_BYTES);
  const view = new DataView(out.buffer);
  view.setUint8(0, COPY_VERSION);
  view.setFloat64(1, index);
  return out;
}

/** The index a copy descriptor names, or undefined for any other snapshot data (inline or empty). */
export function decodeCopyDescriptor(data: Uint8Array): LogIndex | undefined {
  if (data.byteLength === 0 || data[0] !== COPY_VERSION) return undefined;
  if (data.byteLength !== DESCRIPTOR_BYTES) throw new SnapshotFormatError(`copy descriptor of ${data.byteLength} bytes`);
  const index = new DataView(data.buffer, data.byteOffset, data.byteLength).getFloat64(1);
  if (!Number.isSafeInteger(index) || index < 1) throw new SnapshotFormatError(`copy descriptor names index ${index}`);
  return index as LogIndex;
}

type AppliedListener = (revision: Revision, events: readonly Event[]) => void;
type EntryListener = (index: LogIndex, entry: StoreEntry, result: ApplyResult) => void;
type RestoredListener = (revision: Revision) => void;

export class StoreStateMachine implements StateMachine<StoreApplyResult> {
  readonly mvcc: MvccStore;
  readonly #backend: Backend;
  readonly #logger: Logger | undefined;
  readonly #copies: { readonly dir: SnapshotCopies; readonly backend: LmdbBackend } | undefined;
  readonly #applied: AppliedListener[] = [];
  readonly #entries: EntryListener[] = [];
  readonly #restored: RestoredListener[] = [];

  constructor(o: StoreStateMachineOptions) {
    this.#backend = o.backend;
    this.mvcc = new MvccStore(o.backend, o.mvcc);
    this.#logger = o.logger;
    if (o.copies !== undefined) {
      if (!(o.backend instanceof LmdbBackend)) throw new TypeError('snapshot copies need an LmdbBackend');
      this.#copies = { dir: o.copies, backend: o.backend };
    }
  }

  get backend(): Backend {
    return this.#backend;
  }

  /** The snapshot copies and their backend, when snapshots take copy form. */
  get copies(): { readonly dir: SnapshotCopies; readonly backend: LmdbBackend } | undefined {
    return this.#copies;
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

  /** The inline form, whatever the mode (a valid snapshot everywhere; etcdctl's snapshot save streams the same format). */
  snapshot(): Uint8Array {
    return encodeBackendSnapshot(this.#backend);
  }

  /**
   * The periodic snapshot at `index`. Copy mode: an LMDB copy written on a
   * worker thread, named by `index`; the result is its descriptor. Inline:
   * snapshot()'s bytes, produced across turns of the event loop. Either way
   * the view is taken no earlier than the call.
   */
  async snapshotAsync(index: LogIndex): Promise<Uint8Array> {
    const copies = this.#copies;
    if (copies === undefined) return encodeBackendSnapshotAsync(this.#backend);
    await copies.dir.take(copies.backend, index);
    copies.dir.prune(index);
    return encodeCopyDescriptor(index);
  }

  restore(data: Uint8Array, index: LogIndex): void | Promise<void> {
    // At start-up the runtime restores the newest Raft snapshot; a durable
    // backend already at or past it holds the same state or newer.
    if (this.mvcc.appliedIndex >= index) return;
    const copyIndex = decodeCopyDescriptor(data);
    if (copyIndex !== undefined) return this.#restoreCopy(copyIndex, index);
    if (data.byteLength === 0) {
      // A new cluster's bootstrap snapshot: the empty initial state.
      loadBackendSnapshot(this.#backend, []);
    } else {
      loadBackendSnapshot(this.#backend, decodeBackendSnapshot(data));
    }
    this.#afterRestore(index);
  }

  async #restoreCopy(copyIndex: LogIndex, index: LogIndex): Promise<void> {
    const copies = this.#copies;
    if (copies === undefined) throw new SnapshotFormatError('a copy snapshot arrived at a member without snapshot copies');
    if (copyIndex !== index) throw new SnapshotFormatError(`copy descriptor names index ${copyIndex} in the snapshot at ${index}`);
    const started = performance.now();
    await this.#backend.restore(copies.dir.pairs(index));
    copies.dir.prune(index);
    this.#afterRestore(index, Math.round(performance.now() - started));
  }

  #afterRestore(index: LogIndex, ms?: number): void {
    const revision = this.mvcc.currentRevision;
    this.#logger?.info('store state restored from snapshot', { index, revision, appliedIndex: this.mvcc.appliedIndex, ...(ms !== undefined ? { ms } : {}) });
    for (const fn of this.#restored) fn(revision);
  }
}
