// Put and DeleteRange inside a write context. Both record history, keep the
// lease attachments in step with each key's `lease`, and emit one event per
// changed key carrying the previous KeyValue.

import type { Bytes, DeleteRangeRequest, DeleteRangeResponse, KeyValue, PutRequest, PutResponse } from './types.ts';
import type { WriteContext } from './write-context.ts';
import { MvccError, assert } from './errors.ts';
import { EMPTY } from './encoding.ts';
import { keyInterval, latestKv, liveKeys, writeChange } from './schema.ts';
import { attach, detach, getLease } from './lease-table.ts';

export function put(ctx: WriteContext, req: PutRequest): PutResponse {
  const prev = latestKv(ctx.txn, req.key);
  if ((req.ignoreValue === true || req.ignoreLease === true) && prev === undefined) throw new MvccError('keyNotFound');
  const lease = req.ignoreLease === true ? prev!.lease : (req.lease ?? 0);
  if (lease !== 0 && getLease(ctx.txn, lease) === undefined) throw new MvccError('leaseNotFound');
  const value = req.ignoreValue === true ? prev!.value : (req.value ?? EMPTY);
  const rev = ctx.nextRev();
  const kv: KeyValue = {
    key: req.key,
    createRevision: prev === undefined ? rev.main : prev.createRevision,
    modRevision: rev.main,
    version: prev === undefined ? 1 : prev.version + 1,
    value,
    lease,
  };
  writeChange(ctx.txn, rev, { tombstone: false, kv });
  if (prev !== undefined && prev.lease !== 0 && prev.lease !== lease) detach(ctx.txn, prev.lease, req.key);
  if (lease !== 0 && prev?.lease !== lease) attach(ctx.txn, lease, req.key);
  ctx.events.push(prev === undefined ? { type: 'PUT', kv } : { type: 'PUT', kv, prevKv: prev });
  const header = { revision: ctx.current };
  return req.prevKv === true && prev !== undefined ? { header, prevKv: prev } : { header };
}

/** Delete one live key at the context's revision. */
export function deleteKey(ctx: WriteContext, key: Bytes): KeyValue {
  const prev = latestKv(ctx.txn, key);
  assert(prev !== undefined, 'deleting a key that is not live');
  const rev = ctx.nextRev();
  const kv: KeyValue = { key, createRevision: 0, modRevision: rev.main, version: 0, value: EMPTY, lease: 0 };
  writeChange(ctx.txn, rev, { tombstone: true, kv });
  if (prev.lease !== 0) detach(ctx.txn, prev.lease, key);
  ctx.events.push({ type: 'DELETE', kv, prevKv: prev });
  return prev;
}

export function deleteRange(ctx: WriteContext, req: DeleteRangeRequest): DeleteRangeResponse {
  // Collect first: deleting while a backend cursor is open is not allowed.
  const keys: Bytes[] = [];
  for (const { key } of liveKeys(ctx.txn, keyInterval(req.key, req.rangeEnd), ctx.current, ctx.current)) keys.push(key);
  const prevKvs = keys.map((k) => deleteKey(ctx, k));
  return { header: { revision: ctx.current }, deleted: prevKvs.length, prevKvs: req.prevKv === true ? prevKvs : [] };
}
