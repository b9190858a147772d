// The tables of the on-backend layout (DESIGN.md) and the primitive reads and
// writes over them. Everything else goes through these functions, so the
// layout's invariants live in one file:
//   history[rev]            = record (put or tombstone)        -- every retained change
//   index[esc(key) ++ rev]  = kind byte                         -- per-key revisions, for reads at old revisions
//   latest[key]             = record of the key's live put      -- absent when deleted (a copy of its history record:
//                                                                 current reads touch one pair per key)
//   meta                    = current / compacted revision, applied index

import type { ReadTxn, ValueSink, WriteTxn } from '@logbook/backend';
import type { Bytes, KeyValue, Revision } from './types.ts';
import { assert } from './errors.ts';
import {
  TABLE, compareBytes, concat, decodeRecord, decodeRev, decodeU64, encodeRecord, encodeRev, escapeKey, escapedKeyEnd,
  keySuccessor, recordKeyValueWire, u64, unescapeKey, type HistoryRecord, type Rev,
} from './encoding.ts';

const META_CURRENT = new Uint8Array([TABLE.meta, 1]);
const META_COMPACTED = new Uint8Array([TABLE.meta, 2]);
const META_APPLIED = new Uint8Array([TABLE.meta, 3]);
const META_LAYOUT = new Uint8Array([TABLE.meta, 4]);

/**
 * The record layout this build writes and reads. 1: kind, four u64, key
 * length, key, value (no marker was written then). 2: kind byte + the
 * KeyValue in etcd's wire form.
 */
export const RECORD_LAYOUT = 2;

/**
 * Refuses a keyspace holding records of another layout (a data dir an older
 * build wrote) with a clear error rather than misreading it. An unmarked
 * keyspace with no records is new: its first applied batch marks it.
 */
export function checkLayout(txn: ReadTxn): void {
  const stored = txn.get(META_LAYOUT);
  const advice = 'run the Logbook build that wrote this data dir, or start the member from an empty one';
  if (stored !== undefined) {
    const layout = decodeU64(stored);
    if (layout !== RECORD_LAYOUT) throw new Error(`the store holds records of layout ${layout}; this build reads layout ${RECORD_LAYOUT}: ${advice}`);
    return;
  }
  for (const _ of txn.range(table(TABLE.history), tableEnd(TABLE.latest), { limit: 1 })) {
    throw new Error(`the store holds records of layout 1 (from before records held etcd's KeyValue encoding); this build reads layout ${RECORD_LAYOUT}: ${advice}`);
  }
}
const INDEX_PUT = new Uint8Array([1]);
const INDEX_TOMBSTONE = new Uint8Array([2]);

/** A fresh etcd store is at revision 1; the first write is revision 2. */
export const INITIAL_REVISION = 1;

function table(t: number): Bytes {
  return new Uint8Array([t]);
}

function tableEnd(t: number): Bytes {
  return new Uint8Array([t + 1]);
}

export function historyKey(rev: Rev): Bytes {
  return concat(table(TABLE.history), encodeRev(rev));
}

function indexKey(escaped: Bytes, rev: Rev): Bytes {
  return concat(table(TABLE.index), escaped, encodeRev(rev));
}

function latestKey(key: Bytes): Bytes {
  return concat(table(TABLE.latest), key);
}

function readMeta(txn: ReadTxn, key: Bytes, fallback: number): number {
  const v = txn.get(key);
  return v === undefined ? fallback : decodeU64(v);
}

export function currentRevision(txn: ReadTxn): Revision {
  return readMeta(txn, META_CURRENT, INITIAL_REVISION);
}

export function compactedRevision(txn: ReadTxn): Revision {
  return readMeta(txn, META_COMPACTED, 0);
}

export function appliedIndex(txn: ReadTxn): number {
  return readMeta(txn, META_APPLIED, 0);
}

/** previous: the current revision, when the caller read it in this transaction. */
export function setCurrentRevision(txn: WriteTxn, rev: Revision, previous: Revision = currentRevision(txn)): void {
  assert(rev >= previous, 'revision must not go backwards');
  txn.put(META_CURRENT, u64(rev));
}

