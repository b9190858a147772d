// etcdserverpb Lease messages <-> the MVCC lease types (grant, revoke) and
// this package's (keep-alive, time-to-live, leases). etcd spells these fields
// ID and TTL; our types use id and ttl.

import type { LeaseGrantRequest, LeaseGrantResponse, LeaseRevokeRequest, LeaseRevokeResponse } from '@logbook/mvcc';
import type { etcdserverpb } from './gen/etcd.js';
import type { ServerIdentity } from './kv-codec.ts';
import { fromWireHeader, fromWireRevisionHeader, toWireHeader, toWireRevisionHeader } from './kv-codec.ts';
import type {
  LeaseKeepAliveRequest,
  LeaseKeepAliveResponse,
  LeaseLeasesResponse,
  LeaseTimeToLiveRequest,
  LeaseTimeToLiveResponse,
} from './types.ts';
import { at, checkInt64, field, readArray, readBool, readBytes, readInt64, readObject } from './wire-values.ts';

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

// ---- KeepAlive (a bidi stream of these), TimeToLive, Leases ----

export function toWireLeaseKeepAliveRequest(r: LeaseKeepAliveRequest, path: string): etcdserverpb.LeaseKeepAliveRequest.$Properties {
  return { ID: checkInt64(r.id, at(path, 'id')) };
}

export function fromWireLeaseKeepAliveRequest(v: unknown, path: string): LeaseKeepAliveRequest {
  const o = readObject(v, path) ?? {};
  return { id: readInt64(field(o, 'ID'), at(path, 'id')) };
}

export function toWireLeaseKeepAliveResponse(r: LeaseKeepAliveResponse, id: ServerIdentity, path: string): etcdserverpb.LeaseKeepAliveResponse.$Properties {
  return { header: toWireRevisionHeader(r.header, id, path), ID: checkInt64(r.id, at(path, 'id')), TTL: checkInt64(r.ttl, at(path, 'ttl')) };
}

export function fromWireLeaseKeepAliveResponse(v: unknown, path: string): LeaseKeepAliveResponse {
  const o = readObject(v, path) ?? {};
  return {
    header: fromWireRevisionHeader(o, path),
    id: readInt64(field(o, 'ID'), at(path, 'id')),
    ttl: readInt64(field(o, 'TTL'), at(path, 'ttl')),
  };
}

export function toWireLeaseTimeToLiveRequest(r: LeaseTimeToLiveRequest, path: string): etcdserverpb.LeaseTimeToLiveRequest.$Properties {
  return r.keys === true ? { ID: checkInt64(r.id, at(path, 'id')), keys: true } : { ID: checkInt64(r.id, at(path, 'id')) };
}

export function fromWireLeaseTimeToLiveRequest(v: unknown, path: string): LeaseTimeToLiveRequest {
  const o = readObject(v, path) ?? {};
  const id = readInt64(field(o, 'ID'), at(path, 'id'));
  return readBool(field(o, 'keys'), at(path, 'keys')) ? { id, keys: true } : { id };
}

export function toWireLeaseTimeToLiveResponse(r: LeaseTimeToLiveResponse, id: ServerIdentity, path: string): etcdserverpb.LeaseTimeToLiveResponse.$Properties {
  return {
    header: toWireRevisionHeader(r.header, id, path),
    ID: checkInt64(r.id, at(path, 'id')),
    TTL: checkInt64(r.ttl, at(path, 'ttl')),
    grantedTTL: checkInt64(r.grantedTtl, at(path, 'grantedTtl')),
    keys: [...r.keys],
  };
}

export function fromWireLeaseTimeToLiveResponse(v: unknown, path: string): LeaseTimeToLiveResponse {
  const o = readObject(v, path) ?? {};
  return {
    header: fromWireRevisionHeader(o, path),
    id: readInt64(field(o, 'ID'), at(path, 'id')),
    ttl: readInt64(field(o, 'TTL'), at(path, 'ttl')),
    grantedTtl: readInt64(field(o, 'grantedTTL'), at(path, 'grantedTtl')),
    keys: readArray(field(o, 'keys'), at(path, 'keys')).map((k, i) => readBytes(k, `${at(path, 'keys')}[${i}]`)),
  };
}

export function toWireLeaseLeasesResponse(r: LeaseLeasesResponse, id: ServerIdentity, path: string): etcdserverpb.LeaseLeasesResponse.$Properties {
  return {
    header: toWireRevisionHeader(r.header, id, path),
    leases: r.leases.map((l, i) => ({ ID: checkInt64(l.id, `${at(path, 'leases')}[${i}].id`) })),
  };
}

export function fromWireLeaseLeasesResponse(v: unknown, path: string): LeaseLeasesResponse {
  const o = readObject(v, path) ?? {};
  return {
    header: fromWireRevisionHeader(o, path),
    leases: readArray(field(o, 'leases'), at(path, 'leases')).map((l, i) => {
      const p = `${at(path, 'leases')}[${i}]`;
      return { id: readInt64(field(readObject(l, p) ?? {}, 'ID'), `${p}.id`) };
    }),
  };
}
