// @logbook/etcd-api: etcd's v3 gRPC wire format (generated from
// proto/etcd/*.proto, packages etcdserverpb and mvccpb) and validating codecs
// between it and @logbook/mvcc's request/response types. Bytes are decoded
// and checked once, here; callers get MVCC values or an EtcdApiError that
// carries the gRPC status etcd would answer with.

/** The generated classes (protobufjs static code). Prefer the codecs below. */
export { etcdserverpb, logbook, mvccpb } from './gen/etcd.js';

export { EtcdApiError, GRPC_STATUS, INVALID_SORT_OPTION, toEtcdApiError } from './errors.ts';
export type { EtcdApiErrorCode } from './errors.ts';

export type { EtcdResponseHeader, ServerIdentity } from './kv-codec.ts';
export type { Decoded } from './kv-response-codec.ts';
export { COMPARE_TARGETS } from './kv-request-codec.ts';
export * from './codecs.ts';

/** Message-level converters, for embedding in other messages (e.g. events in a WatchResponse). */
export { toWireEvent, fromWireEvent, toWireKeyValue, fromWireKeyValue, toWireHeader, fromWireHeader } from './kv-codec.ts';

export { ETCD_SERVICES } from './services.ts';
export { decodeStoreEntry, encodeStoreEntry, EMPTY_REQUEST_CONTEXT, type RequestContext, type StoreEntry } from './store-entry-codec.ts';
