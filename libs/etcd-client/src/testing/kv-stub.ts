// A tiny grpc-js server standing in for a store's KV service: each method
// answers one fixed reply and records the metadata of every call. For tests
// of what a client sends (real etcd ignores metadata and cannot show it).

import * as grpc from '@grpc/grpc-js';
import { ETCD_SERVICES } from '@logbook/etcd-api';

export interface RecordedCall {
  readonly method: string;
  readonly metadata: grpc.Metadata;
}

export interface KvStub {
  /** host:port to connect a client to. */
  readonly endpoint: string;
  /** Every call received, in order. */
  readonly calls: RecordedCall[];
  close(): void;
}

const identity = (b: Buffer): Buffer => b;

/** Starts the stub on a free loopback port; `replies` maps KV method names (Put, Range, Txn, ...) to encoded responses. */
export async function startKvStub(replies: Readonly<Record<string, Uint8Array>>): Promise<KvStub> {
  const server = new grpc.Server();
  const calls: RecordedCall[] = [];
  const definition: Record<string, grpc.MethodDefinition<Buffer, Buffer>> = {};
  const handlers: grpc.UntypedServiceImplementation = {};
  for (const [name, reply] of Object.entries(replies)) {
    const m = ETCD_SERVICES['etcdserverpb.KV']!.find((x) => x.name === name);
    if (m === undefined) throw new RangeError(`no KV method ${name}`);
    definition[name] = { path: m.path, requestStream: false, responseStream: false, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity };
    const handler: grpc.handleUnaryCall<Buffer, Buffer> = (call, cb) => {
      calls.push({ method: name, metadata: call.metadata });
      cb(null, Buffer.from(reply));
    };
    handlers[name] = handler;
  }
  server.addService(definition, handlers);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e === null ? resolve(p) : reject(e))),
  );
  return { endpoint: `127.0.0.1:${port}`, calls, close: () => server.forceShutdown() };
}
