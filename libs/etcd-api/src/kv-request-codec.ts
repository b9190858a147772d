// etcdserverpb KV requests (Range, Put, DeleteRange, Txn with its Compare and
// RequestOp unions, Compaction) <-> the MVCC request types.
//
// Decoding yields a canonical form: proto3 defaults (empty bytes, 0, false,
// the zero enum) become absent optional fields, so that "not set" has one
// representation and decode(encode(x)) === x for canonical x. Semantic checks
// (empty key, duplicate keys in a txn, ...) are MVCC's, with etcd's messages;
// this layer only guarantees the values are representable and well-typed.

import type {
  Compare,
  CompactionRequest,
  DeleteRangeRequest,
  PutRequest,
  RangeRequest,
  RequestOp,
  TxnRequest,
} from '@logbook/mvcc';
import { COMPARE_RESULTS, SORT_ORDERS, SORT_TARGETS } from '@logbook/mvcc';
import { ProtoDecodeError, ProtoEncodeError } from '@logbook/proto';
import type { etcdserverpb } from './gen/etcd.js';
import { at, checkInt64, enumValue, field, readArray, readBool, readBytes, readEnum, readInt64, readObject } from './wire-values.ts';

/** Wire order of Compare.CompareTarget (positions are the enum values). */
export const COMPARE_TARGETS = ['VERSION', 'CREATE', 'MOD', 'VALUE', 'LEASE'] as const;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function obj(v: unknown, path: string): object {
  return readObject(v, path) ?? {};
}

function bytesIfSet(b: Uint8Array | undefined): Uint8Array | undefined {
  return b !== undefined && b.length > 0 ? b : undefined;
}

// ---- Range ----

const RANGE_INT_FIELDS = ['limit', 'revision', 'minModRevision', 'maxModRevision', 'minCreateRevision', 'maxCreateRevision'] as const;
const RANGE_BOOL_FIELDS = ['serializable', 'keysOnly', 'countOnly'] as const;

export function toWireRangeRequest(r: RangeRequest, path: string): etcdserverpb.RangeRequest.$Properties {
  const p: Mutable<etcdserverpb.RangeRequest.$Properties> = { key: r.key };
  if (r.rangeEnd !== undefined) p.rangeEnd = r.rangeEnd;
  for (const f of RANGE_INT_FIELDS) {
    const v = r[f];
    if (v !== undefined) p[f] = checkInt64(v, at(path, f));
  }
  if (r.sortOrder !== undefined) p.sortOrder = enumValue(r.sortOrder, SORT_ORDERS, at(path, 'sortOrder'));
  if (r.sortTarget !== undefined) p.sortTarget = enumValue(r.sortTarget, SORT_TARGETS, at(path, 'sortTarget'));
  for (const f of RANGE_BOOL_FIELDS) if (r[f] !== undefined) p[f] = r[f];
  return p;
}

export function fromWireRangeRequest(v: unknown, path: string): RangeRequest {
  const o = obj(v, path);
  const r: Mutable<RangeRequest> = { key: readBytes(field(o, 'key'), at(path, 'key')) };
  const rangeEnd = bytesIfSet(readBytes(field(o, 'rangeEnd'), at(path, 'rangeEnd')));
  if (rangeEnd !== undefined) r.rangeEnd = rangeEnd;
  for (const f of RANGE_INT_FIELDS) {
    const n = readInt64(field(o, f), at(path, f));
    if (n !== 0) r[f] = n;
  }
  const sortOrder = readEnum(field(o, 'sortOrder'), SORT_ORDERS, at(path, 'sortOrder'));
  if (sortOrder !== 'NONE') r.sortOrder = sortOrder;
  const sortTarget = readEnum(field(o, 'sortTarget'), SORT_TARGETS, at(path, 'sortTarget'));
  if (sortTarget !== 'KEY') r.sortTarget = sortTarget;
  for (const f of RANGE_BOOL_FIELDS) if (readBool(field(o, f), at(path, f))) r[f] = true;
  return r;
}

// ---- Put ----

