// The store's Raft log entry (proto/etcd/logbook_store.proto): one admitted
// request's storage operation, in the etcd API's terms, with the context of
// the request that caused it. Encoded by the proposer; decoded when the entry
// is applied, on every member alike.

import type { MvccRequest } from '@logbook/mvcc';
import { ProtoDecodeError } from '@logbook/proto';
import { toEtcdApiError } from './errors.ts';
import { logbook } from './gen/etcd.js';
import * as req from './kv-request-codec.ts';
import * as lease from './lease-codec.ts';
import { fromWireAlarmRequest, toWireAlarmRequest } from './maintenance-codec.ts';
import { at, checkInt64, checkUint64, field, readArray, readInt64, readObject, readString, readUint64, runDecode } from './wire-values.ts';

/** Who asked, for what; every field may be empty (a plain etcd client sends none of it). */
export interface RequestContext {
  readonly user: string;
  readonly groups: readonly string[];
  readonly verb: string;
  readonly apiGroup: string;
  readonly resource: string;
  readonly subresource: string;
  readonly namespace: string;
  readonly name: string;
  readonly auditId: string;
  readonly traceparent: string;
  readonly tracestate: string;
  /** The proposing member, and a request id unique to it (matches the applied entry to its caller). */
  readonly proposer: number;
  readonly requestId: number;
}

export const EMPTY_REQUEST_CONTEXT: RequestContext = {
  user: '',
  groups: [],
  verb: '',
  apiGroup: '',
  resource: '',
  subresource: '',
  namespace: '',
  name: '',
  auditId: '',
  traceparent: '',
  tracestate: '',
  proposer: 0,
  requestId: 0,
};

export interface StoreEntry {
  readonly context: RequestContext;
  readonly request: MvccRequest;
}

const S = logbook.store.v1;

function toWireContext(c: RequestContext): logbook.store.v1.RequestContext.$Properties {
  return {
    user: c.user,
    groups: [...c.groups],
    verb: c.verb,
    apiGroup: c.apiGroup,
    resource: c.resource,
    subresource: c.subresource,
    namespace: c.namespace,
    name: c.name,
    auditId: c.auditId,
    traceparent: c.traceparent,
    tracestate: c.tracestate,
    proposer: checkUint64(c.proposer, 'context.proposer'),
    requestId: checkUint64(c.requestId, 'context.requestId'),
  };
}

function fromWireContext(v: unknown, path: string): RequestContext {
  const o = readObject(v, path) ?? {};
  const s = (name: string): string => readString(field(o, name), at(path, name));
  return {
    user: s('user'),
    groups: readArray(field(o, 'groups'), at(path, 'groups')).map((g, i) => readString(g, `${at(path, 'groups')}[${i}]`)),
    verb: s('verb'),
    apiGroup: s('apiGroup'),
    resource: s('resource'),
    subresource: s('subresource'),
    namespace: s('namespace'),
    name: s('name'),
    auditId: s('auditId'),
    traceparent: s('traceparent'),
    tracestate: s('tracestate'),
    proposer: readUint64(field(o, 'proposer'), at(path, 'proposer')),
    requestId: readUint64(field(o, 'requestId'), at(path, 'requestId')),
  };
}

function toWireRequest(r: MvccRequest): logbook.store.v1.StoreEntry.$Properties {
  switch (r.type) {
    case 'range':
      return { range: req.toWireRangeRequest(r.request, 'range') };
    case 'put':
      return { put: req.toWirePutRequest(r.request, 'put') };
    case 'deleteRange':
      return { deleteRange: req.toWireDeleteRangeRequest(r.request, 'deleteRange') };
    case 'txn':
      return { txn: req.toWireTxnRequest(r.request, 'txn') };
    case 'compaction':
      return { compaction: req.toWireCompactionRequest(r.request, 'compaction') };
    case 'leaseGrant':
      return { leaseGrant: lease.toWireLeaseGrantRequest(r.request, 'leaseGrant') };
    case 'leaseRevoke':
      return { leaseRevoke: lease.toWireLeaseRevokeRequest(r.request, 'leaseRevoke') };
    case 'leaseExpire':
      return { leaseExpire: { ids: r.request.ids.map((id, i) => checkInt64(id, `leaseExpire.ids[${i}]`)) } };
    case 'alarm':
      return {
        alarm: toWireAlarmRequest({ action: r.request.action === 'activate' ? 'ACTIVATE' : 'DEACTIVATE', memberId: r.request.memberId, alarm: r.request.alarm }, 'alarm'),
      };
  }
}

