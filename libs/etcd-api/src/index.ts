// @logbook/etcd-api: etcd's v3 gRPC wire format (generated from
// proto/etcd/*.proto, packages etcdserverpb and mvccpb) and validating codecs
// between it and our types: @logbook/mvcc's for KV and lease grant/revoke,
// @logbook/watch's for the Watch stream, this package's (types.ts) for the
// lease queries, Cluster and Maintenance. Bytes are decoded and checked once,
// here; callers get typed values or an EtcdApiError that carries the gRPC
// status etcd would answer with.

/** The generated classes (protobufjs static code). Prefer the codecs below. */
export { etcdserverpb, logbook, mvccpb } from './gen/etcd.js';

export { EtcdApiError, GRPC_STATUS, INVALID_SORT_OPTION, toEtcdApiError } from './errors.ts';
export type { EtcdApiErrorCode } from './errors.ts';

/** etcd's well-known server errors (gRPC code + exact message), for the store to answer with. */
export { ETCD_ERRORS, ETCD_ERROR_NAMES, GRPC_CODES, etcdError, etcdErrorName } from './etcd-errors.ts';
export type { EtcdErrorName, EtcdServerError, GrpcCodeName } from './etcd-errors.ts';

export type { EtcdResponseHeader, ServerIdentity } from './kv-codec.ts';
export type { Decoded } from './kv-response-codec.ts';
export { COMPARE_TARGETS } from './kv-request-codec.ts';
export type * from './types.ts';
export { ALARM_ACTIONS, ALARM_TYPES, LEASE_TTL_EXPIRED, STREAM_WATCH_ID } from './types.ts';
export * from './codecs.ts';

/** Message-level converters, for embedding in other messages (e.g. events in a WatchResponse). */
export { toWireEvent, fromWireEvent, toWireKeyValue, fromWireKeyValue, toWireHeader, fromWireHeader } from './kv-codec.ts';

export { ETCD_SERVICES } from './services.ts';
export { decodeStoreEntry, encodeStoreEntry, decodeRequestContext, encodeRequestContext, REQUEST_CONTEXT_METADATA_KEY, EMPTY_REQUEST_CONTEXT, type RequestContext, type StoreEntry } from './store-entry-codec.ts';