export function setCompactedRevision(txn: WriteTxn, rev: Revision): void {
  txn.put(META_COMPACTED, u64(rev));
}

/** previous: the applied index, when the caller read it in this transaction. */
export function setAppliedIndex(txn: WriteTxn, index: number, previous: number = appliedIndex(txn)): void {
  assert(index > previous, 'applied index must increase');
  if (previous === 0) txn.put(META_LAYOUT, u64(RECORD_LAYOUT));
  txn.put(META_APPLIED, u64(index));
}

function readHistoryBytes(txn: ReadTxn, rev: Rev): Bytes {
  const v = txn.get(historyKey(rev));
  assert(v !== undefined, () => `history record missing at ${rev.main}.${rev.sub}`);
  return v;
}

export function readHistory(txn: ReadTxn, rev: Rev): HistoryRecord {
  return decodeRecord(readHistoryBytes(txn, rev));
}

/** The key's live KeyValue now, or undefined when it does not exist. */
export function latestKv(txn: ReadTxn, key: Bytes): KeyValue | undefined {
  const v = txn.get(latestKey(key));
  if (v === undefined) return undefined;
  const rec = decodeRecord(v);
  assert(!rec.tombstone, 'latest holds a tombstone');
  return rec.kv;
}

/** Record one change at rev: history, index and latest stay in step. */
export function writeChange(txn: WriteTxn, rev: Rev, rec: HistoryRecord): void {
  assert(rec.kv.modRevision === rev.main, 'record modRevision must equal its revision');
  const hk = historyKey(rev);
  assert(txn.get(hk) === undefined, 'history record overwritten');
  const encoded = encodeRecord(rec);
  txn.put(hk, encoded);
  txn.put(indexKey(escapeKey(rec.kv.key), rev), rec.tombstone ? INDEX_TOMBSTONE : INDEX_PUT);
  if (rec.tombstone) txn.delete(latestKey(rec.kv.key));
  else txn.put(latestKey(rec.kv.key), encoded);
}

/** Drop one retained change (compaction only); latest is never touched. */
export function removeChange(txn: WriteTxn, rev: Rev, key: Bytes): void {
  txn.delete(historyKey(rev));
  txn.delete(indexKey(escapeKey(key), rev));
}

/** The key's newest index entry with revision in [from, to), or undefined. */
export function indexEntryBetween(
  txn: ReadTxn, key: Bytes, from: Rev, to: Rev, newest: boolean,
): { rev: Rev; tombstone: boolean } | undefined {
  const esc = escapeKey(key);
  for (const [k, v] of txn.range(indexKey(esc, from), indexKey(esc, to), { reverse: newest, limit: 1 })) {
    return { rev: decodeRev(k, 1 + esc.length), tombstone: v[0] === INDEX_TOMBSTONE[0] };
  }
  return undefined;
}

/** The key's KeyValue as of revision `rev` (undefined when absent then or compacted away). */
export function kvAt(txn: ReadTxn, key: Bytes, rev: Revision): KeyValue | undefined {
  const e = indexEntryBetween(txn, key, { main: 0, sub: 0 }, { main: rev + 1, sub: 0 }, true);
  if (e === undefined || e.tombstone) return undefined;
  return readHistory(txn, e.rev).kv;
}

/** A resolved key interval: [start, end); end undefined = to the end of the keyspace. */
export interface KeyInterval {
  readonly start: Bytes;
  readonly end: Bytes | undefined;
  /** True when only `start` itself is selected. */
  readonly single: boolean;
}

/** etcd's key/range_end convention: empty end = one key, [0] = from key, else [key, end). */
export function keyInterval(key: Bytes, rangeEnd: Bytes | undefined): KeyInterval {
  if (rangeEnd === undefined || rangeEnd.length === 0) return { start: key, end: keySuccessor(key), single: true };
  if (rangeEnd.length === 1 && rangeEnd[0] === 0) return { start: key, end: undefined, single: false };
  return { start: key, end: rangeEnd, single: false };
}

