// The byte-level API: one encode/decode pair per message the store serves
// (KV, Watch, Lease, Cluster, Maintenance).
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
  RangeWireResponse,
  TxnRequest,
  TxnResponse,
} from '@logbook/mvcc';
import type { WatchResponse } from '@logbook/watch';
import { etcdserverpb, mvccpb } from './gen/etcd.js';
import type { ServerIdentity } from './kv-codec.ts';
import { fromWireEvent, fromWireKeyValue, toWireEvent, toWireKeyValue } from './kv-codec.ts';
import * as req from './kv-request-codec.ts';
import * as res from './kv-response-codec.ts';
import type { Decoded } from './kv-response-codec.ts';
import * as lease from './lease-codec.ts';
import { decodeMessage, decodeResponse } from './message-bytes.ts';
import * as cluster from './cluster-codec.ts';
import * as maint from './maintenance-codec.ts';
import type {
  AlarmRequest,
  AlarmResponse,
  DefragmentRequest,
  DefragmentResponse,
  HashKVRequest,
  HashKVResponse,
  HashRequest,
  HashResponse,
  LeaseKeepAliveRequest,
  LeaseKeepAliveResponse,
  LeaseLeasesRequest,
  LeaseLeasesResponse,
  LeaseTimeToLiveRequest,
  LeaseTimeToLiveResponse,
  MemberAddRequest,
  MemberAddResponse,
  MemberListRequest,
  MemberListResponse,
  MemberPromoteRequest,
  MemberPromoteResponse,
  MemberRemoveRequest,
  MemberRemoveResponse,
  MemberUpdateRequest,
  MemberUpdateResponse,
  MoveLeaderRequest,
  MoveLeaderResponse,
  SnapshotRequest,
  SnapshotResponse,
  StatusRequest,
  StatusResponse,
  WatchRequest,
} from './types.ts';
import * as watch from './watch-codec.ts';

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
export const encodeRangeWireResponse = (r: RangeWireResponse, id: ServerIdentity): Uint8Array => res.encodeRangeWireResponse(r, id);
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

// ---- Watch (a bidi stream: one call per message) ----
export const encodeWatchRequest = (r: WatchRequest): Uint8Array => pb.WatchRequest.encode(watch.toWireWatchRequest(r, '')).finish();
/** `undefined` for a message with no request set: etcd's server ignores it and keeps the stream open. */
export const decodeWatchRequest = (b: Uint8Array): WatchRequest | undefined =>
  decodeMessage(pb.WatchRequest, 'WatchRequest', b, watch.fromWireWatchRequest);
export const encodeWatchResponse = (r: WatchResponse, id: ServerIdentity): Uint8Array =>
  pb.WatchResponse.encode(watch.toWireWatchResponse(r, id, '')).finish();
export const decodeWatchResponse = (b: Uint8Array): Decoded<WatchResponse> =>
  decodeResponse(pb.WatchResponse, 'WatchResponse', b, watch.fromWireWatchResponse);

// ---- Lease: keep-alive (bidi stream), time-to-live, leases ----
export const encodeLeaseKeepAliveRequest = (r: LeaseKeepAliveRequest): Uint8Array =>
  pb.LeaseKeepAliveRequest.encode(lease.toWireLeaseKeepAliveRequest(r, '')).finish();
export const decodeLeaseKeepAliveRequest = (b: Uint8Array): LeaseKeepAliveRequest =>
  decodeMessage(pb.LeaseKeepAliveRequest, 'LeaseKeepAliveRequest', b, lease.fromWireLeaseKeepAliveRequest);
export const encodeLeaseKeepAliveResponse = (r: LeaseKeepAliveResponse, id: ServerIdentity): Uint8Array =>
  pb.LeaseKeepAliveResponse.encode(lease.toWireLeaseKeepAliveResponse(r, id, '')).finish();
export const decodeLeaseKeepAliveResponse = (b: Uint8Array): Decoded<LeaseKeepAliveResponse> =>
  decodeResponse(pb.LeaseKeepAliveResponse, 'LeaseKeepAliveResponse', b, lease.fromWireLeaseKeepAliveResponse);
