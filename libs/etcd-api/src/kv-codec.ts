// mvccpb.KeyValue / mvccpb.Event and etcdserverpb.ResponseHeader <-> the
// MVCC types. The `toWire*` functions build the generated encoder's input;
// the `fromWire*` functions narrow an already-decoded message read as unknown.

import type { Event, KeyValue, ResponseHeader } from '@logbook/mvcc';
import { EVENT_TYPES } from '@logbook/mvcc';
import { ProtoDecodeError } from '@logbook/proto';
import type { etcdserverpb, mvccpb } from './gen/etcd.js';
import { readUint64Lossy, at, checkInt64, checkUint64, enumValue, field, readBytes, readEnum, readInt64, readObject } from './wire-values.ts';

/**
 * The full etcd response header. MVCC responses carry only `revision`; the
 * server that answers adds who it is and the Raft term it applied under.
 */
export interface EtcdResponseHeader {
  readonly clusterId: number;
  readonly memberId: number;
  readonly revision: number;
  readonly raftTerm: number;
}

/** The part of the header that describes the answering member, not the request. */
export type ServerIdentity = Omit<EtcdResponseHeader, 'revision'>;

export function toWireHeader(h: EtcdResponseHeader, path: string): etcdserverpb.ResponseHeader.$Properties {
  return {
    clusterId: checkUint64(h.clusterId, at(path, 'clusterId')),
    memberId: checkUint64(h.memberId, at(path, 'memberId')),
    revision: checkInt64(h.revision, at(path, 'revision')),
    raftTerm: checkUint64(h.raftTerm, at(path, 'raftTerm')),
  };
}

function nonNegative(v: number, path: string): number {
  if (v < 0) throw new ProtoDecodeError('invalid-field', path, `${v} is negative`);
  return v;
}

export function fromWireHeader(v: unknown, path: string): EtcdResponseHeader {
  const o = readObject(v, path) ?? {};
  return {
    // uint64 on the wire: a negative number here means the top bit was set.
    clusterId: readUint64Lossy(field(o, 'clusterId'), at(path, 'clusterId')),
    memberId: readUint64Lossy(field(o, 'memberId'), at(path, 'memberId')),
    revision: readInt64(field(o, 'revision'), at(path, 'revision')),
    raftTerm: nonNegative(readInt64(field(o, 'raftTerm'), at(path, 'raftTerm')), at(path, 'raftTerm')),
  };
}

export function toWireKeyValue(kv: KeyValue, path: string): mvccpb.KeyValue.$Properties {
  return {
    key: kv.key,
    createRevision: checkInt64(kv.createRevision, at(path, 'createRevision')),
    modRevision: checkInt64(kv.modRevision, at(path, 'modRevision')),
    version: checkInt64(kv.version, at(path, 'version')),
    value: kv.value,
    lease: checkInt64(kv.lease, at(path, 'lease')),
  };
}

export function fromWireKeyValue(v: unknown, path: string): KeyValue {
  const o = readObject(v, path) ?? {};
  return {
    key: readBytes(field(o, 'key'), at(path, 'key')),
    createRevision: readInt64(field(o, 'createRevision'), at(path, 'createRevision')),
    modRevision: readInt64(field(o, 'modRevision'), at(path, 'modRevision')),
    version: readInt64(field(o, 'version'), at(path, 'version')),
    value: readBytes(field(o, 'value'), at(path, 'value')),
    lease: readInt64(field(o, 'lease'), at(path, 'lease')),
  };
}

export function toWireEvent(e: Event, path: string): mvccpb.Event.$Properties {
  const props: mvccpb.Event.$Properties = {
    type: enumValue(e.type, EVENT_TYPES, at(path, 'type')),
    kv: toWireKeyValue(e.kv, at(path, 'kv')),
  };
  if (e.prevKv !== undefined) props.prevKv = toWireKeyValue(e.prevKv, at(path, 'prevKv'));
  return props;
}

export function fromWireEvent(v: unknown, path: string): Event {
  const o = readObject(v, path) ?? {};
  const type = readEnum(field(o, 'type'), EVENT_TYPES, at(path, 'type'));
  const prev = readObject(field(o, 'prevKv'), at(path, 'prevKv'));
  const kv = fromWireKeyValue(field(o, 'kv'), at(path, 'kv'));
  return prev === undefined ? { type, kv } : { type, kv, prevKv: fromWireKeyValue(prev, at(path, 'prevKv')) };
}

/** The `header` field of a top-level response: the MVCC revision plus the answering member's identity. */
export function toWireRevisionHeader(h: ResponseHeader, id: ServerIdentity, path: string): etcdserverpb.ResponseHeader.$Properties {
  return toWireHeader({ ...id, revision: h.revision }, at(path, 'header'));
}

/** The revision part of a decoded message's `header` field (the full header is Decoded.header). */
export function fromWireRevisionHeader(o: object, path: string): ResponseHeader {
  return { revision: fromWireHeader(field(o, 'header'), at(path, 'header')).revision };
}
