// History for watchers: the retained changes from a start revision, in
// revision order. A start below the compacted revision answers with
// compactRevision (etcd cancels such a watch; the apiserver answers 410 Gone).

import type { ReadTxn } from '@logbook/backend';
import type { Bytes, Event, Revision } from './types.ts';
import { assert } from './errors.ts';
import { compactedRevision, currentRevision, historyFrom, indexEntryBetween, intervalContains, keyInterval, readHistory } from './schema.ts';

export interface HistoryQuery {
  readonly startRevision: Revision;
  readonly key: Bytes;
  readonly rangeEnd?: Bytes;
  /**
   * Soft bound on events returned: a revision is never split, so the answer
   * may exceed it by the rest of the last revision's changes.
   */
  readonly limit: number;
  /** Attach the previous KeyValue (when still retained), as a prev_kv watch. */
  readonly prevKv?: boolean;
}

export type HistoryResult =
  | { readonly compactRevision: Revision }
  | {
      readonly events: readonly Event[];
      /** Where the next query should start; > current revision means caught up. */
      readonly nextRevision: Revision;
    };

export function eventsSince(txn: ReadTxn, q: HistoryQuery): HistoryResult {
  assert(Number.isSafeInteger(q.startRevision) && q.startRevision > 0, 'startRevision must be a positive integer');
  assert(Number.isSafeInteger(q.limit) && q.limit > 0, 'limit must be a positive integer');
  const compacted = compactedRevision(txn);
  if (q.startRevision < compacted) return { compactRevision: compacted };
  const iv = keyInterval(q.key, q.rangeEnd);
  const events: Event[] = [];
  let lastMain = 0;
  for (const { rev, rec } of historyFrom(txn, { main: q.startRevision, sub: 0 })) {
    if (events.length >= q.limit && rev.main !== lastMain) return { events, nextRevision: rev.main };
    if (!intervalContains(iv, rec.kv.key)) continue;
    lastMain = rev.main;
    let prevKv;
    if (q.prevKv === true) {
      const e = indexEntryBetween(txn, rec.kv.key, { main: 0, sub: 0 }, rev, true);
      if (e !== undefined && !e.tombstone) prevKv = readHistory(txn, e.rev).kv;
    }
    const type = rec.tombstone ? 'DELETE' : 'PUT';
    events.push(prevKv === undefined ? { type, kv: rec.kv } : { type, kv: rec.kv, prevKv });
  }
  return { events, nextRevision: Math.max(q.startRevision, currentRevision(txn) + 1) };
}