export function toWirePutRequest(r: PutRequest, path: string): etcdserverpb.PutRequest.$Properties {
  const p: Mutable<etcdserverpb.PutRequest.$Properties> = { key: r.key };
  if (r.value !== undefined) p.value = r.value;
  if (r.lease !== undefined) p.lease = checkInt64(r.lease, at(path, 'lease'));
  if (r.prevKv !== undefined) p.prevKv = r.prevKv;
  if (r.ignoreValue !== undefined) p.ignoreValue = r.ignoreValue;
  if (r.ignoreLease !== undefined) p.ignoreLease = r.ignoreLease;
  return p;
}

export function fromWirePutRequest(v: unknown, path: string): PutRequest {
  const o = obj(v, path);
  const r: Mutable<PutRequest> = { key: readBytes(field(o, 'key'), at(path, 'key')) };
  const value = bytesIfSet(readBytes(field(o, 'value'), at(path, 'value')));
  if (value !== undefined) r.value = value;
  const lease = readInt64(field(o, 'lease'), at(path, 'lease'));
  if (lease !== 0) r.lease = lease;
  for (const f of ['prevKv', 'ignoreValue', 'ignoreLease'] as const) if (readBool(field(o, f), at(path, f))) r[f] = true;
  return r;
}

// ---- DeleteRange ----

export function toWireDeleteRangeRequest(r: DeleteRangeRequest, _path: string): etcdserverpb.DeleteRangeRequest.$Properties {
  const p: Mutable<etcdserverpb.DeleteRangeRequest.$Properties> = { key: r.key };
  if (r.rangeEnd !== undefined) p.rangeEnd = r.rangeEnd;
  if (r.prevKv !== undefined) p.prevKv = r.prevKv;
  return p;
}

export function fromWireDeleteRangeRequest(v: unknown, path: string): DeleteRangeRequest {
  const o = obj(v, path);
  const r: Mutable<DeleteRangeRequest> = { key: readBytes(field(o, 'key'), at(path, 'key')) };
  const rangeEnd = bytesIfSet(readBytes(field(o, 'rangeEnd'), at(path, 'rangeEnd')));
  if (rangeEnd !== undefined) r.rangeEnd = rangeEnd;
  if (readBool(field(o, 'prevKv'), at(path, 'prevKv'))) r.prevKv = true;
  return r;
}

// ---- Compare ----

export function toWireCompare(c: Compare, path: string): etcdserverpb.Compare.$Properties {
  const p: Mutable<etcdserverpb.Compare.$Properties> = {
    result: enumValue(c.result, COMPARE_RESULTS, at(path, 'result')),
    target: enumValue(c.target, COMPARE_TARGETS, at(path, 'target')),
    key: c.key,
  };
  if (c.rangeEnd !== undefined) p.rangeEnd = c.rangeEnd;
  switch (c.target) {
    case 'VERSION': p.version = checkInt64(c.version, at(path, 'version')); break;
    case 'CREATE': p.createRevision = checkInt64(c.createRevision, at(path, 'createRevision')); break;
    case 'MOD': p.modRevision = checkInt64(c.modRevision, at(path, 'modRevision')); break;
    case 'VALUE': p.value = c.value; break;
    case 'LEASE': p.lease = checkInt64(c.lease, at(path, 'lease')); break;
  }
  return p;
}

/**
 * The operand is read from the union member the target names. A different
 * member (or none) reads as that member's zero value, which is what etcd's
 * generated getters do, so a lax client sees the same outcome here as there.
 */
export function fromWireCompare(v: unknown, path: string): Compare {
  const o = obj(v, path);
  const base = {
    key: readBytes(field(o, 'key'), at(path, 'key')),
    result: readEnum(field(o, 'result'), COMPARE_RESULTS, at(path, 'result')),
  };
  const rangeEnd = bytesIfSet(readBytes(field(o, 'rangeEnd'), at(path, 'rangeEnd')));
  const withEnd = rangeEnd === undefined ? base : { ...base, rangeEnd };
  const target = readEnum(field(o, 'target'), COMPARE_TARGETS, at(path, 'target'));
  const member = field(o, 'targetUnion');
  const operand = (name: string): unknown => (member === name ? field(o, name) : undefined);
  switch (target) {
    case 'VERSION': return { ...withEnd, target, version: readInt64(operand('version'), at(path, 'version')) };
    case 'CREATE': return { ...withEnd, target, createRevision: readInt64(operand('createRevision'), at(path, 'createRevision')) };
    case 'MOD': return { ...withEnd, target, modRevision: readInt64(operand('modRevision'), at(path, 'modRevision')) };
    case 'VALUE': return { ...withEnd, target, value: readBytes(operand('value'), at(path, 'value')) };
    case 'LEASE': return { ...withEnd, target, lease: readInt64(operand('lease'), at(path, 'lease')) };
  }
}

