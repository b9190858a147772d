// etcdserverpb Maintenance service messages (Alarm, Status, Defragment, Hash,
// HashKV, Snapshot, MoveLeader) <-> this package's types. Requests without
// fields (Status, Defragment, Hash, Snapshot) need no converter: their bytes
// are still decoded, so garbage is refused like any other message.

import type { etcdserverpb } from './gen/etcd.js';
import type { ServerIdentity } from './kv-codec.ts';
import { fromWireRevisionHeader, toWireRevisionHeader } from './kv-codec.ts';
import type {
  AlarmMember,
  AlarmRequest,
  AlarmResponse,
  DowngradeInfo,
  EmptyRequest,
  HashKVRequest,
  HashKVResponse,
  HashResponse,
  MoveLeaderRequest,
  SnapshotResponse,
  StatusResponse,
} from './types.ts';
import { ALARM_ACTIONS, ALARM_TYPES } from './types.ts';
import {
  at,
  checkInt64,
  checkUint32,
  checkUint64,
  enumValue,
  field,
  readArray,
  readBool,
  readBytes,
  readEnum,
  readInt64,
  readObject,
  readString,
  readStrings,
  readUint32,
  readUint64,
} from './wire-values.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function obj(v: unknown, path: string): object {
  return readObject(v, path) ?? {};
}

/** Reads any empty request: nothing to narrow beyond "it is a message". */
export function fromWireEmptyRequest(v: unknown, path: string): EmptyRequest {
  obj(v, path);
  return {};
}

// ---- Alarm ----

export function toWireAlarmRequest(r: AlarmRequest, path: string): etcdserverpb.AlarmRequest.$Properties {
  return {
    action: enumValue(r.action, ALARM_ACTIONS, at(path, 'action')),
    memberID: checkUint64(r.memberId, at(path, 'memberId')),
    alarm: enumValue(r.alarm, ALARM_TYPES, at(path, 'alarm')),
  };
}

/**
 * An unknown action or alarm type is refused (InvalidArgument). etcd has no
 * defined answer for either: its applier returns neither a response nor an
 * error for an unknown action, and ignores an unknown alarm type.
 */
export function fromWireAlarmRequest(v: unknown, path: string): AlarmRequest {
  const o = obj(v, path);
  return {
    action: readEnum(field(o, 'action'), ALARM_ACTIONS, at(path, 'action')),
    memberId: readUint64(field(o, 'memberID'), at(path, 'memberId')),
    alarm: readEnum(field(o, 'alarm'), ALARM_TYPES, at(path, 'alarm')),
  };
}

function toWireAlarmMember(a: AlarmMember, path: string): etcdserverpb.AlarmMember.$Properties {
  return { memberID: checkUint64(a.memberId, at(path, 'memberId')), alarm: enumValue(a.alarm, ALARM_TYPES, at(path, 'alarm')) };
}

function fromWireAlarmMember(v: unknown, path: string): AlarmMember {
  const o = obj(v, path);
  return { memberId: readUint64(field(o, 'memberID'), at(path, 'memberId')), alarm: readEnum(field(o, 'alarm'), ALARM_TYPES, at(path, 'alarm')) };
}

export function toWireAlarmResponse(r: AlarmResponse, id: ServerIdentity, path: string): etcdserverpb.AlarmResponse.$Properties {
  return {
    header: toWireRevisionHeader(r.header, id, path),
    alarms: r.alarms.map((a, i) => toWireAlarmMember(a, `${at(path, 'alarms')}[${i}]`)),
  };
}

export function fromWireAlarmResponse(v: unknown, path: string): AlarmResponse {
  const o = obj(v, path);
  return {
    header: fromWireRevisionHeader(o, path),
    alarms: readArray(field(o, 'alarms'), at(path, 'alarms')).map((a, i) => fromWireAlarmMember(a, `${at(path, 'alarms')}[${i}]`)),
  };
}

// ---- Status ----

export function toWireStatusResponse(r: StatusResponse, id: ServerIdentity, path: string): etcdserverpb.StatusResponse.$Properties {
  const p: Mutable<etcdserverpb.StatusResponse.$Properties> = {
    header: toWireRevisionHeader(r.header, id, path),
    version: r.version,
    dbSize: checkInt64(r.dbSize, at(path, 'dbSize')),
    leader: checkUint64(r.leader, at(path, 'leader')),
    raftIndex: checkUint64(r.raftIndex, at(path, 'raftIndex')),
    raftTerm: checkUint64(r.raftTerm, at(path, 'raftTerm')),
    raftAppliedIndex: checkUint64(r.raftAppliedIndex, at(path, 'raftAppliedIndex')),
    errors: [...r.errors],
    dbSizeInUse: checkInt64(r.dbSizeInUse, at(path, 'dbSizeInUse')),
    isLearner: r.isLearner,
  };
  if (r.storageVersion !== undefined) p.storageVersion = r.storageVersion;
  if (r.dbSizeQuota !== undefined) p.dbSizeQuota = checkInt64(r.dbSizeQuota, at(path, 'dbSizeQuota'));
  if (r.downgradeInfo !== undefined) p.downgradeInfo = { enabled: r.downgradeInfo.enabled, targetVersion: r.downgradeInfo.targetVersion };
  return p;
}

