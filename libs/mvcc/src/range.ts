// Range: the one read path, used inside apply (linearizable reads and Txn
// ops) and outside it (serializable reads). Mirrors etcd's two stages: the
// MVCC layer finds the keys at a revision and counts them; the server layer
// then prunes by mod/create revision, sorts, and applies the limit.

import type { ReadTxn } from '@logbook/backend';
import type { KeyValue, RangeRequest, RangeResponse, Revision, SortOrder } from './types.ts';
import { MvccError } from './errors.ts';
import { EMPTY, compareBytes } from './encoding.ts';
import { keyInterval, liveKeys } from './schema.ts';

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

export function range(txn: ReadTxn, req: RangeRequest, state: ReadState): RangeResponse {
  const rev = resolveRevision(req.revision, state);
  const limit = req.limit !== undefined && req.limit > 0 ? req.limit : 0;
  // With filters or a sort every key must be fetched before the limit applies;
  // otherwise one extra key is enough to know whether there is `more`.
  const fetchLimit = limit === 0 || needsFullFetch(req) ? 0 : limit + 1;
  const countOnly = req.countOnly === true;

  let count = 0;
  let kvs: KeyValue[] = [];
  for (const live of liveKeys(txn, keyInterval(req.key, req.rangeEnd), rev, state.current)) {
    count++;
    if (countOnly || (fetchLimit > 0 && kvs.length >= fetchLimit)) continue;
    const kv = live.kv();
    kvs.push(req.keysOnly === true ? { ...kv, value: EMPTY } : kv);
  }
  kvs = prune(kvs, req);
  kvs = sort(kvs, req);
  let more = false;
  if (limit > 0 && kvs.length > limit) {
    kvs = kvs.slice(0, limit);
    more = true;
  }
  return { header: { revision: state.current }, kvs, more, count };
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