export function intervalContains(iv: KeyInterval, key: Bytes): boolean {
  return compareBytes(key, iv.start) >= 0 && (iv.end === undefined || compareBytes(key, iv.end) < 0);
}

/** A live key and its KeyValue, decoded only when asked for (a count or a delete needs only the key). */
export interface LiveKey {
  readonly key: Bytes;
  kv(): KeyValue;
  /** The KeyValue in etcd's wire form (mvccpb.KeyValue bytes), as stored. */
  wire(): Bytes;
}

/** The interval's bounds in the `latest` table, or undefined when it is empty. */
function latestBounds(iv: KeyInterval): { start: Bytes; end: Bytes } | undefined {
  if (iv.end !== undefined && compareBytes(iv.end, iv.start) <= 0) return undefined;
  return { start: latestKey(iv.start), end: iv.end === undefined ? tableEnd(TABLE.latest) : latestKey(iv.end) };
}

/**
 * Keys live at revision `rev` within the interval, in key order. At the
 * current revision this is one scan of `latest` (which holds each record);
 * at an older one, a skip-scan of `index` (two seeks per key) and a history
 * read per key.
 */
export function* liveKeys(txn: ReadTxn, iv: KeyInterval, rev: Revision, current: Revision): Generator<LiveKey> {
  if (iv.end !== undefined && compareBytes(iv.end, iv.start) <= 0) return;
  if (rev === current) {
    const b = latestBounds(iv)!;
    for (const [k, v] of txn.range(b.start, b.end)) {
      yield { key: k.subarray(1), kv: () => decodeRecord(v).kv, wire: () => recordKeyValueWire(v) };
    }
    return;
  }
  const end = iv.end === undefined ? tableEnd(TABLE.index) : concat(table(TABLE.index), escapeKey(iv.end));
  let cursor = concat(table(TABLE.index), escapeKey(iv.start));
  for (;;) {
    let found: Bytes | undefined;
    for (const [k] of txn.range(cursor, end, { limit: 1 })) found = k;
    if (found === undefined) return;
    const { key, end: escEnd } = unescapeKey(found, 1);
    const esc = found.slice(1, escEnd);
    const e = indexEntryBetween(txn, key, { main: 0, sub: 0 }, { main: rev + 1, sub: 0 }, true);
    if (e !== undefined && !e.tombstone) {
      const at = e.rev;
      yield { key, kv: () => readHistory(txn, at).kv, wire: () => recordKeyValueWire(readHistoryBytes(txn, at)) };
    }
    cursor = concat(table(TABLE.index), escapedKeyEnd(esc));
  }
}

/**
 * The current revision's live keys in the interval, each one's record copied
 * by the engine into `sink` (ReadTxn.rangeInto); returns how many it copied:
 * all of them, or the first `max` (0: no limit).
 */
export function scanLatestInto(txn: ReadTxn, iv: KeyInterval, sink: ValueSink, max = 0): number {
  if (iv.single) {
    // One key: a point read, not a cursor over a one-key interval.
    const record = txn.get(latestKey(iv.start));
    if (record === undefined) return 0;
    const at = sink.reserve(record.byteLength); // may replace sink.buffer
    sink.buffer.set(record, at);
    sink.written();
    return 1;
  }
  const b = latestBounds(iv);
  if (b === undefined) return 0;
  let count = 0;
  for (const _ of txn.rangeInto(b.start, b.end, sink)) {
    if (++count === max) break;
  }
  return count;
}

/** How many keys are live in the interval at the current revision, counted by the engine without reading a record. */
export function countLatest(txn: ReadTxn, iv: KeyInterval): number {
  const b = latestBounds(iv);
  return b === undefined ? 0 : txn.count(b.start, b.end);
}

/** History records with revision >= from, in revision order. */
export function* historyFrom(txn: ReadTxn, from: Rev, to?: Rev): Generator<{ rev: Rev; rec: HistoryRecord }> {
  const end = to === undefined ? tableEnd(TABLE.history) : historyKey(to);
  for (const [k, v] of txn.range(historyKey(from), end)) yield { rev: decodeRev(k, 1), rec: decodeRecord(v) };
}
