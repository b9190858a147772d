// A minimal etcd KV.Put client over gRPC for write load: etcdctl costs a
// process per write, which is far too slow to keep writes in flight while a
// leader dies. One channel per endpoint; each call has its own deadline.

import { Client, credentials, status as grpcStatus, type ServiceError } from '@grpc/grpc-js';

import { decodeResponseHeader, encodePutRequest } from './proto-wire.ts';

const PUT = '/etcdserverpb.KV/Put';

export type PutOutcome =
  | { readonly ok: true; readonly revision: number; readonly memberId: bigint }
  | { readonly ok: false; readonly code: string; readonly details: string };

const identity = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

export class PutClient {
  readonly endpoint: string;
  readonly #client: Client;

  /** `endpoint`: `http://host:port` or `host:port`. */
  constructor(endpoint: string) {
    this.endpoint = endpoint;
    // Reconnect quickly: a restarted member should take writes again within the test's patience.
    this.#client = new Client(endpoint.replace(/^https?:\/\//, ''), credentials.createInsecure(), {
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 500,
    });
  }

  put(key: string, value: string, timeoutMs: number): Promise<PutOutcome> {
    return new Promise((resolve) => {
      this.#client.makeUnaryRequest<Uint8Array, Buffer>(
        PUT,
        identity,
        (b: Buffer) => b,
        encodePutRequest(Buffer.from(key), Buffer.from(value)),
        { deadline: Date.now() + timeoutMs },
        (err: ServiceError | null, response?: Buffer) => {
          if (err !== null) {
            resolve({ ok: false, code: grpcStatus[err.code] ?? String(err.code), details: err.details });
            return;
          }
          if (response === undefined) {
            resolve({ ok: false, code: 'INTERNAL', details: 'empty response' });
            return;
          }
          const header = decodeResponseHeader(response);
          resolve({ ok: true, revision: header.revision, memberId: header.memberId });
        },
      );
    });
  }

  close(): void {
    this.#client.close();
  }
}
