// MvccStore: the state machine. apply(index, request) is a pure function of
// the backend's contents and its arguments — no clock, no randomness — so
// every member applying the same log holds the same bytes. A batch of entries
// (a Raft Ready's committed entries) runs in one backend write transaction
// that also records the last applied index, which makes replay after a crash
// idempotent and costs one commit per batch instead of one per entry. An
// entry that fails etcd's checks is rolled back alone (UndoTxn).

import { UndoTxn, type Backend, type ReadTxn, type WriteTxn } from '@logbook/backend';
import type { AlarmEntry, Event, LeaseId, LeaseInfo, LeaseTimeToLive, MvccRequest, MvccResponse, RangeRequest, RangeResponse, RangeWireResponse, Revision, TxnRequest } from './types.ts';
import { alarmActive, changeAlarm, listAlarms } from './alarm-table.ts';
import { MvccError, assert, invalidRequest } from './errors.ts';
import { appliedIndex, checkLayout, compactedRevision, currentRevision, setAppliedIndex, setCurrentRevision } from './schema.ts';
import { WriteContext } from './write-context.ts';
import { range, rangeWire } from './range.ts';
import { checkRange, checkRequest } from './validate.ts';
import { deleteRange, put } from './kv-writes.ts';
import { applyTxn } from './txn.ts';
import { compact } from './compaction.ts';
import { leaseExpire, leaseGrant, leaseRevoke, type LeaseLimits } from './lease.ts';
import { firstAttachedKeys, getLease, listLeases } from './lease-table.ts';
import { eventsSince, type HistoryQuery, type HistoryResult } from './watch-history.ts';
import { hashKv, type HashKvResult } from './hash.ts';

export interface MvccOptions {
  /** etcd's --max-txn-ops (default 128). */
  readonly maxTxnOps?: number;
  /** Seconds; shorter grants are raised to it (etcd derives it from the election timeout). Default 1. */
  readonly minLeaseTtl?: number;
  /** etcd's MaxLeaseTTL: 9,000,000,000 seconds. */
  readonly maxLeaseTtl?: number;
  /** Bound on keys returned by leaseTimeToLive (default 10,000). */
  readonly maxLeaseKeys?: number;
}

/** `revision`: the store's revision right after this entry (the one its events carry, if it changed anything). */
export type ApplyResult =
  | { readonly ok: true; readonly response: MvccResponse; readonly events: readonly Event[]; readonly revision: Revision }
  | { readonly ok: false; readonly error: MvccError; readonly events: readonly []; readonly revision: Revision };

/** One committed entry for applyBatch; request undefined records the index only (an undecodable entry). */
export interface BatchItem {
  readonly index: number;
  readonly request: MvccRequest | undefined;
}

/** The revisions as they stand between the entries of one applied batch. */
interface BatchRevisions {
  current: Revision;
  compacted: Revision;
}

/**
 * What etcd's capped applier refuses while a NOSPACE alarm is active: puts,
 * lease grants, transactions that write. The store's quota check at
 * admission refuses the same requests.
 */
export function cappedByNoSpace(req: MvccRequest): boolean {
  return req.type === 'put' || req.type === 'leaseGrant' || (req.type === 'txn' && !txnReadOnly(req.request));
}

function txnReadOnly(t: TxnRequest): boolean {
  return [...(t.success ?? []), ...(t.failure ?? [])].every((op) => op.type === 'range' || (op.type === 'txn' && txnReadOnly(op.request)));
}

export class MvccStore {
  readonly #backend: Backend;
  readonly #maxTxnOps: number;
  readonly #limits: LeaseLimits;
  readonly #maxLeaseKeys: number;
  /**
   * Whether a NOSPACE alarm is active, as of the backend's generation: every
   * capped request asks, and counting the alarm table costs more than the
   * rest of a put's reads. Anyone else's write (a restore) moves the
   * generation past it; an alarm entry applied here drops it.
   */
  #noSpace: { readonly generation: number; readonly active: boolean } | undefined;