export const encodeLeaseTimeToLiveRequest = (r: LeaseTimeToLiveRequest): Uint8Array =>
  pb.LeaseTimeToLiveRequest.encode(lease.toWireLeaseTimeToLiveRequest(r, '')).finish();
export const decodeLeaseTimeToLiveRequest = (b: Uint8Array): LeaseTimeToLiveRequest =>
  decodeMessage(pb.LeaseTimeToLiveRequest, 'LeaseTimeToLiveRequest', b, lease.fromWireLeaseTimeToLiveRequest);
export const encodeLeaseTimeToLiveResponse = (r: LeaseTimeToLiveResponse, id: ServerIdentity): Uint8Array =>
  pb.LeaseTimeToLiveResponse.encode(lease.toWireLeaseTimeToLiveResponse(r, id, '')).finish();
export const decodeLeaseTimeToLiveResponse = (b: Uint8Array): Decoded<LeaseTimeToLiveResponse> =>
  decodeResponse(pb.LeaseTimeToLiveResponse, 'LeaseTimeToLiveResponse', b, lease.fromWireLeaseTimeToLiveResponse);
export const encodeLeaseLeasesRequest = (_r: LeaseLeasesRequest = {}): Uint8Array => pb.LeaseLeasesRequest.encode({}).finish();
export const decodeLeaseLeasesRequest = (b: Uint8Array): LeaseLeasesRequest =>
  decodeMessage(pb.LeaseLeasesRequest, 'LeaseLeasesRequest', b, maint.fromWireEmptyRequest);
export const encodeLeaseLeasesResponse = (r: LeaseLeasesResponse, id: ServerIdentity): Uint8Array =>
  pb.LeaseLeasesResponse.encode(lease.toWireLeaseLeasesResponse(r, id, '')).finish();
export const decodeLeaseLeasesResponse = (b: Uint8Array): Decoded<LeaseLeasesResponse> =>
  decodeResponse(pb.LeaseLeasesResponse, 'LeaseLeasesResponse', b, lease.fromWireLeaseLeasesResponse);

// ---- Cluster ----
export const encodeMemberAddRequest = (r: MemberAddRequest): Uint8Array => pb.MemberAddRequest.encode(cluster.toWireMemberAddRequest(r, '')).finish();
export const decodeMemberAddRequest = (b: Uint8Array): MemberAddRequest =>
  decodeMessage(pb.MemberAddRequest, 'MemberAddRequest', b, cluster.fromWireMemberAddRequest);
export const encodeMemberAddResponse = (r: MemberAddResponse, id: ServerIdentity): Uint8Array =>
  pb.MemberAddResponse.encode(cluster.toWireMemberAddResponse(r, id, '')).finish();
export const decodeMemberAddResponse = (b: Uint8Array): Decoded<MemberAddResponse> =>
  decodeResponse(pb.MemberAddResponse, 'MemberAddResponse', b, cluster.fromWireMemberAddResponse);
export const encodeMemberRemoveRequest = (r: MemberRemoveRequest): Uint8Array =>
  pb.MemberRemoveRequest.encode(cluster.toWireMemberRemoveRequest(r, '')).finish();
export const decodeMemberRemoveRequest = (b: Uint8Array): MemberRemoveRequest =>
  decodeMessage(pb.MemberRemoveRequest, 'MemberRemoveRequest', b, cluster.fromWireMemberRemoveRequest);
export const encodeMemberRemoveResponse = (r: MemberRemoveResponse, id: ServerIdentity): Uint8Array =>
  pb.MemberRemoveResponse.encode(cluster.toWireMembersResponse(r, id, '')).finish();
export const decodeMemberRemoveResponse = (b: Uint8Array): Decoded<MemberRemoveResponse> =>
  decodeResponse(pb.MemberRemoveResponse, 'MemberRemoveResponse', b, cluster.fromWireMembersResponse);
export const encodeMemberUpdateRequest = (r: MemberUpdateRequest): Uint8Array =>
  pb.MemberUpdateRequest.encode(cluster.toWireMemberUpdateRequest(r, '')).finish();
