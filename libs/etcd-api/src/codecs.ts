// The byte-level API: one encode/decode pair per message the store serves.
// decode* is the trust boundary for bytes from an etcd client (or, for
// responses, from an etcd server): it either returns a validated MVCC value
// or throws EtcdApiError carrying the gRPC status to answer with. encode*
// throws ProtoEncodeError only for values this side built wrong (a bug).

import type {
  CompactionRequest,
  CompactionResponse,
  DeleteRangeRequest,
  DeleteRangeResponse,
  Event,
  KeyValue,
  LeaseGrantRequest,
  LeaseGrantResponse,
  LeaseRevokeRequest,
  LeaseRevokeResponse,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  TxnRequest,
  TxnResponse,
} from '@logbook/mvcc';
import { toEtcdApiError } from './errors.ts';
import { etcdserverpb, mvccpb } from './gen/etcd.js';
import type { ServerIdentity } from './kv-codec.ts';
import { fromWireEvent, fromWireHeader, fromWireKeyValue, toWireEvent, toWireKeyValue } from './kv-codec.ts';
import * as req from './kv-request-codec.ts';
import * as res from './kv-response-codec.ts';
import type { Decoded } from './kv-response-codec.ts';
import * as lease from './lease-codec.ts';
import { field, readObject, runDecode } from './wire-values.ts';

/** A generated message class, as far as decoding needs it. */
interface Decodable {
  decode(bytes: Uint8Array): unknown;
}

function decodeMessage<T>(gen: Decodable, what: string, bytes: Uint8Array, narrow: (v: unknown, path: string) => T): T {
  try {
    return narrow(runDecode(what, () => gen.decode(bytes)), '');
  } catch (e) {
    throw toEtcdApiError(e);
  }
}

function decodeResponse<T>(gen: Decodable, what: string, bytes: Uint8Array, narrow: (v: unknown, path: string) => T): Decoded<T> {
  return decodeMessage(gen, what, bytes, (v, path) => ({
    header: fromWireHeader(field(readObject(v, path) ?? {}, 'header'), 'header'),
    response: narrow(v, path),
  }));
}

const pb = etcdserverpb;

// ---- requests ----
export const encodeRangeRequest = (r: RangeRequest): Uint8Array => pb.RangeRequest.encode(req.toWireRangeRequest(r, '')).finish();
export const decodeRangeRequest = (b: Uint8Array): RangeRequest => decodeMessage(pb.RangeRequest, 'RangeRequest', b, req.fromWireRangeRequest);
export const encodePutRequest = (r: PutRequest): Uint8Array => pb.PutRequest.encode(req.toWirePutRequest(r, '')).finish();
export const decodePutRequest = (b: Uint8Array): PutRequest => decodeMessage(pb.PutRequest, 'PutRequest', b, req.fromWirePutRequest);
export const encodeDeleteRangeRequest = (r: DeleteRangeRequest): Uint8Array =>
  pb.DeleteRangeRequest.encode(req.toWireDeleteRangeRequest(r, '')).finish();
export const decodeDeleteRangeRequest = (b: Uint8Array): DeleteRangeRequest =>
  decodeMessage(pb.DeleteRangeRequest, 'DeleteRangeRequest', b, req.fromWireDeleteRangeRequest);
export const encodeTxnRequest = (r: TxnRequest): Uint8Array => pb.TxnRequest.encode(req.toWireTxnRequest(r, '')).finish();
export const decodeTxnRequest = (b: Uint8Array): TxnRequest => decodeMessage(pb.TxnRequest, 'TxnRequest', b, req.fromWireTxnRequest);
export const encodeCompactionRequest = (r: CompactionRequest): Uint8Array =>
  pb.CompactionRequest.encode(req.toWireCompactionRequest(r, '')).finish();
export const decodeCompactionRequest = (b: Uint8Array): CompactionRequest =>
  decodeMessage(pb.CompactionRequest, 'CompactionRequest', b, req.fromWireCompactionRequest);
export const encodeLeaseGrantRequest = (r: LeaseGrantRequest): Uint8Array =>
  pb.LeaseGrantRequest.encode(lease.toWireLeaseGrantRequest(r, '')).finish();
export const decodeLeaseGrantRequest = (b: Uint8Array): LeaseGrantRequest =>
  decodeMessage(pb.LeaseGrantRequest, 'LeaseGrantRequest', b, lease.fromWireLeaseGrantRequest);
