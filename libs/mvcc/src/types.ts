// Requests, responses and events of the MVCC state machine, shaped after
// etcd's v3 API (etcdserverpb / mvccpb) so the gRPC layer maps them 1:1.
// Keys and values are bytes; revisions and lease ids are safe integers
// (checked once at the boundary by validate.ts).

export type Bytes = Uint8Array;

/** The global, monotonically increasing store revision (etcd's main revision). */
export type Revision = number;
/** A lease id assigned by the proposer; 0 means "no lease". */
export type LeaseId = number;

export interface KeyValue {
  readonly key: Bytes;
  /** Revision of the put that created the key in its current generation. */
  readonly createRevision: Revision;
  /** Revision of the last change to the key. */
  readonly modRevision: Revision;
  /** Number of puts since creation (1 after create; reset by delete). */
  readonly version: number;
  readonly value: Bytes;
  readonly lease: LeaseId;
}

export interface ResponseHeader {
  readonly revision: Revision;
}

export const SORT_ORDERS = ['NONE', 'ASCEND', 'DESCEND'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];
export const SORT_TARGETS = ['KEY', 'VERSION', 'CREATE', 'MOD', 'VALUE'] as const;
export type SortTarget = (typeof SORT_TARGETS)[number];

/**
 * Key selection used by Range, DeleteRange and Compare: rangeEnd absent or
 * empty selects the single key; rangeEnd = [0] selects every key >= key
 * ("from key"); otherwise the half-open interval [key, rangeEnd).
 */
export interface RangeRequest {
  readonly key: Bytes;
  readonly rangeEnd?: Bytes;
  /** 0 or negative: no limit. */
  readonly limit?: number;
  /** 0 or absent: the current revision. */
  readonly revision?: Revision;
  readonly sortOrder?: SortOrder;
  readonly sortTarget?: SortTarget;
  /** Accepted for compatibility; the caller chooses the read path. */
  readonly serializable?: boolean;
  readonly keysOnly?: boolean;
  readonly countOnly?: boolean;
  readonly minModRevision?: Revision;
  readonly maxModRevision?: Revision;
  readonly minCreateRevision?: Revision;
  readonly maxCreateRevision?: Revision;
}

export interface RangeResponse {
  readonly header: ResponseHeader;
  readonly kvs: readonly KeyValue[];
  /** More keys matched than `limit` allowed. */
  readonly more: boolean;
  /** Keys in the range at the requested revision (ignores limit and filters, as etcd). */
  readonly count: number;
}

/** A RangeResponse whose KeyValues are already in etcd's wire form. */
export interface RangeWireResponse {
  readonly header: ResponseHeader;
  /**
   * The `kvs` field of etcdserverpb.RangeResponse as encoded bytes: per
   * KeyValue, tag 0x12, length, mvccpb.KeyValue; concatenated.
   */
  readonly kvsField: Bytes;
  /**
   * Free bytes around kvsField in its ArrayBuffer, which an encoder may write
   * the rest of the response into instead of copying kvsField (it is
   * megabytes for a long range). Absent: none.
   */
  readonly kvsFieldRoom?: { readonly before: number; readonly after: number };
  /**
   * Once kvsField (and any response framed around it in place) is no longer
   * read: its buffer goes back to be reused, so its bytes may then change.
   * Optional to call (an answer never released is garbage collected).
   */
  readonly release?: () => void;
  /** How many KeyValues kvsField holds. */
  readonly kvCount: number;
  readonly more: boolean;
  readonly count: number;
}

export interface PutRequest {
  readonly key: Bytes;
  readonly value?: Bytes;
  readonly lease?: LeaseId;
  readonly prevKv?: boolean;
  readonly ignoreValue?: boolean;
  readonly ignoreLease?: boolean;
}

export interface PutResponse {
  readonly header: ResponseHeader;
  readonly prevKv?: KeyValue;
}

export interface DeleteRangeRequest {
  readonly key: Bytes;
  readonly rangeEnd?: Bytes;
  readonly prevKv?: boolean;
}

export interface DeleteRangeResponse {
  readonly header: ResponseHeader;
  readonly deleted: number;
  readonly prevKvs: readonly KeyValue[];
}

export const COMPARE_RESULTS = ['EQUAL', 'GREATER', 'LESS', 'NOT_EQUAL'] as const;
export type CompareResult = (typeof COMPARE_RESULTS)[number];

/** One compare of a Txn; the target decides which operand field is used. */
export type Compare = {
  readonly key: Bytes;
  readonly rangeEnd?: Bytes;
  readonly result: CompareResult;
} & (
  | { readonly target: 'VERSION'; readonly version: number }
  | { readonly target: 'CREATE'; readonly createRevision: Revision }
  | { readonly target: 'MOD'; readonly modRevision: Revision }
  | { readonly target: 'VALUE'; readonly value: Bytes }
  | { readonly target: 'LEASE'; readonly lease: LeaseId }
);