function fromWireRequest(o: object): MvccRequest {
  // A oneof: exactly one member is present; the generated class leaves the others undefined.
  const present = (name: string): unknown => {
    const v = field(o, name);
    return v === undefined || v === null ? undefined : v;
  };
  let found: MvccRequest | undefined;
  const one = (r: MvccRequest): void => {
    if (found !== undefined) throw new ProtoDecodeError('invalid-field', 'request', 'store entry carries more than one request');
    found = r;
  };
  let v: unknown;
  if ((v = present('range')) !== undefined) one({ type: 'range', request: req.fromWireRangeRequest(v, 'range') });
  if ((v = present('put')) !== undefined) one({ type: 'put', request: req.fromWirePutRequest(v, 'put') });
  if ((v = present('deleteRange')) !== undefined) one({ type: 'deleteRange', request: req.fromWireDeleteRangeRequest(v, 'deleteRange') });
  if ((v = present('txn')) !== undefined) one({ type: 'txn', request: req.fromWireTxnRequest(v, 'txn') });
  if ((v = present('compaction')) !== undefined) one({ type: 'compaction', request: req.fromWireCompactionRequest(v, 'compaction') });
  if ((v = present('leaseGrant')) !== undefined) one({ type: 'leaseGrant', request: lease.fromWireLeaseGrantRequest(v, 'leaseGrant') });
  if ((v = present('leaseRevoke')) !== undefined) one({ type: 'leaseRevoke', request: lease.fromWireLeaseRevokeRequest(v, 'leaseRevoke') });
  if ((v = present('leaseExpire')) !== undefined) {
    const e = readObject(v, 'leaseExpire') ?? {};
    const ids = readArray(field(e, 'ids'), 'leaseExpire.ids').map((id, i) => readInt64(id, `leaseExpire.ids[${i}]`));
    one({ type: 'leaseExpire', request: { ids } });
  }
  if ((v = present('alarm')) !== undefined) {
    const a = fromWireAlarmRequest(v, 'alarm');
    if (a.action === 'GET' || a.alarm === 'NONE') throw new ProtoDecodeError('invalid-field', 'alarm', 'a logged alarm is an activation or deactivation of one alarm');
    one({ type: 'alarm', request: { action: a.action === 'ACTIVATE' ? 'activate' : 'deactivate', memberId: a.memberId, alarm: a.alarm } });
  }
  if (found === undefined) throw new ProtoDecodeError('missing-field', 'request', 'store entry carries no request');
  return found;
}

export function encodeStoreEntry(e: StoreEntry): Uint8Array {
  return S.StoreEntry.encode({ context: toWireContext(e.context), ...toWireRequest(e.request) }).finish();
}

/** Throws EtcdApiError on bytes that are not a valid entry (a corrupt or foreign log). */
export function decodeStoreEntry(bytes: Uint8Array): StoreEntry {
  try {
    const o = readObject(runDecode('StoreEntry', () => S.StoreEntry.decode(bytes)), '') ?? {};
    return { context: fromWireContext(field(o, 'context'), 'context'), request: fromWireRequest(o) };
  } catch (e) {
    throw toEtcdApiError(e);
  }
}

/**
 * gRPC metadata key under which a client (the apiserver) sends the request
 * context of a write to Logbook's store; `-bin`: grpc carries the protobuf
 * bytes base64-encoded. Real etcd ignores it.
 */
export const REQUEST_CONTEXT_METADATA_KEY = 'logbook-request-context-bin';

/** A RequestContext as protobuf bytes (proposer and requestId are the store's own: sent as 0). */
export function encodeRequestContext(c: RequestContext): Uint8Array {
  return S.RequestContext.encode(toWireContext({ ...c, proposer: 0, requestId: 0 })).finish();
}

/** Throws EtcdApiError on bytes that are not a RequestContext. */
export function decodeRequestContext(bytes: Uint8Array): RequestContext {
  try {
    return { ...fromWireContext(runDecode('RequestContext', () => S.RequestContext.decode(bytes)), ''), proposer: 0, requestId: 0 };
  } catch (e) {
    throw toEtcdApiError(e);
  }
}