export const decodeMemberUpdateRequest = (b: Uint8Array): MemberUpdateRequest =>
  decodeMessage(pb.MemberUpdateRequest, 'MemberUpdateRequest', b, cluster.fromWireMemberUpdateRequest);
export const encodeMemberUpdateResponse = (r: MemberUpdateResponse, id: ServerIdentity): Uint8Array =>
  pb.MemberUpdateResponse.encode(cluster.toWireMembersResponse(r, id, '')).finish();
export const decodeMemberUpdateResponse = (b: Uint8Array): Decoded<MemberUpdateResponse> =>
  decodeResponse(pb.MemberUpdateResponse, 'MemberUpdateResponse', b, cluster.fromWireMembersResponse);
export const encodeMemberListRequest = (r: MemberListRequest = {}): Uint8Array => pb.MemberListRequest.encode(cluster.toWireMemberListRequest(r, '')).finish();
export const decodeMemberListRequest = (b: Uint8Array): MemberListRequest =>
  decodeMessage(pb.MemberListRequest, 'MemberListRequest', b, cluster.fromWireMemberListRequest);
export const encodeMemberListResponse = (r: MemberListResponse, id: ServerIdentity): Uint8Array =>
  pb.MemberListResponse.encode(cluster.toWireMembersResponse(r, id, '')).finish();
export const decodeMemberListResponse = (b: Uint8Array): Decoded<MemberListResponse> =>
  decodeResponse(pb.MemberListResponse, 'MemberListResponse', b, cluster.fromWireMembersResponse);
export const encodeMemberPromoteRequest = (r: MemberPromoteRequest): Uint8Array =>
  pb.MemberPromoteRequest.encode(cluster.toWireMemberPromoteRequest(r, '')).finish();
export const decodeMemberPromoteRequest = (b: Uint8Array): MemberPromoteRequest =>
  decodeMessage(pb.MemberPromoteRequest, 'MemberPromoteRequest', b, cluster.fromWireMemberPromoteRequest);
export const encodeMemberPromoteResponse = (r: MemberPromoteResponse, id: ServerIdentity): Uint8Array =>
  pb.MemberPromoteResponse.encode(cluster.toWireMembersResponse(r, id, '')).finish();
export const decodeMemberPromoteResponse = (b: Uint8Array): Decoded<MemberPromoteResponse> =>
  decodeResponse(pb.MemberPromoteResponse, 'MemberPromoteResponse', b, cluster.fromWireMembersResponse);

// ---- Maintenance ----
export const encodeAlarmRequest = (r: AlarmRequest): Uint8Array => pb.AlarmRequest.encode(maint.toWireAlarmRequest(r, '')).finish();
export const decodeAlarmRequest = (b: Uint8Array): AlarmRequest => decodeMessage(pb.AlarmRequest, 'AlarmRequest', b, maint.fromWireAlarmRequest);
export const encodeAlarmResponse = (r: AlarmResponse, id: ServerIdentity): Uint8Array =>
  pb.AlarmResponse.encode(maint.toWireAlarmResponse(r, id, '')).finish();
export const decodeAlarmResponse = (b: Uint8Array): Decoded<AlarmResponse> =>
  decodeResponse(pb.AlarmResponse, 'AlarmResponse', b, maint.fromWireAlarmResponse);
export const encodeStatusRequest = (_r: StatusRequest = {}): Uint8Array => pb.StatusRequest.encode({}).finish();
export const decodeStatusRequest = (b: Uint8Array): StatusRequest => decodeMessage(pb.StatusRequest, 'StatusRequest', b, maint.fromWireEmptyRequest);
export const encodeStatusResponse = (r: StatusResponse, id: ServerIdentity): Uint8Array =>
  pb.StatusResponse.encode(maint.toWireStatusResponse(r, id, '')).finish();
export const decodeStatusResponse = (b: Uint8Array): Decoded<StatusResponse> =>
  decodeResponse(pb.StatusResponse, 'StatusResponse', b, maint.fromWireStatusResponse);