export type RequestOp =
  | { readonly type: 'range'; readonly request: RangeRequest }
  | { readonly type: 'put'; readonly request: PutRequest }
  | { readonly type: 'deleteRange'; readonly request: DeleteRangeRequest }
  | { readonly type: 'txn'; readonly request: TxnRequest };

export type ResponseOp =
  | { readonly type: 'range'; readonly response: RangeResponse }
  | { readonly type: 'put'; readonly response: PutResponse }
  | { readonly type: 'deleteRange'; readonly response: DeleteRangeResponse }
  | { readonly type: 'txn'; readonly response: TxnResponse };

export interface TxnRequest {
  readonly compare?: readonly Compare[];
  readonly success?: readonly RequestOp[];
  readonly failure?: readonly RequestOp[];
}

export interface TxnResponse {
  readonly header: ResponseHeader;
  readonly succeeded: boolean;
  readonly responses: readonly ResponseOp[];
}

export interface CompactionRequest {
  readonly revision: Revision;
  /** Accepted for compatibility: compaction here is always complete when applied. */
  readonly physical?: boolean;
}

export interface CompactionResponse {
  readonly header: ResponseHeader;
}

export interface LeaseGrantRequest {
  /** Assigned by the proposer (never 0: apply must not invent ids). */
  readonly id: LeaseId;
  /** Seconds. */
  readonly ttl: number;
}

export interface LeaseGrantResponse {
  readonly header: ResponseHeader;
  readonly id: LeaseId;
  readonly ttl: number;
}

export interface LeaseRevokeRequest {
  readonly id: LeaseId;
}

export interface LeaseRevokeResponse {
  readonly header: ResponseHeader;
}

/**
 * Leases the leader found expired (by its own clock) and committed through
 * the log, so every member deletes the same keys at the same revisions.
 * Ids no longer present are skipped: a revoke may have won the race.
 */
export interface LeaseExpireRequest {
  readonly ids: readonly LeaseId[];
}

export interface LeaseExpireResponse {
  readonly header: ResponseHeader;
  /** The ids that were still present and have been removed. */
  readonly expired: readonly LeaseId[];
}

/** The alarms kept in the state (etcd's AlarmType less NONE). */
export type StoredAlarm = 'NOSPACE' | 'CORRUPT';

export interface AlarmEntry {
  readonly memberId: number;
  readonly alarm: StoredAlarm;
}

/**
 * An alarm raised or cleared through the log (etcd's AlarmRequest ACTIVATE
 * and DEACTIVATE), so every member refuses the same writes at the same
 * index: while any member's NOSPACE alarm is active, puts, lease grants and
 * transactions that write are refused (etcd's capped applier).
 */
export interface AlarmChangeRequest {
  readonly action: 'activate' | 'deactivate';
  readonly memberId: number;
  readonly alarm: StoredAlarm;
}

export interface AlarmChangeResponse {
  /** The alarm entry the request named (etcd answers with it whether or not anything changed). */
  readonly alarms: readonly AlarmEntry[];
}

/** A committed log entry's payload, as the state machine sees it. */
export type MvccRequest =
  | { readonly type: 'range'; readonly request: RangeRequest }
  | { readonly type: 'put'; readonly request: PutRequest }
  | { readonly type: 'deleteRange'; readonly request: DeleteRangeRequest }
  | { readonly type: 'txn'; readonly request: TxnRequest }
  | { readonly type: 'compaction'; readonly request: CompactionRequest }
  | { readonly type: 'leaseGrant'; readonly request: LeaseGrantRequest }
  | { readonly type: 'leaseRevoke'; readonly request: LeaseRevokeRequest }
  | { readonly type: 'leaseExpire'; readonly request: LeaseExpireRequest }
  | { readonly type: 'alarm'; readonly request: AlarmChangeRequest };

export type MvccResponse =
  | { readonly type: 'range'; readonly response: RangeResponse }
  | { readonly type: 'put'; readonly response: PutResponse }
  | { readonly type: 'deleteRange'; readonly response: DeleteRangeResponse }
  | { readonly type: 'txn'; readonly response: TxnResponse }
  | { readonly type: 'compaction'; readonly response: CompactionResponse }
  | { readonly type: 'leaseGrant'; readonly response: LeaseGrantResponse }
  | { readonly type: 'leaseRevoke'; readonly response: LeaseRevokeResponse }
  | { readonly type: 'leaseExpire'; readonly response: LeaseExpireResponse }
  | { readonly type: 'alarm'; readonly response: AlarmChangeResponse };

export const EVENT_TYPES = ['PUT', 'DELETE'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * A change, in revision order. For DELETE, kv carries the key and the
 * deletion's modRevision only (as etcd's tombstone event does).
 */
export interface Event {
  readonly type: EventType;
  readonly kv: KeyValue;
  /** The key's value just before this change, when it existed and is retained. */
  readonly prevKv?: KeyValue;
}

export interface LeaseInfo {
  readonly id: LeaseId;
  /** The TTL granted (after raising to the minimum), in seconds. */
  readonly grantedTtl: number;
  readonly grantedRevision: Revision;
}

export interface LeaseTimeToLive extends LeaseInfo {
  readonly keys: readonly Bytes[];
}