  constructor(backend: Backend, options: MvccOptions = {}) {
    this.#backend = backend;
    this.#maxTxnOps = options.maxTxnOps ?? 128;
    this.#limits = { minLeaseTtl: options.minLeaseTtl ?? 1, maxLeaseTtl: options.maxLeaseTtl ?? 9_000_000_000 };
    this.#maxLeaseKeys = options.maxLeaseKeys ?? 10_000;
    assert(Number.isSafeInteger(this.#maxTxnOps) && this.#maxTxnOps > 0, 'maxTxnOps must be positive');
    assert(this.#limits.minLeaseTtl <= this.#limits.maxLeaseTtl, 'minLeaseTtl must not exceed maxLeaseTtl');
    backend.read(checkLayout);
  }

  get currentRevision(): Revision {
    return this.#backend.read(currentRevision);
  }

  get compactedRevision(): Revision {
    return this.#backend.read(compactedRevision);
  }

  /** The active alarms (raised and cleared through the log), by member id. */
  alarms(): AlarmEntry[] {
    return this.#backend.read(listAlarms);
  }

  /** The Raft index of the last applied entry (etcd's consistent index). */
  get appliedIndex(): number {
    return this.#backend.read(appliedIndex);
  }

  /**
   * Apply one committed entry. Returns undefined when index <= appliedIndex
   * (already applied before a restart). A request that fails etcd's checks
   * changes nothing but the applied index and returns the error.
   */
  apply(index: number, req: MvccRequest): ApplyResult | undefined {
    return this.applyBatch([{ index, request: req }])[0];
  }

  /**
   * Record a committed entry that carries no request (one that could not be
   * decoded): only the applied index moves, identically on every member, so
   * replay does not trip over it again.
   */
  skip(index: number): void {
    this.applyBatch([{ index, request: undefined }]);
  }

  /**
   * Apply consecutive committed entries in one backend transaction, with the
   * same outcome as applying them one by one: result i belongs to item i
   * (undefined for an index at or below appliedIndex, or a skipped item).
   * Indexes must increase. Nothing is visible to readers, and nothing is
   * committed, until the whole batch is; an error that is not an MvccError
   * (a bug, a backend failure) aborts the whole batch.
   */
  applyBatch(items: readonly BatchItem[]): (ApplyResult | undefined)[] {
    if (items.length === 0) return [];
    let previous = 0;
    for (const { index } of items) {
      assert(Number.isSafeInteger(index) && index > previous, () => `bad log index ${index} after ${previous}`);
      previous = index;
    }
    const generation = this.#backend.generation;
    let results: (ApplyResult | undefined)[];
    try {
      results = this.#backend.write((txn) => {
        const from = appliedIndex(txn);
        if (items.at(-1)!.index <= from) return items.map(() => undefined);
        // The revisions are read once and carried from entry to entry; the new
        // current revision is written once, at the end (same transaction).
        const before = currentRevision(txn);
        const revs: BatchRevisions = { current: before, compacted: compactedRevision(txn) };
        const out = items.map((item) => (item.index <= from || item.request === undefined ? undefined : this.#applyOne(txn, item.request, revs)));
        if (revs.current !== before) setCurrentRevision(txn, revs.current, before);
        setAppliedIndex(txn, items.at(-1)!.index, from);
        return out;
      });
    } catch (err) {
      this.#noSpace = undefined;
      throw err;
    }
    // What this batch's transaction saw of the alarms holds after its commit,
    // unless someone else committed too.
    const seen = this.#noSpace;
    this.#noSpace = seen !== undefined && seen.generation === generation && this.#backend.generation === generation + 1 ? { generation: generation + 1, active: seen.active } : undefined;
    return results;
  }

  /** Whether a NOSPACE alarm is active, inside a write transaction of applyBatch. */
  #noSpaceActive(txn: ReadTxn): boolean {
    const generation = this.#backend.generation;
    if (this.#noSpace?.generation === generation) return this.#noSpace.active;
    const active = alarmActive(txn, 'NOSPACE');
    this.#noSpace = { generation, active };
    return active;
  }

  #applyOne(txn: WriteTxn, req: MvccRequest, revs: BatchRevisions): ApplyResult {
    // A put makes every check before its first write, so it needs no savepoint
    // (the hot path: it saves a read per write). The batching test covers
    // failing puts.
    const undo = req.type === 'put' ? undefined : new UndoTxn(txn);
    const ctx = new WriteContext(undo ?? txn, revs.current, revs.compacted);
    try {
      checkRequest(req, this.#maxTxnOps);
      if (cappedByNoSpace(req) && this.#noSpaceActive(txn)) throw new MvccError('noSpace');
      const response = this.#dispatch(ctx, req);
      ctx.finish(true);
      revs.current = ctx.current;
      if (req.type === 'compaction') revs.compacted = compactedRevision(txn);
      return { ok: true, response, events: ctx.events, revision: ctx.current };
    } catch (err) {
      if (!(err instanceof MvccError)) throw err;
      undo?.rollback();
      return { ok: false, error: err, events: [], revision: ctx.base };
    }
  }

  #dispatch(ctx: WriteContext, req: MvccRequest): MvccResponse {
    switch (req.type) {
      case 'range': return { type: 'range', response: range(ctx.txn, req.request, ctx.readState()) };
      case 'put': return { type: 'put', response: put(ctx, req.request) };
      case 'deleteRange': return { type: 'deleteRange', response: deleteRange(ctx, req.request) };
      case 'txn': return { type: 'txn', response: applyTxn(ctx, req.request) };
      case 'compaction': return { type: 'compaction', response: compact(ctx, req.request) };
      case 'leaseGrant': return { type: 'leaseGrant', response: leaseGrant(ctx, req.request, this.#limits) };
      case 'leaseRevoke': return { type: 'leaseRevoke', response: leaseRevoke(ctx, req.request) };
      case 'leaseExpire': return { type: 'leaseExpire', response: leaseExpire(ctx, req.request) };
      case 'alarm':
        // The next capped request recounts, inside this transaction.
        this.#noSpace = undefined;
        return { type: 'alarm', response: changeAlarm(ctx.txn, req.request) };
    }
  }

  /** A serializable read outside the log (same code as Range inside apply). Throws MvccError. */
  range(req: RangeRequest): RangeResponse {
    checkRange(req);
    return this.#backend.read((txn) => range(txn, req, { current: currentRevision(txn), compacted: compactedRevision(txn) }));
  }

  /** range() with each KeyValue in etcd's wire form (what a Range RPC answers with). Throws MvccError. */
  rangeWire(req: RangeRequest): RangeWireResponse {
    checkRange(req);
    return this.#backend.read((txn) => rangeWire(txn, req, { current: currentRevision(txn), compacted: compactedRevision(txn) }));
  }

  /** Retained changes from a revision, for the watch layer. */
  eventsSince(query: HistoryQuery): HistoryResult {
    return this.#backend.read((txn) => eventsSince(txn, query));
  }

  /** Checksum of the retained history up to `revision` (0: current). Throws MvccError compacted/futureRevision. */
  hashKv(revision: Revision): HashKvResult {
    if (!Number.isSafeInteger(revision) || revision < 0) throw invalidRequest('revision must be a non-negative safe integer');
    return this.#backend.read((txn) => hashKv(txn, revision));
  }

  leases(): LeaseInfo[] {
    return this.#backend.read(listLeases);
  }

  /** The lease's grant and, when asked, its keys (at most maxLeaseKeys). Throws leaseNotFound. */
  leaseTimeToLive(id: LeaseId, keys: boolean): LeaseTimeToLive {
    if (!Number.isSafeInteger(id) || id < 0) throw invalidRequest('id must be a non-negative safe integer');
    return this.#backend.read((txn) => {
      const info = getLease(txn, id);
      if (info === undefined) throw new MvccError('leaseNotFound');
      return { ...info, keys: keys ? firstAttachedKeys(txn, id, this.#maxLeaseKeys) : [] };
    });
  }
}
