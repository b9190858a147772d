// etcdserverpb KV responses <-> the MVCC response types. MVCC responses
// carry only the revision in their header; the answering member supplies its
// identity (cluster, member, Raft term) once per top-level response. Ops
// nested in a Txn response carry the revision only, as etcd's do.

import type {
  CompactionResponse,
  DeleteRangeResponse,
  PutResponse,
  RangeResponse,
  RangeWireResponse,
  ResponseHeader,
  ResponseOp,
  TxnResponse,
} from '@logbook/mvcc';
import { ProtoDecodeError, ProtoEncodeError } from '@logbook/proto';
import $protobuf from 'protobufjs/minimal.js';
import { etcdserverpb } from './gen/etcd.js';
import type { EtcdResponseHeader, ServerIdentity } from './kv-codec.ts';
import { fromWireHeader, fromWireKeyValue, toWireHeader, toWireKeyValue } from './kv-codec.ts';
import { at, checkInt64, field, readArray, readBool, readInt64, readObject } from './wire-values.ts';

/** The identity a nested (in-Txn) response header carries: none. */
export const NO_IDENTITY: ServerIdentity = { clusterId: 0, memberId: 0, raftTerm: 0 };

/** A decoded response: the MVCC shape plus the full header it arrived with. */
export interface Decoded<T> {
  readonly header: EtcdResponseHeader;
  readonly response: T;
}

function header(h: ResponseHeader, id: ServerIdentity, path: string): etcdserverpb.ResponseHeader.$Properties {
  return toWireHeader({ ...id, revision: h.revision }, at(path, 'header'));
}

function obj(v: unknown, path: string): object {
  return readObject(v, path) ?? {};
}

function mvccHeader(o: object, path: string): ResponseHeader {
  return { revision: fromWireHeader(field(o, 'header'), at(path, 'header')).revision };
}

function kvList(o: object, name: string, path: string): ReturnType<typeof fromWireKeyValue>[] {
  return readArray(field(o, name), at(path, name)).map((x, i) => fromWireKeyValue(x, `${at(path, name)}[${i}]`));
}

export function toWireRangeResponse(r: RangeResponse, id: ServerIdentity, path: string): etcdserverpb.RangeResponse.$Properties {
  return {
    header: header(r.header, id, path),
    kvs: r.kvs.map((kv, i) => toWireKeyValue(kv, `${at(path, 'kvs')}[${i}]`)),
    more: r.more,
    count: checkInt64(r.count, at(path, 'count')),
  };
}

// RangeResponse's field numbers and wire types (etcd's rpc.proto); kvs (2) come encoded.
const FIELD_HEADER = (1 << 3) | 2;
const FIELD_MORE = 3 << 3;
const FIELD_COUNT = 4 << 3;

/**
 * A RangeResponse whose KeyValues are already in wire form (the MVCC layer
 * hands over the `kvs` field's bytes): header, `more` and `count` go through
 * the generated encoder, the kvs bytes are copied in between as they are.
 * Decodes to what toWireRangeResponse would have encoded.
 */
export function encodeRangeWireResponse(r: RangeWireResponse, id: ServerIdentity): Uint8Array {
  const head = $protobuf.Writer.create();
  etcdserverpb.ResponseHeader.encode(header(r.header, id, ''), head.uint32(FIELD_HEADER).fork()).ldelim();
  const headBytes = head.finish();
  const tail = $protobuf.Writer.create();
  if (r.more) tail.uint32(FIELD_MORE).bool(true);
  if (r.count !== 0) tail.uint32(FIELD_COUNT).int64(checkInt64(r.count, 'count'));
  const tailBytes = tail.finish();
  const kvs = r.kvsField;
  const room = r.kvsFieldRoom;
  if (room !== undefined && room.before >= headBytes.length && room.after >= tailBytes.length) {
    // Frame the kvs in place: header into the room before, more/count into the room after.
    const out = new Uint8Array(kvs.buffer, kvs.byteOffset - headBytes.length, headBytes.length + kvs.length + tailBytes.length);
    out.set(headBytes, 0);
    out.set(tailBytes, headBytes.length + kvs.length);
    return out;
  }
  const out = new Uint8Array(headBytes.length + r.kvsField.length + tailBytes.length);
  out.set(headBytes, 0);
  out.set(r.kvsField, headBytes.length);
  out.set(tailBytes, headBytes.length + r.kvsField.length);
  return out;
}

