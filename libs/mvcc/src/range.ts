// Range: the one read path, used inside apply (linearizable reads and Txn
// ops) and outside it (serializable reads). Mirrors etcd's two stages: the
// MVCC layer finds the keys at a revision and counts them; the server layer
// then prunes by mod/create revision, sorts, and applies the limit.

import type { ReadTxn } from '@logbook/backend';
import type { KeyValue, RangeRequest, RangeResponse, RangeWireResponse, Revision, SortOrder } from './types.ts';
import { MvccError } from './errors.ts';
import { EMPTY, compareBytes, encodeKeyValueWire } from './encoding.ts';
import { countLatest, keyInterval, liveKeys, scanLatestInto, type LiveKey } from './schema.ts';
import { WireKvs } from './wire-kvs.ts';

export interface ReadState {
  /** The revision a read sees as "now" (includes writes earlier in the same txn). */
  readonly current: Revision;
  readonly compacted: Revision;
}

/** etcd's revision checks, in etcd's order: future first, then compacted. */
export function resolveRevision(requested: Revision | undefined, state: ReadState): Revision {
  const rev = requested !== undefined && requested > 0 ? requested : state.current;
  if (rev > state.current) throw new MvccError('futureRevision');
  if (rev < state.compacted) throw new MvccError('compacted');
  return rev;
}

function needsFullFetch(req: RangeRequest): boolean {
  return (
    (req.sortOrder ?? 'NONE') !== 'NONE' ||
    (req.minModRevision ?? 0) !== 0 ||
    (req.maxModRevision ?? 0) !== 0 ||
    (req.minCreateRevision ?? 0) !== 0 ||
    (req.maxCreateRevision ?? 0) !== 0
  );
}

/** Live keys of the request's interval at its revision, counted; `pick` turns each kept key into an item. */
function scan<T>(
  txn: ReadTxn, req: RangeRequest, state: ReadState, fetchLimit: number, pick: (live: LiveKey) => T,
): { items: T[]; count: number } {
  const rev = resolveRevision(req.revision, state);
  const countOnly = req.countOnly === true;
  const iv = keyInterval(req.key, req.rangeEnd);
  if (countOnly && rev === state.current) return { items: [], count: countLatest(txn, iv) };
  let count = 0;
  const items: T[] = [];
  for (const live of liveKeys(txn, iv, rev, state.current)) {
    count++;
    if (countOnly || (fetchLimit > 0 && items.length >= fetchLimit)) continue;
    items.push(pick(live));
  }
  return { items, count };
}

function requestLimit(req: RangeRequest): number {
  return req.limit !== undefined && req.limit > 0 ? req.limit : 0;
}

function cut<T>(items: T[], limit: number): { items: T[]; more: boolean } {
  return limit > 0 && items.length > limit ? { items: items.slice(0, limit), more: true } : { items, more: false };
}

export function range(txn: ReadTxn, req: RangeRequest, state: ReadState): RangeResponse {
  const limit = requestLimit(req);
  // With filters or a sort every key must be fetched before the limit applies;
  // otherwise one extra key is enough to know whether there is `more`.
  const fetchLimit = limit === 0 || needsFullFetch(req) ? 0 : limit + 1;
  const keysOnly = req.keysOnly === true;
  const { items, count } = scan(txn, req, state, fetchLimit, (live) => {
    const kv = live.kv();
    return keysOnly ? { ...kv, value: EMPTY } : kv;
  });
  const { items: kvs, more } = cut(sort(prune(items, req), req), limit);
  return { header: { revision: state.current }, kvs, more, count };
}

/**
 * Range answered in etcd's wire form (RangeWireResponse). A range without a
 * sort or filter copies the stored KeyValue bytes into the answer as they
 * are (keys_only: all but the value field); the rest go through range() and
 * are encoded.
 */
export function rangeWire(txn: ReadTxn, req: RangeRequest, state: ReadState): RangeWireResponse {
  if (needsFullFetch(req)) {
    const r = range(txn, req, state);
    const out = new WireKvs(0);
    for (const kv of r.kvs) out.append(encodeKeyValueWire(kv));
    return { header: r.header, kvsFieldRoom: out.room(), kvsField: out.bytes(), kvCount: out.length, more: r.more, count: r.count, release: () => out.release() };
  }
  const rev = resolveRevision(req.revision, state);
  const limit = requestLimit(req);
  const countOnly = req.countOnly === true;
  const iv = keyInterval(req.key, req.rangeEnd);
  const out = new WireKvs(limit, req.keysOnly === true);
  let count = 0;
  if (rev === state.current) {
    // The engine counts keys natively; records are read only for the kvs kept
    // (a limited range reads `limit` of them and counts the rest).
    if (countOnly) count = countLatest(txn, iv);
    else if (limit === 0) count = scanLatestInto(txn, iv, out);
    else count = scanLatestInto(txn, iv, out, limit) < limit ? out.length : countLatest(txn, iv);
  } else {
    for (const live of liveKeys(txn, iv, rev, state.current)) {
      count++;
      if (!countOnly && out.wants) out.append(live.wire());
    }
  }
  const more = !countOnly && limit > 0 && count > limit;
  return { header: { revision: state.current }, kvsFieldRoom: out.room(), kvsField: out.bytes(), kvCount: out.length, more, count, release: () => out.release() };
}

function prune(kvs: KeyValue[], req: RangeRequest): KeyValue[] {
  const minMod = req.minModRevision ?? 0;
  const maxMod = req.maxModRevision ?? 0;
  const minCreate = req.minCreateRevision ?? 0;
  const maxCreate = req.maxCreateRevision ?? 0;
  return kvs.filter(
    (kv) =>
      (minMod === 0 || kv.modRevision >= minMod) &&
      (maxMod === 0 || kv.modRevision <= maxMod) &&
      (minCreate === 0 || kv.createRevision >= minCreate) &&
      (maxCreate === 0 || kv.createRevision <= maxCreate),
  );
}

function sort(kvs: KeyValue[], req: RangeRequest): KeyValue[] {
  const target = req.sortTarget ?? 'KEY';
  let order: SortOrder = req.sortOrder ?? 'NONE';
  // As etcd: results already come in ascending key order; a non-key target
  // with no order means ascending.
  if (order === 'NONE' && target !== 'KEY') order = 'ASCEND';
  if (order === 'ASCEND' && target === 'KEY') order = 'NONE';
  if (order === 'NONE') return kvs;
  const sign = order === 'ASCEND' ? 1 : -1;
  const cmp = (a: KeyValue, b: KeyValue): number => {
    switch (target) {
      case 'KEY': return compareBytes(a.key, b.key);
      case 'VERSION': return a.version - b.version;
      case 'CREATE': return a.createRevision - b.createRevision;
      case 'MOD': return a.modRevision - b.modRevision;
      case 'VALUE': return compareBytes(a.value, b.value);
    }
  };
  // Stable sort over key-ordered input: ties stay in key order (deterministic).
  return kvs.slice().sort((a, b) => sign * cmp(a, b));
}