export const encodeDefragmentRequest = (_r: DefragmentRequest = {}): Uint8Array => pb.DefragmentRequest.encode({}).finish();
export const decodeDefragmentRequest = (b: Uint8Array): DefragmentRequest =>
  decodeMessage(pb.DefragmentRequest, 'DefragmentRequest', b, maint.fromWireEmptyRequest);
export const encodeDefragmentResponse = (r: DefragmentResponse, id: ServerIdentity): Uint8Array =>
  pb.DefragmentResponse.encode(maint.toWireHeaderOnlyResponse(r, id, '')).finish();
export const decodeDefragmentResponse = (b: Uint8Array): Decoded<DefragmentResponse> =>
  decodeResponse(pb.DefragmentResponse, 'DefragmentResponse', b, maint.fromWireHeaderOnlyResponse);
export const encodeHashRequest = (_r: HashRequest = {}): Uint8Array => pb.HashRequest.encode({}).finish();
export const decodeHashRequest = (b: Uint8Array): HashRequest => decodeMessage(pb.HashRequest, 'HashRequest', b, maint.fromWireEmptyRequest);
export const encodeHashResponse = (r: HashResponse, id: ServerIdentity): Uint8Array => pb.HashResponse.encode(maint.toWireHashResponse(r, id, '')).finish();
export const decodeHashResponse = (b: Uint8Array): Decoded<HashResponse> => decodeResponse(pb.HashResponse, 'HashResponse', b, maint.fromWireHashResponse);
export const encodeHashKVRequest = (r: HashKVRequest): Uint8Array => pb.HashKVRequest.encode(maint.toWireHashKVRequest(r, '')).finish();
export const decodeHashKVRequest = (b: Uint8Array): HashKVRequest => decodeMessage(pb.HashKVRequest, 'HashKVRequest', b, maint.fromWireHashKVRequest);
export const encodeHashKVResponse = (r: HashKVResponse, id: ServerIdentity): Uint8Array =>
  pb.HashKVResponse.encode(maint.toWireHashKVResponse(r, id, '')).finish();
export const decodeHashKVResponse = (b: Uint8Array): Decoded<HashKVResponse> =>
  decodeResponse(pb.HashKVResponse, 'HashKVResponse', b, maint.fromWireHashKVResponse);
export const encodeSnapshotRequest = (_r: SnapshotRequest = {}): Uint8Array => pb.SnapshotRequest.encode({}).finish();
export const decodeSnapshotRequest = (b: Uint8Array): SnapshotRequest =>
  decodeMessage(pb.SnapshotRequest, 'SnapshotRequest', b, maint.fromWireEmptyRequest);
/** One message of the server-streamed snapshot. */
export const encodeSnapshotResponse = (r: SnapshotResponse, id: ServerIdentity): Uint8Array =>
  pb.SnapshotResponse.encode(maint.toWireSnapshotResponse(r, id, '')).finish();
export const decodeSnapshotResponse = (b: Uint8Array): Decoded<SnapshotResponse> =>
  decodeResponse(pb.SnapshotResponse, 'SnapshotResponse', b, maint.fromWireSnapshotResponse);
export const encodeMoveLeaderRequest = (r: MoveLeaderRequest): Uint8Array => pb.MoveLeaderRequest.encode(maint.toWireMoveLeaderRequest(r, '')).finish();
export const decodeMoveLeaderRequest = (b: Uint8Array): MoveLeaderRequest =>
  decodeMessage(pb.MoveLeaderRequest, 'MoveLeaderRequest', b, maint.fromWireMoveLeaderRequest);
export const encodeMoveLeaderResponse = (r: MoveLeaderResponse, id: ServerIdentity): Uint8Array =>
  pb.MoveLeaderResponse.encode(maint.toWireHeaderOnlyResponse(r, id, '')).finish();
export const decodeMoveLeaderResponse = (b: Uint8Array): Decoded<MoveLeaderResponse> =>
  decodeResponse(pb.MoveLeaderResponse, 'MoveLeaderResponse', b, maint.fromWireHeaderOnlyResponse);
