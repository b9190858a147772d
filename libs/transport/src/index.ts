// @logbook/transport: the Raft transport between store members over gRPC.

export { GrpcTransport } from './grpc-transport.ts';
export { DEFAULT_LIMITS, DEFAULT_TIMING } from './options.ts';
export type { GrpcTransportOptions, TransportLimits, TransportTiming } from './options.ts';
export { insecureCredentials } from './credentials.ts';
export type { TransportCredentials } from './credentials.ts';
export { TransportError, TransportConfigError, TransportAssertionError } from './errors.ts';
export type { TransportErrorCode } from './errors.ts';
export { raftServiceDefinition } from './service-definition.ts';
export type { RaftServiceDefinition } from './service-definition.ts';
export type { ExtraService } from './raft-server.ts';
export { inMemorySnapshotPayloads } from './snapshot-payloads.ts';
export type { IncomingSnapshot, OutgoingSnapshot, SnapshotPayloads } from './snapshot-payloads.ts';
