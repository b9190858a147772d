// The etcd services on the client port's gRPC server (rpc/grpc-server.ts):
// each service is a map from etcd's method names to handlers over raw bytes.
// Requests are decoded in the handler, so a malformed one is answered with
// etcd's status and a message etcdctl prints.

import { ETCD_SERVICES } from '@logbook/etcd-api';
import { GRPC_STATUS, type CallMetadata, type GrpcMethod, type GrpcServer, type StreamCall } from './rpc/grpc-server.ts';
import { StoreError, toStoreError } from './grpc-errors.ts';

/** One etcd service's handlers, by method name (`Range`, `Watch`, ...). */
export type EtcdServiceHandlers = Readonly<Record<string, GrpcMethod>>;

/** A unary handler: decode, serve, encode; any error becomes etcd's status. */
export function unary(serve: (request: Uint8Array, signal: AbortSignal, metadata: CallMetadata) => Promise<Uint8Array> | Uint8Array): GrpcMethod {
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

/** Registers `etcdserverpb.<service>`'s methods; one the handlers lack answers UNIMPLEMENTED. */
export function registerEtcdService(server: GrpcServer, service: string, handlers: EtcdServiceHandlers): void {
  const methods = ETCD_SERVICES[`etcdserverpb.${service}`];
  if (methods === undefined) throw new Error(`unknown etcd service ${service}`);
  for (const m of methods) {
    server.add(
      m.path,
      handlers[m.name] ??
        unary(() => {
          throw new StoreError(GRPC_STATUS.UNIMPLEMENTED, `unknown method ${m.name} for service etcdserverpb.${service}`);
        }),
    );
  }
  for (const name of Object.keys(handlers)) {
    if (!methods.some((m) => m.name === name)) throw new Error(`etcdserverpb.${service} has no method ${name}`);
  }
}
