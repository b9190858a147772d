// The trust boundary: a request decoded from a log entry is checked once,
// here, before apply touches the backend. Shape errors (which protobuf typing
// would have prevented) become InvalidArgument; etcd's own request checks
// produce etcd's messages.

import type { Compare, DeleteRangeRequest, MvccRequest, PutRequest, RangeRequest, RequestOp, TxnRequest } from './types.ts';
import { COMPARE_RESULTS, SORT_ORDERS, SORT_TARGETS } from './types.ts';
import { MvccError, invalidRequest } from './errors.ts';
import { checkTxnDuplicates, checkTxnOpsLimit } from './txn.ts';

function bytes(v: unknown, field: string): void {
  if (!(v instanceof Uint8Array)) throw invalidRequest(`${field} must be bytes`);
}

function optBytes(v: unknown, field: string): void {
  if (v !== undefined) bytes(v, field);
}

/** int64 fields: any safe integer (etcd treats negatives like 0 where it matters). */
function optInt(v: unknown, field: string): void {
  if (v !== undefined && !(typeof v === 'number' && Number.isSafeInteger(v))) throw invalidRequest(`${field} must be a safe integer`);
}

function optBool(v: unknown, field: string): void {
  if (v !== undefined && typeof v !== 'boolean') throw invalidRequest(`${field} must be a boolean`);
}

function leaseId(v: unknown, field: string, allowZero: boolean): void {
  if (!(typeof v === 'number' && Number.isSafeInteger(v) && (v > 0 || (allowZero && v === 0)))) {
    throw invalidRequest(`${field} must be a ${allowZero ? 'non-negative' : 'positive'} safe integer`);
  }
}

function nonEmptyKey(key: Uint8Array): void {
  if (key.length === 0) throw new MvccError('emptyKey');
}

export function checkRange(r: RangeRequest): void {
  bytes(r.key, 'key');
  optBytes(r.rangeEnd, 'rangeEnd');
  for (const f of ['limit', 'revision', 'minModRevision', 'maxModRevision', 'minCreateRevision', 'maxCreateRevision'] as const) optInt(r[f], f);
  for (const f of ['serializable', 'keysOnly', 'countOnly'] as const) optBool(r[f], f);
  nonEmptyKey(r.key);
  if (r.sortOrder !== undefined && !(SORT_ORDERS as readonly unknown[]).includes(r.sortOrder)) throw new MvccError('invalidSortOption');
  if (r.sortTarget !== undefined && !(SORT_TARGETS as readonly unknown[]).includes(r.sortTarget)) throw new MvccError('invalidSortOption');
}

export function checkPut(r: PutRequest): void {
  bytes(r.key, 'key');
  optBytes(r.value, 'value');
  if (r.lease !== undefined) leaseId(r.lease, 'lease', true);
  for (const f of ['prevKv', 'ignoreValue', 'ignoreLease'] as const) optBool(r[f], f);
  nonEmptyKey(r.key);
  if (r.ignoreValue === true && r.value !== undefined && r.value.length > 0) throw new MvccError('valueProvided');
  if (r.ignoreLease === true && r.lease !== undefined && r.lease !== 0) throw new MvccError('leaseProvided');
}

export function checkDeleteRange(r: DeleteRangeRequest): void {
  bytes(r.key, 'key');
  optBytes(r.rangeEnd, 'rangeEnd');
  optBool(r.prevKv, 'prevKv');
  nonEmptyKey(r.key);
}

function checkCompare(c: Compare): void {
  bytes(c.key, 'compare.key');
  optBytes(c.rangeEnd, 'compare.rangeEnd');
  if (!(COMPARE_RESULTS as readonly unknown[]).includes(c.result)) throw invalidRequest('compare.result is invalid');
  const t = c.target as string;
  switch (c.target) {
    case 'VERSION': optInt(c.version, 'compare.version'); if (c.version === undefined) throw invalidRequest('compare.version is required'); break;
    case 'CREATE': optInt(c.createRevision, 'compare.createRevision'); if (c.createRevision === undefined) throw invalidRequest('compare.createRevision is required'); break;
    case 'MOD': optInt(c.modRevision, 'compare.modRevision'); if (c.modRevision === undefined) throw invalidRequest('compare.modRevision is required'); break;
    case 'LEASE': optInt(c.lease, 'compare.lease'); if (c.lease === undefined) throw invalidRequest('compare.lease is required'); break;
    case 'VALUE': bytes(c.value, 'compare.value'); break;
    default: throw invalidRequest(`compare.target ${t} is invalid`);
  }
}

function checkOp(op: RequestOp, maxTxnOps: number): void {
  const type = (op as { type: unknown }).type;
  switch (op.type) {
    case 'range': return checkRange(op.request);
    case 'put': return checkPut(op.request);
    case 'deleteRange': return checkDeleteRange(op.request);
    case 'txn': return checkTxnShape(op.request, maxTxnOps);
    default: throw invalidRequest(`unknown txn op ${String(type)}`);
  }
}

function checkTxnShape(r: TxnRequest, maxTxnOps: number): void {
  for (const f of ['compare', 'success', 'failure'] as const) {
    if (r[f] !== undefined && !Array.isArray(r[f])) throw invalidRequest(`txn.${f} must be an array`);
  }
  checkTxnOpsLimit(r, maxTxnOps);
  for (const c of r.compare ?? []) checkCompare(c);
  for (const op of [...(r.success ?? []), ...(r.failure ?? [])]) checkOp(op, maxTxnOps);
}

export function checkTxn(r: TxnRequest, maxTxnOps: number): void {
  checkTxnShape(r, maxTxnOps);
  checkTxnDuplicates(r);
}

/** Throws MvccError when the request is malformed or fails etcd's static checks. */
export function checkRequest(req: MvccRequest, maxTxnOps: number): void {
  if (typeof req !== 'object' || req === null || typeof req.request !== 'object' || req.request === null) {
    throw invalidRequest('request must be an object');
  }
  const type = (req as { type: unknown }).type;
  switch (req.type) {
    case 'range': return checkRange(req.request);
    case 'put': return checkPut(req.request);
    case 'deleteRange': return checkDeleteRange(req.request);
    case 'txn': return checkTxn(req.request, maxTxnOps);
    case 'compaction':
      optInt(req.request.revision, 'revision');
      if (req.request.revision === undefined) throw invalidRequest('revision is required');
      return optBool(req.request.physical, 'physical');
    case 'leaseGrant':
      leaseId(req.request.id, 'id', false);
      optInt(req.request.ttl, 'ttl');
      if (req.request.ttl === undefined) throw invalidRequest('ttl is required');
      return;
    case 'leaseRevoke': return leaseId(req.request.id, 'id', true); // 0 is simply not found, as in etcd
    case 'leaseExpire':
      if (!Array.isArray(req.request.ids)) throw invalidRequest('ids must be an array');
      for (const id of req.request.ids) leaseId(id, 'ids[]', false);
      return;
    case 'alarm':
      if (req.request.action !== 'activate' && req.request.action !== 'deactivate') throw invalidRequest('alarm action must be activate or deactivate');
      if (req.request.alarm !== 'NOSPACE' && req.request.alarm !== 'CORRUPT') throw invalidRequest('alarm must be NOSPACE or CORRUPT');
      if (!Number.isSafeInteger(req.request.memberId) || req.request.memberId <= 0) throw invalidRequest('alarm needs a member id');
      return;
    default: throw invalidRequest(`unknown request type ${String(type)}`);
  }
}
