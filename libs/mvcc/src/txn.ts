// Txn: compares, then the chosen branch. As in etcd, every compare of the
// whole (nested) txn is evaluated against the state before any of its writes,
// ranges on the chosen path are checked against that state too, and the
// whole txn shares one main revision.

import type { ReadTxn } from '@logbook/backend';
import type { Compare, KeyValue, RequestOp, ResponseOp, TxnRequest, TxnResponse } from './types.ts';
import type { WriteContext } from './write-context.ts';
import { MvccError } from './errors.ts';
import { compareBytes } from './encoding.ts';
import { keyInterval, latestKv, liveKeys, type KeyInterval } from './schema.ts';
import { range, resolveRevision, type ReadState } from './range.ts';
import { deleteRange, put } from './kv-writes.ts';

const ZERO_KV: KeyValue = { key: new Uint8Array(0), createRevision: 0, modRevision: 0, version: 0, value: new Uint8Array(0), lease: 0 };

function compareKv(c: Compare, kv: KeyValue): boolean {
  let d: number;
  switch (c.target) {
    case 'VERSION': d = kv.version - c.version; break;
    case 'CREATE': d = kv.createRevision - c.createRevision; break;
    case 'MOD': d = kv.modRevision - c.modRevision; break;
    case 'LEASE': d = kv.lease - c.lease; break;
    case 'VALUE': d = compareBytes(kv.value, c.value); break;
  }
  switch (c.result) {
    case 'EQUAL': return d === 0;
    case 'NOT_EQUAL': return d !== 0;
    case 'GREATER': return d > 0;
    case 'LESS': return d < 0;
  }
}

/**
 * A compare holds when every key in its range satisfies it. With no key in
 * range a VALUE compare fails and the others compare against zeros (a
 * missing key has version, create, mod and lease 0).
 */
export function evaluateCompare(txn: ReadTxn, c: Compare, current: number): boolean {
  const iv = keyInterval(c.key, c.rangeEnd);
  const kvs: KeyValue[] = [];
  if (iv.single) {
    const kv = latestKv(txn, c.key);
    if (kv !== undefined) kvs.push(kv);
  } else {
    for (const live of liveKeys(txn, iv, current, current)) kvs.push(live.kv());
  }
  if (kvs.length === 0) return c.target !== 'VALUE' && compareKv(c, ZERO_KV);
  return kvs.every((kv) => compareKv(c, kv));
}

/** The branch taken by this txn and, in order, by every nested txn on that path. */
interface TxnPath {
  readonly succeeded: boolean;
  readonly nested: readonly TxnPath[];
}

function computePath(txn: ReadTxn, req: TxnRequest, state: ReadState): TxnPath {
  const succeeded = (req.compare ?? []).every((c) => evaluateCompare(txn, c, state.current));
  const ops = (succeeded ? req.success : req.failure) ?? [];
  const nested: TxnPath[] = [];
  for (const op of ops) {
    if (op.type === 'txn') nested.push(computePath(txn, op.request, state));
    else if (op.type === 'range') resolveRevision(op.request.revision, state);
  }
  return { succeeded, nested };
}

export function applyTxn(ctx: WriteContext, req: TxnRequest): TxnResponse {
  const path = computePath(ctx.txn, req, ctx.readState());
  return execute(ctx, req, path);
}

function execute(ctx: WriteContext, req: TxnRequest, path: TxnPath): TxnResponse {
  const ops = (path.succeeded ? req.success : req.failure) ?? [];
  const responses: ResponseOp[] = [];
  let nestedIdx = 0;
  for (const op of ops) {
    switch (op.type) {
      case 'range': responses.push({ type: 'range', response: range(ctx.txn, op.request, ctx.readState()) }); break;
      case 'put': responses.push({ type: 'put', response: put(ctx, op.request) }); break;
      case 'deleteRange': responses.push({ type: 'deleteRange', response: deleteRange(ctx, op.request) }); break;
      case 'txn': responses.push({ type: 'txn', response: execute(ctx, op.request, path.nested[nestedIdx++]!) }); break;
    }
  }
  return { header: { revision: ctx.current }, succeeded: path.succeeded, responses };
}

// ---- validation: limits and "at most one write per key" ----

export function checkTxnOpsLimit(req: TxnRequest, maxTxnOps: number): void {
  if ((req.compare ?? []).length > maxTxnOps || (req.success ?? []).length > maxTxnOps || (req.failure ?? []).length > maxTxnOps) {
    throw new MvccError('tooManyOps');
  }
  for (const op of [...(req.success ?? []), ...(req.failure ?? [])]) if (op.type === 'txn') checkTxnOpsLimit(op.request, maxTxnOps);
}

interface Writes {
  readonly puts: Map<string, Uint8Array>;
  readonly dels: KeyInterval[];
}

function keyId(key: Uint8Array): string {
  return Array.from(key, (b) => b.toString(16).padStart(2, '0')).join('');
}

function inAny(dels: readonly KeyInterval[], key: Uint8Array): boolean {
  return dels.some((iv) => compareBytes(key, iv.start) >= 0 && (iv.end === undefined || compareBytes(key, iv.end) < 0));
}

/**
 * etcd's rule: within one branch a key may be put at most once, and never
 * put and deleted; a nested txn's writes count against its enclosing branch
 * (both of its branches, each on its own, since only one runs). Deletes may
 * overlap each other.
 */
function branchWrites(ops: readonly RequestOp[]): Writes {
  const puts = new Map<string, Uint8Array>();
  const dels: KeyInterval[] = [];
  const nested: TxnRequest[] = [];
  for (const op of ops) {
    if (op.type === 'put') {
      const id = keyId(op.request.key);
      if (puts.has(id)) throw new MvccError('duplicateKey');
      puts.set(id, op.request.key);
    } else if (op.type === 'deleteRange') {
      dels.push(keyInterval(op.request.key, op.request.rangeEnd));
    } else if (op.type === 'txn') {
      nested.push(op.request);
    }
  }
  for (const key of puts.values()) if (inAny(dels, key)) throw new MvccError('duplicateKey');
  const accPuts = new Map(puts);
  const accDels = [...dels];
  for (const t of nested) {
    const branches = [branchWrites(t.success ?? []), branchWrites(t.failure ?? [])];
    for (const b of branches) {
      for (const [id, key] of b.puts) if (accPuts.has(id) || inAny(accDels, key)) throw new MvccError('duplicateKey');
      for (const key of accPuts.values()) if (inAny(b.dels, key)) throw new MvccError('duplicateKey');
    }
    for (const b of branches) {
      for (const [id, key] of b.puts) accPuts.set(id, key);
      accDels.push(...b.dels);
    }
  }
  return { puts: accPuts, dels: accDels };
}

export function checkTxnDuplicates(req: TxnRequest): void {
  branchWrites(req.success ?? []);
  branchWrites(req.failure ?? []);
}