/** The etcd >= 3.6 fields decode to absent when they hold their zero value (or, for downgradeInfo, are not sent). */
export function fromWireStatusResponse(v: unknown, path: string): StatusResponse {
  const o = obj(v, path);
  const r: Mutable<StatusResponse> = {
    header: fromWireRevisionHeader(o, path),
    version: readString(field(o, 'version'), at(path, 'version')),
    dbSize: readInt64(field(o, 'dbSize'), at(path, 'dbSize')),
    leader: readUint64(field(o, 'leader'), at(path, 'leader')),
    raftIndex: readUint64(field(o, 'raftIndex'), at(path, 'raftIndex')),
    raftTerm: readUint64(field(o, 'raftTerm'), at(path, 'raftTerm')),
    raftAppliedIndex: readUint64(field(o, 'raftAppliedIndex'), at(path, 'raftAppliedIndex')),
    errors: readStrings(field(o, 'errors'), at(path, 'errors')),
    dbSizeInUse: readInt64(field(o, 'dbSizeInUse'), at(path, 'dbSizeInUse')),
    isLearner: readBool(field(o, 'isLearner'), at(path, 'isLearner')),
  };
  const storageVersion = readString(field(o, 'storageVersion'), at(path, 'storageVersion'));
  if (storageVersion !== '') r.storageVersion = storageVersion;
  const dbSizeQuota = readInt64(field(o, 'dbSizeQuota'), at(path, 'dbSizeQuota'));
  if (dbSizeQuota !== 0) r.dbSizeQuota = dbSizeQuota;
  const d = readObject(field(o, 'downgradeInfo'), at(path, 'downgradeInfo'));
  if (d !== undefined) r.downgradeInfo = fromWireDowngradeInfo(d, at(path, 'downgradeInfo'));
  return r;
}

function fromWireDowngradeInfo(o: object, path: string): DowngradeInfo {
  return {
    enabled: readBool(field(o, 'enabled'), at(path, 'enabled')),
    targetVersion: readString(field(o, 'targetVersion'), at(path, 'targetVersion')),
  };
}

// ---- Hash / HashKV ----

export function toWireHashResponse(r: HashResponse, id: ServerIdentity, path: string): etcdserverpb.HashResponse.$Properties {
  return { header: toWireRevisionHeader(r.header, id, path), hash: checkUint32(r.hash, at(path, 'hash')) };
}

export function fromWireHashResponse(v: unknown, path: string): HashResponse {
  const o = obj(v, path);
  return { header: fromWireRevisionHeader(o, path), hash: readUint32(field(o, 'hash'), at(path, 'hash')) };
}

export function toWireHashKVRequest(r: HashKVRequest, path: string): etcdserverpb.HashKVRequest.$Properties {
  return { revision: checkInt64(r.revision, at(path, 'revision')) };
}

export function fromWireHashKVRequest(v: unknown, path: string): HashKVRequest {
  return { revision: readInt64(field(obj(v, path), 'revision'), at(path, 'revision')) };
}

export function toWireHashKVResponse(r: HashKVResponse, id: ServerIdentity, path: string): etcdserverpb.HashKVResponse.$Properties {
  return {
    header: toWireRevisionHeader(r.header, id, path),
    hash: checkUint32(r.hash, at(path, 'hash')),
    compactRevision: checkInt64(r.compactRevision, at(path, 'compactRevision')),
    hashRevision: checkInt64(r.hashRevision, at(path, 'hashRevision')),
  };
}

export function fromWireHashKVResponse(v: unknown, path: string): HashKVResponse {
  const o = obj(v, path);
  return {
    header: fromWireRevisionHeader(o, path),
    hash: readUint32(field(o, 'hash'), at(path, 'hash')),
    compactRevision: readInt64(field(o, 'compactRevision'), at(path, 'compactRevision')),
    hashRevision: readInt64(field(o, 'hashRevision'), at(path, 'hashRevision')),
  };
}

// ---- Snapshot ----

export function toWireSnapshotResponse(r: SnapshotResponse, id: ServerIdentity, path: string): etcdserverpb.SnapshotResponse.$Properties {
  const p: Mutable<etcdserverpb.SnapshotResponse.$Properties> = {
    header: toWireRevisionHeader(r.header, id, path),
    remainingBytes: checkUint64(r.remainingBytes, at(path, 'remainingBytes')),
    blob: r.blob,
  };
  if (r.version !== undefined) p.version = r.version;
  return p;
}

export function fromWireSnapshotResponse(v: unknown, path: string): SnapshotResponse {
  const o = obj(v, path);
  const r: Mutable<SnapshotResponse> = {
    header: fromWireRevisionHeader(o, path),
    remainingBytes: readUint64(field(o, 'remainingBytes'), at(path, 'remainingBytes')),
    blob: readBytes(field(o, 'blob'), at(path, 'blob')),
  };
  const version = readString(field(o, 'version'), at(path, 'version'));
  if (version !== '') r.version = version;
  return r;
}

// ---- MoveLeader ----

export function toWireMoveLeaderRequest(r: MoveLeaderRequest, path: string): etcdserverpb.MoveLeaderRequest.$Properties {
  return { targetID: checkUint64(r.targetId, at(path, 'targetId')) };
}

export function fromWireMoveLeaderRequest(v: unknown, path: string): MoveLeaderRequest {
  return { targetId: readUint64(field(obj(v, path), 'targetID'), at(path, 'targetId')) };
}

/** Defragment and MoveLeader answer with a header only. */
export function toWireHeaderOnlyResponse(r: { readonly header: { readonly revision: number } }, id: ServerIdentity, path: string): { header: etcdserverpb.ResponseHeader.$Properties } {
  return { header: toWireRevisionHeader(r.header, id, path) };
}

export function fromWireHeaderOnlyResponse(v: unknown, path: string): { readonly header: { readonly revision: number } } {
  return { header: fromWireRevisionHeader(obj(v, path), path) };
}
