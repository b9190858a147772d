// @logbook/etcd-client: a small, typed etcd v3 gRPC client (KV, Lease grant
// and revoke, Watch, Status) for the apiserver's storage layer and the store
// benchmark. Requests and responses are @logbook/mvcc's types; headers carry
// exact (bigint) member and cluster ids. Test helpers that start real etcd
// live at '@logbook/etcd-client/testing'.

export { EtcdClient, type CallOptions, type EtcdResult, type WatchOptions } from './client.ts';
export { CLIENT_DEFAULTS, parseEndpoint, type EtcdClientOptions, type ResolvedOptions } from './options.ts';
export { EtcdClientError, GRPC_CODE_NAMES, type EtcdErrorReason, type GrpcCodeName } from './errors.ts';
export { EtcdWatch, type WatchCreated } from './watch.ts';
export type { WatchCreateRequest, WatchResponse } from './watch-codec.ts';
export type { EtcdStatus } from './status-codec.ts';
export type { EtcdHeader } from './wire-header.ts';
