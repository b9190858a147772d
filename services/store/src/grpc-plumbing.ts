// The etcd services on the client port's gRPC server (@logbook/grpc-server):
// each service is a map from etcd's method names to handlers over raw bytes.
// Requests are decoded in the handler, so a malformed one is answered with
// etcd's status and a message etcdctl prints.

import { ETCD_SERVICES } from '@logbook/etcd-api';
import type { CallMetadata, GrpcMethod, GrpcServer, StreamCall, UnaryReply } from '@logbook/grpc-server';
import { toStoreError } from './grpc-errors.ts';

/** One etcd service's handlers, by method name (`Range`, `Watch`, ...). */
export type EtcdServiceHandlers = Readonly<Record<string, GrpcMethod>>;

/** A unary handler: decode, serve, encode; any error becomes etcd's status. */
export function unary(serve: (request: Uint8Array, signal: AbortSignal, metadata: CallMetadata) => Promise<Uint8Array | UnaryReply> | Uint8Array | UnaryReply): GrpcMethod {
  return { kind: 'unary', handler: (request, call) => serve(request, call.signal, call.metadata) };
}

/** A streaming handler (client-, server- or bidirectional). */
export function streaming(handler: (call: StreamCall) => void): GrpcMethod {
  return { kind: 'stream', handler };
}

/** The status a client sees for any error a handler throws. */
export function grpcStatusOf(err: unknown): { code: number; message: string } {
  const e = toStoreError(err);
  return { code: e.grpcCode, message: e.message };
}

/**
 * Registers `etcdserverpb.<service>`'s handlers at etcd's method paths (a
 * path with no handler is answered UNIMPLEMENTED by the server itself).
 */
export function registerEtcdService(server: GrpcServer, service: string, handlers: EtcdServiceHandlers): void {
  const methods = ETCD_SERVICES[`etcdserverpb.${service}`];
  if (methods === undefined) throw new Error(`unknown etcd service ${service}`);
  for (const [name, handler] of Object.entries(handlers)) {
    const m = methods.find((x) => x.name === name);
    if (m === undefined) throw new Error(`etcdserverpb.${service} has no method ${name}`);
    server.add(m.path, handler);
  }
}
