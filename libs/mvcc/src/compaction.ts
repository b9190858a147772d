// Compaction at revision C removes, for every key, each change at or below C
// that a later change at or below C supersedes, and the newest change at or
// below C too when it is a tombstone below C (one exactly at C stays, so a watch
// from C sees the delete). A read at any revision >= C sees what it saw before.
// It runs inside the apply's write transaction, in bounded batches.

import type { WriteTxn } from '@logbook/backend';
import type { CompactionRequest, CompactionResponse } from './types.ts';
import type { WriteContext } from './write-context.ts';
import { MvccError } from './errors.ts';
import { historyFrom, indexEntryBetween, removeChange, setCompactedRevision } from './schema.ts';
import type { Rev } from './encoding.ts';

/** History records examined per backend scan (bounds the buffer of a scan). */
const COMPACT_BATCH = 512;

export function compact(ctx: WriteContext, req: CompactionRequest): CompactionResponse {
  if (req.revision <= ctx.compacted) throw new MvccError('compacted');
  if (req.revision > ctx.current) throw new MvccError('futureRevision');
  removeSuperseded(ctx.txn, req.revision);
  setCompactedRevision(ctx.txn, req.revision);
  return { header: { revision: ctx.current } };
}

function removeSuperseded(txn: WriteTxn, at: number): void {
  const end: Rev = { main: at + 1, sub: 0 };
  let from: Rev = { main: 0, sub: 0 };
  for (;;) {
    // Materialize a batch before deleting: no writes while a cursor is open.
    const batch = [];
    for (const item of historyFrom(txn, from, end)) {
      batch.push(item);
      if (batch.length >= COMPACT_BATCH) break;
    }
    if (batch.length === 0) return;
    for (const { rev, rec } of batch) {
      const newer = indexEntryBetween(txn, rec.kv.key, { main: rev.main, sub: rev.sub + 1 }, end, false);
      // A tombstone exactly at the compaction revision stays: a watch may start
      // at that revision and must still see the delete.
      if (newer !== undefined || (rec.tombstone && rev.main < at)) removeChange(txn, rev, rec.kv.key);
    }
    const last = batch[batch.length - 1]!.rev;
    from = { main: last.main, sub: last.sub + 1 };
  }
}
