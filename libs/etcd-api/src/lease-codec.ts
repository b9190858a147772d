// etcdserverpb Lease grant/revoke messages <-> the MVCC lease types. etcd
// spells these fields ID and TTL; the MVCC types use id and ttl.

import type { LeaseGrantRequest, LeaseGrantResponse, LeaseRevokeRequest, LeaseRevokeResponse } from '@logbook/mvcc';
import type { etcdserverpb } from './gen/etcd.js';
import type { ServerIdentity } from './kv-codec.ts';
import { fromWireHeader, toWireHeader } from './kv-codec.ts';
import { at, checkInt64, field, readInt64, readObject } from './wire-values.ts';

export function toWireLeaseGrantRequest(r: LeaseGrantRequest, path: string): etcdserverpb.LeaseGrantRequest.$Properties {
  return { TTL: checkInt64(r.ttl, at(path, 'ttl')), ID: checkInt64(r.id, at(path, 'id')) };
}

/**
 * `id` is 0 when the client leaves the choice to the server: the proposer
 * must assign one before the request enters the log (MVCC never invents ids).
 */
export function fromWireLeaseGrantRequest(v: unknown, path: string): LeaseGrantRequest {
  const o = readObject(v, path) ?? {};
  return { id: readInt64(field(o, 'ID'), at(path, 'id')), ttl: readInt64(field(o, 'TTL'), at(path, 'ttl')) };
}

export function toWireLeaseGrantResponse(r: LeaseGrantResponse, id: ServerIdentity, path: string): etcdserverpb.LeaseGrantResponse.$Properties {
  return {
    header: toWireHeader({ ...id, revision: r.header.revision }, at(path, 'header')),
    ID: checkInt64(r.id, at(path, 'id')),
    TTL: checkInt64(r.ttl, at(path, 'ttl')),
  };
}

export function fromWireLeaseGrantResponse(v: unknown, path: string): LeaseGrantResponse {
  const o = readObject(v, path) ?? {};
  return {
    header: { revision: fromWireHeader(field(o, 'header'), at(path, 'header')).revision },
    id: readInt64(field(o, 'ID'), at(path, 'id')),
    ttl: readInt64(field(o, 'TTL'), at(path, 'ttl')),
  };
}

export function toWireLeaseRevokeRequest(r: LeaseRevokeRequest, path: string): etcdserverpb.LeaseRevokeRequest.$Properties {
  return { ID: checkInt64(r.id, at(path, 'id')) };
}

export function fromWireLeaseRevokeRequest(v: unknown, path: string): LeaseRevokeRequest {
  const o = readObject(v, path) ?? {};
  return { id: readInt64(field(o, 'ID'), at(path, 'id')) };
}

export function toWireLeaseRevokeResponse(r: LeaseRevokeResponse, id: ServerIdentity, path: string): etcdserverpb.LeaseRevokeResponse.$Properties {
  return { header: toWireHeader({ ...id, revision: r.header.revision }, at(path, 'header')) };
}

export function fromWireLeaseRevokeResponse(v: unknown, path: string): LeaseRevokeResponse {
  const o = readObject(v, path) ?? {};
  return { header: { revision: fromWireHeader(field(o, 'header'), at(path, 'header')).revision } };
}