export function fromWireRangeResponse(v: unknown, path: string): RangeResponse {
  const o = obj(v, path);
  return {
    header: mvccHeader(o, path),
    kvs: kvList(o, 'kvs', path),
    more: readBool(field(o, 'more'), at(path, 'more')),
    count: readInt64(field(o, 'count'), at(path, 'count')),
  };
}

export function toWirePutResponse(r: PutResponse, id: ServerIdentity, path: string): etcdserverpb.PutResponse.$Properties {
  const p: etcdserverpb.PutResponse.$Properties = { header: header(r.header, id, path) };
  if (r.prevKv !== undefined) p.prevKv = toWireKeyValue(r.prevKv, at(path, 'prevKv'));
  return p;
}

export function fromWirePutResponse(v: unknown, path: string): PutResponse {
  const o = obj(v, path);
  const prev = readObject(field(o, 'prevKv'), at(path, 'prevKv'));
  const h = mvccHeader(o, path);
  return prev === undefined ? { header: h } : { header: h, prevKv: fromWireKeyValue(prev, at(path, 'prevKv')) };
}

export function toWireDeleteRangeResponse(r: DeleteRangeResponse, id: ServerIdentity, path: string): etcdserverpb.DeleteRangeResponse.$Properties {
  return {
    header: header(r.header, id, path),
    deleted: checkInt64(r.deleted, at(path, 'deleted')),
    prevKvs: r.prevKvs.map((kv, i) => toWireKeyValue(kv, `${at(path, 'prevKvs')}[${i}]`)),
  };
}

export function fromWireDeleteRangeResponse(v: unknown, path: string): DeleteRangeResponse {
  const o = obj(v, path);
  return {
    header: mvccHeader(o, path),
    deleted: readInt64(field(o, 'deleted'), at(path, 'deleted')),
    prevKvs: kvList(o, 'prevKvs', path),
  };
}

export function toWireResponseOp(op: ResponseOp, path: string): etcdserverpb.ResponseOp.$Properties {
  switch (op.type) {
    case 'range': return { responseRange: toWireRangeResponse(op.response, NO_IDENTITY, at(path, 'responseRange')) };
    case 'put': return { responsePut: toWirePutResponse(op.response, NO_IDENTITY, at(path, 'responsePut')) };
    case 'deleteRange': return { responseDeleteRange: toWireDeleteRangeResponse(op.response, NO_IDENTITY, at(path, 'responseDeleteRange')) };
    case 'txn': return { responseTxn: toWireTxnResponse(op.response, NO_IDENTITY, at(path, 'responseTxn')) };
    default: throw new ProtoEncodeError('invalid-enum', at(path, 'type'), `unknown response op ${String((op as { type: unknown }).type)}`);
  }
}

export function fromWireResponseOp(v: unknown, path: string): ResponseOp {
  const o = obj(v, path);
  const member = field(o, 'response');
  switch (member) {
    case 'responseRange': return { type: 'range', response: fromWireRangeResponse(field(o, member), at(path, member)) };
    case 'responsePut': return { type: 'put', response: fromWirePutResponse(field(o, member), at(path, member)) };
    case 'responseDeleteRange': return { type: 'deleteRange', response: fromWireDeleteRangeResponse(field(o, member), at(path, member)) };
    case 'responseTxn': return { type: 'txn', response: fromWireTxnResponse(field(o, member), at(path, member)) };
    default: throw new ProtoDecodeError('missing-field', at(path, 'response'), 'response op has no response set');
  }
}

export function toWireTxnResponse(r: TxnResponse, id: ServerIdentity, path: string): etcdserverpb.TxnResponse.$Properties {
  return {
    header: header(r.header, id, path),
    succeeded: r.succeeded,
    responses: r.responses.map((op, i) => toWireResponseOp(op, `${at(path, 'responses')}[${i}]`)),
  };
}

export function fromWireTxnResponse(v: unknown, path: string): TxnResponse {
  const o = obj(v, path);
  return {
    header: mvccHeader(o, path),
    succeeded: readBool(field(o, 'succeeded'), at(path, 'succeeded')),
    responses: readArray(field(o, 'responses'), at(path, 'responses')).map((x, i) => fromWireResponseOp(x, `${at(path, 'responses')}[${i}]`)),
  };
}

export function toWireCompactionResponse(r: CompactionResponse, id: ServerIdentity, path: string): etcdserverpb.CompactionResponse.$Properties {
  return { header: header(r.header, id, path) };
}

export function fromWireCompactionResponse(v: unknown, path: string): CompactionResponse {
  return { header: mvccHeader(obj(v, path), path) };
}