// ---- Txn ----

export function toWireRequestOp(op: RequestOp, path: string): etcdserverpb.RequestOp.$Properties {
  switch (op.type) {
    case 'range': return { requestRange: toWireRangeRequest(op.request, at(path, 'requestRange')) };
    case 'put': return { requestPut: toWirePutRequest(op.request, at(path, 'requestPut')) };
    case 'deleteRange': return { requestDeleteRange: toWireDeleteRangeRequest(op.request, at(path, 'requestDeleteRange')) };
    case 'txn': return { requestTxn: toWireTxnRequest(op.request, at(path, 'requestTxn')) };
    default: throw new ProtoEncodeError('invalid-enum', at(path, 'type'), `unknown request op ${String((op as { type: unknown }).type)}`);
  }
}

export function fromWireRequestOp(v: unknown, path: string): RequestOp {
  const o = obj(v, path);
  const member = field(o, 'request');
  switch (member) {
    case 'requestRange': return { type: 'range', request: fromWireRangeRequest(field(o, member), at(path, member)) };
    case 'requestPut': return { type: 'put', request: fromWirePutRequest(field(o, member), at(path, member)) };
    case 'requestDeleteRange': return { type: 'deleteRange', request: fromWireDeleteRangeRequest(field(o, member), at(path, member)) };
    case 'requestTxn': return { type: 'txn', request: fromWireTxnRequest(field(o, member), at(path, member)) };
    // An op with nothing set cannot be executed; etcd refuses it as well
    // (InvalidArgument), so this is not stricter than the original.
    default: throw new ProtoDecodeError('missing-field', at(path, 'request'), 'request op has no request set');
  }
}

export function toWireTxnRequest(r: TxnRequest, path: string): etcdserverpb.TxnRequest.$Properties {
  return {
    compare: (r.compare ?? []).map((c, i) => toWireCompare(c, `${at(path, 'compare')}[${i}]`)),
    success: (r.success ?? []).map((op, i) => toWireRequestOp(op, `${at(path, 'success')}[${i}]`)),
    failure: (r.failure ?? []).map((op, i) => toWireRequestOp(op, `${at(path, 'failure')}[${i}]`)),
  };
}

/** Always yields all three lists (empty when absent). Depth is bounded by the protobuf runtime's recursion limit. */
export function fromWireTxnRequest(v: unknown, path: string): TxnRequest {
  const o = obj(v, path);
  const list = <T>(name: string, f: (x: unknown, p: string) => T): T[] =>
    readArray(field(o, name), at(path, name)).map((x, i) => f(x, `${at(path, name)}[${i}]`));
  return {
    compare: list('compare', fromWireCompare),
    success: list('success', fromWireRequestOp),
    failure: list('failure', fromWireRequestOp),
  };
}

// ---- Compaction ----

export function toWireCompactionRequest(r: CompactionRequest, path: string): etcdserverpb.CompactionRequest.$Properties {
  const p: Mutable<etcdserverpb.CompactionRequest.$Properties> = { revision: checkInt64(r.revision, at(path, 'revision')) };
  if (r.physical !== undefined) p.physical = r.physical;
  return p;
}

export function fromWireCompactionRequest(v: unknown, path: string): CompactionRequest {
  const o = obj(v, path);
  const revision = readInt64(field(o, 'revision'), at(path, 'revision'));
  return readBool(field(o, 'physical'), at(path, 'physical')) ? { revision, physical: true } : { revision };
}
