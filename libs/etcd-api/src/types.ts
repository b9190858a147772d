// Request and response shapes for the parts of etcd's v3 API that are not
// MVCC operations: the Watch stream's requests, the lease queries, the
// Cluster and Maintenance services. Field names follow etcd's, in camelCase
// (ID -> id, TTL -> ttl, peerURLs -> peerUrls). Integers are safe JS
// integers; ids that are uint64 on the wire are rejected at decode when they
// do not fit. Canonical form as for the KV requests: a request's optional
// flag is absent rather than false, so decode(encode(x)) equals x.

import type { Bytes, LeaseId, ResponseHeader, Revision } from '@logbook/mvcc';
import type { WatchCreateRequest } from '@logbook/watch';

/** A request that has no fields (Status, Hash, Defragment, Snapshot, LeaseLeases). */
export type EmptyRequest = Readonly<Record<never, never>>;

// ---- Watch ----

/**
 * One message of the Watch request stream (etcd's WatchRequest oneof). A
 * message with no member set decodes to `undefined`: etcd's server logs it
 * and keeps the stream open, so the server skips it rather than failing.
 */
export type WatchRequest =
  | { readonly type: 'create'; readonly create: WatchCreateRequest }
  /** Cancels one watch of this stream; 0 is a valid (server-assigned) id. */
  | { readonly type: 'cancel'; readonly watchId: number }
  /** Asks for one stream-wide progress response (etcd >= 3.4). */
  | { readonly type: 'progress' };

/**
 * The watch id of a response that belongs to no single watch: the answer to
 * a stream-wide progress request, and a create refused before an id was
 * assigned. etcd calls it InvalidWatchID.
 */
export const STREAM_WATCH_ID = -1;

// ---- Lease ----

export interface LeaseKeepAliveRequest {
  readonly id: LeaseId;
}

export interface LeaseKeepAliveResponse {
  readonly header: ResponseHeader;
  readonly id: LeaseId;
  /** The renewed time to live in seconds; 0 when the lease is not found. */
  readonly ttl: number;
}

export interface LeaseTimeToLiveRequest {
  readonly id: LeaseId;
  /** List the keys attached to the lease. */
  readonly keys?: boolean;
}

/** etcd's TTL for a lease that has expired or does not exist. */
export const LEASE_TTL_EXPIRED = -1;

export interface LeaseTimeToLiveResponse {
  readonly header: ResponseHeader;
  readonly id: LeaseId;
  /** Remaining seconds; LEASE_TTL_EXPIRED (-1) when expired or not found. */
  readonly ttl: number;
  /** Seconds granted at creation or the last renewal. */
  readonly grantedTtl: number;
  /** Attached keys; empty unless the request asked for them. */
  readonly keys: readonly Bytes[];
}

export type LeaseLeasesRequest = EmptyRequest;

export interface LeaseStatus {
  readonly id: LeaseId;
}

export interface LeaseLeasesResponse {
  readonly header: ResponseHeader;
  readonly leases: readonly LeaseStatus[];
}

// ---- Cluster ----

export interface Member {
  /** uint64 on the wire; a safe integer here. */
  readonly id: number;
  /** Empty while the member has not started. */
  readonly name: string;
  readonly peerUrls: readonly string[];
  /** Empty while the member has not started. */
  readonly clientUrls: readonly string[];
  readonly isLearner: boolean;
}

export interface MemberAddRequest {
  readonly peerUrls: readonly string[];
  readonly isLearner?: boolean;
}

export interface MemberAddResponse {
  readonly header: ResponseHeader;
  /** The member just added. */
  readonly member: Member;
  /** Every member after the change. */
  readonly members: readonly Member[];
}

export interface MemberRemoveRequest {
  readonly id: number;
}

export interface MemberUpdateRequest {
  readonly id: number;
  readonly peerUrls: readonly string[];
}

export interface MemberListRequest {
  /** Read the member list through a linearizable barrier (etcd >= 3.5). */
  readonly linearizable?: boolean;
}

export interface MemberPromoteRequest {
  readonly id: number;
}

/** MemberRemove, MemberUpdate, MemberList and MemberPromote all answer with the member list. */
export interface MembersResponse {
  readonly header: ResponseHeader;
  readonly members: readonly Member[];
}
export type MemberRemoveResponse = MembersResponse;
export type MemberUpdateResponse = MembersResponse;
export type MemberListResponse = MembersResponse;
export type MemberPromoteResponse = MembersResponse;

// ---- Maintenance ----

/** Wire order of AlarmRequest.AlarmAction (positions are the enum values). */
export const ALARM_ACTIONS = ['GET', 'ACTIVATE', 'DEACTIVATE'] as const;
export type AlarmAction = (typeof ALARM_ACTIONS)[number];
/** Wire order of AlarmType. NONE in a request means "any alarm". */
export const ALARM_TYPES = ['NONE', 'NOSPACE', 'CORRUPT'] as const;
export type AlarmType = (typeof ALARM_TYPES)[number];

/** Every field has a meaningful zero (GET, all members, any alarm), so none is optional. */
export interface AlarmRequest {
  readonly action: AlarmAction;
  /** 0: every member. */
  readonly memberId: number;
  readonly alarm: AlarmType;
}

export interface AlarmMember {
  readonly memberId: number;
  readonly alarm: AlarmType;
}

export interface AlarmResponse {
  readonly header: ResponseHeader;
  readonly alarms: readonly AlarmMember[];
}

export type StatusRequest = EmptyRequest;

export interface DowngradeInfo {
  readonly enabled: boolean;
  readonly targetVersion: string;
}

export interface StatusResponse {
  readonly header: ResponseHeader;
  /** The server's version, e.g. "3.5.0" (etcdctl prints it). */
  readonly version: string;
  /** Bytes allocated by the backend. */
  readonly dbSize: number;
  /** The member id this member believes leads; 0 when it knows none. */
  readonly leader: number;
  /** Raft commit index. */
  readonly raftIndex: number;
  readonly raftTerm: number;
  readonly raftAppliedIndex: number;
  /** Alarm and health messages. */
  readonly errors: readonly string[];
  /** Bytes of the backend logically in use. */
  readonly dbSizeInUse: number;
  readonly isLearner: boolean;
  /** etcd >= 3.6 fields; absent when unset. */
  readonly storageVersion?: string;
  readonly dbSizeQuota?: number;
  readonly downgradeInfo?: DowngradeInfo;
}

export type DefragmentRequest = EmptyRequest;

export interface DefragmentResponse {
  readonly header: ResponseHeader;
}

export type HashRequest = EmptyRequest;

export interface HashResponse {
  readonly header: ResponseHeader;
  /** uint32. */
  readonly hash: number;
}

export interface HashKVRequest {
  /** 0: the current revision. */
  readonly revision: Revision;
}

export interface HashKVResponse {
  readonly header: ResponseHeader;
  /** uint32 hash of the MVCC keys up to hashRevision. */
  readonly hash: number;
  /** The compacted revision when hashing began. */
  readonly compactRevision: Revision;
  readonly hashRevision: Revision;
}

export type SnapshotRequest = EmptyRequest;

/** One message of the Snapshot stream; the first header gives the snapshot's revision. */
export interface SnapshotResponse {
  readonly header: ResponseHeader;
  /** Blob bytes still to come after this message. */
  readonly remainingBytes: number;
  readonly blob: Bytes;
  /** etcd >= 3.6: the server version that made the snapshot; absent when unset. */
  readonly version?: string;
}

export interface MoveLeaderRequest {
  readonly targetId: number;
}

export interface MoveLeaderResponse {
  readonly header: ResponseHeader;
}
