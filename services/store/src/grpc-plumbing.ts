// The etcd services as raw-bytes gRPC definitions. Requests are decoded in
// the handler, not by grpc-js: grpc-js would answer a decode failure with a
// bare INTERNAL and hide why, while etcd answers with a status and a message
// that etcdctl prints.

import type * as grpc from '@grpc/grpc-js';
import { ETCD_SERVICES } from '@logbook/etcd-api';
import { toServiceError } from './grpc-errors.ts';

const asBuffer = (b: Uint8Array): Buffer => (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength));
const identity = (b: Buffer): Buffer => b;

/** `etcdserverpb.KV` etc. with Buffer in and out; handler names are the method names. */
export function rawServiceDefinition(service: string): grpc.ServiceDefinition {
  const methods = ETCD_SERVICES[`etcdserverpb.${service}`];
  if (methods === undefined) throw new Error(`unknown etcd service ${service}`);
  const def: Record<string, grpc.MethodDefinition<Buffer, Buffer>> = {};
  for (const m of methods) {
    def[m.name] = {
      path: m.path,
      requestStream: m.requestStream,
      responseStream: m.responseStream,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
      originalName: m.name,
    };
  }
  return def;
}

/** A unary handler: decode, serve, encode; any error becomes etcd's status. */
export function unary(
  serve: (request: Uint8Array, signal: AbortSignal, metadata: grpc.Metadata) => Promise<Uint8Array> | Uint8Array,
): grpc.handleUnaryCall<Buffer, Buffer> {
  return (call, callback) => {
    const ac = new AbortController();
    call.on('cancelled', () => ac.abort(new Error('cancelled by the client')));
    Promise.resolve()
      .then(() => serve(call.request, ac.signal, call.metadata))
      .then(
        (bytes) => callback(null, asBuffer(bytes)),
        (err: unknown) => callback(toServiceError(err)),
      );
  };
}

export { asBuffer };
