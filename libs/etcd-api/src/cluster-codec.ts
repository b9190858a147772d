// etcdserverpb Cluster service messages (MemberAdd/Remove/Update/List/Promote)
// <-> this package's types. Member ids are uint64 on the wire; a value of
// 2^53 or more is refused at decode (unsafe-integer -> InvalidArgument)
// rather than rounded to some other member's id.

import type { etcdserverpb } from './gen/etcd.js';
import type { ServerIdentity } from './kv-codec.ts';
import { fromWireRevisionHeader, toWireRevisionHeader } from './kv-codec.ts';
import type {
  Member,
  MemberAddRequest,
  MemberAddResponse,
  MemberListRequest,
  MemberPromoteRequest,
  MemberRemoveRequest,
  MembersResponse,
  MemberUpdateRequest,
} from './types.ts';
import { at, checkUint64, field, readArray, readBool, readObject, readString, readStrings, readUint64, requireObject } from './wire-values.ts';

function obj(v: unknown, path: string): object {
  return readObject(v, path) ?? {};
}

export function toWireMember(m: Member, path: string): etcdserverpb.Member.$Properties {
  return {
    ID: checkUint64(m.id, at(path, 'id')),
    name: m.name,
    peerURLs: [...m.peerUrls],
    clientURLs: [...m.clientUrls],
    isLearner: m.isLearner,
  };
}

export function fromWireMember(v: unknown, path: string): Member {
  const o = obj(v, path);
  return {
    id: readUint64(field(o, 'ID'), at(path, 'id')),
    name: readString(field(o, 'name'), at(path, 'name')),
    peerUrls: readStrings(field(o, 'peerURLs'), at(path, 'peerUrls')),
    clientUrls: readStrings(field(o, 'clientURLs'), at(path, 'clientUrls')),
    isLearner: readBool(field(o, 'isLearner'), at(path, 'isLearner')),
  };
}

function toWireMembers(ms: readonly Member[], path: string): etcdserverpb.Member.$Properties[] {
  return ms.map((m, i) => toWireMember(m, `${at(path, 'members')}[${i}]`));
}

function fromWireMembers(o: object, path: string): Member[] {
  return readArray(field(o, 'members'), at(path, 'members')).map((m, i) => fromWireMember(m, `${at(path, 'members')}[${i}]`));
}

// ---- MemberAdd ----

export function toWireMemberAddRequest(r: MemberAddRequest, _path: string): etcdserverpb.MemberAddRequest.$Properties {
  return r.isLearner === true ? { peerURLs: [...r.peerUrls], isLearner: true } : { peerURLs: [...r.peerUrls] };
}

export function fromWireMemberAddRequest(v: unknown, path: string): MemberAddRequest {
  const o = obj(v, path);
  const peerUrls = readStrings(field(o, 'peerURLs'), at(path, 'peerUrls'));
  return readBool(field(o, 'isLearner'), at(path, 'isLearner')) ? { peerUrls, isLearner: true } : { peerUrls };
}

export function toWireMemberAddResponse(r: MemberAddResponse, id: ServerIdentity, path: string): etcdserverpb.MemberAddResponse.$Properties {
  return { header: toWireRevisionHeader(r.header, id, path), member: toWireMember(r.member, at(path, 'member')), members: toWireMembers(r.members, path) };
}

/** etcd always sets `member`; a response without it has nothing to report, so it is refused (missing-field). */
export function fromWireMemberAddResponse(v: unknown, path: string): MemberAddResponse {
  const o = obj(v, path);
  return {
    header: fromWireRevisionHeader(o, path),
    member: fromWireMember(requireObject(field(o, 'member'), at(path, 'member')), at(path, 'member')),
    members: fromWireMembers(o, path),
  };
}

// ---- MemberRemove / MemberUpdate / MemberList / MemberPromote ----

export function toWireMemberRemoveRequest(r: MemberRemoveRequest, path: string): etcdserverpb.MemberRemoveRequest.$Properties {
  return { ID: checkUint64(r.id, at(path, 'id')) };
}

export function fromWireMemberRemoveRequest(v: unknown, path: string): MemberRemoveRequest {
  return { id: readUint64(field(obj(v, path), 'ID'), at(path, 'id')) };
}

export function toWireMemberUpdateRequest(r: MemberUpdateRequest, path: string): etcdserverpb.MemberUpdateRequest.$Properties {
  return { ID: checkUint64(r.id, at(path, 'id')), peerURLs: [...r.peerUrls] };
}

export function fromWireMemberUpdateRequest(v: unknown, path: string): MemberUpdateRequest {
  const o = obj(v, path);
  return { id: readUint64(field(o, 'ID'), at(path, 'id')), peerUrls: readStrings(field(o, 'peerURLs'), at(path, 'peerUrls')) };
}

export function toWireMemberListRequest(r: MemberListRequest, _path: string): etcdserverpb.MemberListRequest.$Properties {
  return r.linearizable === true ? { linearizable: true } : {};
}

export function fromWireMemberListRequest(v: unknown, path: string): MemberListRequest {
  return readBool(field(obj(v, path), 'linearizable'), at(path, 'linearizable')) ? { linearizable: true } : {};
}

export function toWireMemberPromoteRequest(r: MemberPromoteRequest, path: string): etcdserverpb.MemberPromoteRequest.$Properties {
  return { ID: checkUint64(r.id, at(path, 'id')) };
}

export function fromWireMemberPromoteRequest(v: unknown, path: string): MemberPromoteRequest {
  return { id: readUint64(field(obj(v, path), 'ID'), at(path, 'id')) };
}

/** The shape of MemberRemove/Update/List/PromoteResponse (header = 1, members = 2 in all four). */
export function toWireMembersResponse(r: MembersResponse, id: ServerIdentity, path: string): { header: etcdserverpb.ResponseHeader.$Properties; members: etcdserverpb.Member.$Properties[] } {
  return { header: toWireRevisionHeader(r.header, id, path), members: toWireMembers(r.members, path) };
}

export function fromWireMembersResponse(v: unknown, path: string): MembersResponse {
  const o = obj(v, path);
  return { header: fromWireRevisionHeader(o, path), members: fromWireMembers(o, path) };
}