export const encodeLeaseRevokeRequest = (r: LeaseRevokeRequest): Uint8Array =>
  pb.LeaseRevokeRequest.encode(lease.toWireLeaseRevokeRequest(r, '')).finish();
export const decodeLeaseRevokeRequest = (b: Uint8Array): LeaseRevokeRequest =>
  decodeMessage(pb.LeaseRevokeRequest, 'LeaseRevokeRequest', b, lease.fromWireLeaseRevokeRequest);

// ---- responses (the header's revision comes from the MVCC response, the rest from `id`) ----
export const encodeRangeResponse = (r: RangeResponse, id: ServerIdentity): Uint8Array =>
  pb.RangeResponse.encode(res.toWireRangeResponse(r, id, '')).finish();
export const decodeRangeResponse = (b: Uint8Array): Decoded<RangeResponse> =>
  decodeResponse(pb.RangeResponse, 'RangeResponse', b, res.fromWireRangeResponse);
export const encodePutResponse = (r: PutResponse, id: ServerIdentity): Uint8Array =>
  pb.PutResponse.encode(res.toWirePutResponse(r, id, '')).finish();
export const decodePutResponse = (b: Uint8Array): Decoded<PutResponse> =>
  decodeResponse(pb.PutResponse, 'PutResponse', b, res.fromWirePutResponse);
export const encodeDeleteRangeResponse = (r: DeleteRangeResponse, id: ServerIdentity): Uint8Array =>
  pb.DeleteRangeResponse.encode(res.toWireDeleteRangeResponse(r, id, '')).finish();
export const decodeDeleteRangeResponse = (b: Uint8Array): Decoded<DeleteRangeResponse> =>
  decodeResponse(pb.DeleteRangeResponse, 'DeleteRangeResponse', b, res.fromWireDeleteRangeResponse);
export const encodeTxnResponse = (r: TxnResponse, id: ServerIdentity): Uint8Array =>
  pb.TxnResponse.encode(res.toWireTxnResponse(r, id, '')).finish();
export const decodeTxnResponse = (b: Uint8Array): Decoded<TxnResponse> =>
  decodeResponse(pb.TxnResponse, 'TxnResponse', b, res.fromWireTxnResponse);
export const encodeCompactionResponse = (r: CompactionResponse, id: ServerIdentity): Uint8Array =>
  pb.CompactionResponse.encode(res.toWireCompactionResponse(r, id, '')).finish();
export const decodeCompactionResponse = (b: Uint8Array): Decoded<CompactionResponse> =>
  decodeResponse(pb.CompactionResponse, 'CompactionResponse', b, res.fromWireCompactionResponse);
export const encodeLeaseGrantResponse = (r: LeaseGrantResponse, id: ServerIdentity): Uint8Array =>
  pb.LeaseGrantResponse.encode(lease.toWireLeaseGrantResponse(r, id, '')).finish();
export const decodeLeaseGrantResponse = (b: Uint8Array): Decoded<LeaseGrantResponse> =>
  decodeResponse(pb.LeaseGrantResponse, 'LeaseGrantResponse', b, lease.fromWireLeaseGrantResponse);
export const encodeLeaseRevokeResponse = (r: LeaseRevokeResponse, id: ServerIdentity): Uint8Array =>
  pb.LeaseRevokeResponse.encode(lease.toWireLeaseRevokeResponse(r, id, '')).finish();
export const decodeLeaseRevokeResponse = (b: Uint8Array): Decoded<LeaseRevokeResponse> =>
  decodeResponse(pb.LeaseRevokeResponse, 'LeaseRevokeResponse', b, lease.fromWireLeaseRevokeResponse);

// ---- mvccpb ----
export const encodeKeyValue = (kv: KeyValue): Uint8Array => mvccpb.KeyValue.encode(toWireKeyValue(kv, '')).finish();
export const decodeKeyValue = (b: Uint8Array): KeyValue => decodeMessage(mvccpb.KeyValue, 'KeyValue', b, fromWireKeyValue);
export const encodeEvent = (e: Event): Uint8Array => mvccpb.Event.encode(toWireEvent(e, '')).finish();
export const decodeEvent = (b: Uint8Array): Event => decodeMessage(mvccpb.Event, 'Event', b, fromWireEvent);
