// Store-to-store RPCs on the peer port, beside raft's: what one member must
// ask another directly rather than through the log. Lease keep-alives and
// time-to-live are answered by the leader's lessor (as etcd forwards them
// over its peer URL), and Info tells a joining member its id and lets
// MemberList show every member's name and client URLs. Messages are small
// JSON documents: this is an internal, versioned-with-the-binary protocol.

import * as grpc from '@grpc/grpc-js';
import { GrpcStatusError, type GrpcMethod } from '@logbook/grpc-server';
import type { ExtraService } from '@logbook/transport';
import { StoreError } from './grpc-errors.ts';

export interface PeerInfo {
  readonly id: number;
  readonly name: string;
  readonly clientUrls: readonly string[];
  readonly peerUrls: readonly string[];
  /** The raft membership as this member knows it: id -> peer host:port. */
  readonly members: readonly { readonly id: number; readonly address: string; readonly isLearner: boolean }[];
}

export interface PeerHandlers {
  info(): PeerInfo;
  /** Throws StoreError (lease not found, not leader). */
  leaseKeepAlive(id: number): Promise<{ ttl: number }>;
  leaseTimeToLive(id: number): Promise<{ grantedTtl: number; remainingTtl: number }>;
}

const MAX_PEER_MESSAGE_BYTES = 4 * 1024 * 1024;
const SERVICE = '/logbook.store.v1.Peer';
type Method = 'Info' | 'LeaseKeepAlive' | 'LeaseTimeToLive';

const encode = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));
const decode = (b: Buffer): unknown => {
  if (b.byteLength > MAX_PEER_MESSAGE_BYTES) throw new Error(`peer message of ${b.byteLength} bytes exceeds ${MAX_PEER_MESSAGE_BYTES}`);
  return JSON.parse(b.toString('utf8')) as unknown;
};

function leaseIdOf(req: unknown): number {
  const id = (req as { id?: unknown } | null)?.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) throw new StoreError(grpc.status.INVALID_ARGUMENT, 'peer request needs an integer lease id');
  return id;
}

/** A unary method answering JSON with JSON; a StoreError becomes its gRPC status. */
function unary(work: (request: unknown) => unknown): GrpcMethod {
  return {
    kind: 'unary',
    handler: async (bytes) => {
      try {
        return encode(await work(decode(bytes)));
      } catch (err) {
        throw err instanceof StoreError ? new GrpcStatusError(err.grpcCode, err.message) : err;
      }
    },
  };
}

export function peerService(h: PeerHandlers): ExtraService {
  const methods: Record<`${typeof SERVICE}/${Method}`, GrpcMethod> = {
    [`${SERVICE}/Info`]: unary(() => h.info()),
    [`${SERVICE}/LeaseKeepAlive`]: unary((req) => h.leaseKeepAlive(leaseIdOf(req))),
    [`${SERVICE}/LeaseTimeToLive`]: unary((req) => h.leaseTimeToLive(leaseIdOf(req))),
  };
  return { methods };
}

/** Calls into other members' peer services, one cached channel per address. */
export class PeerClients {
  readonly #clients = new Map<string, grpc.Client>();
  readonly #credentials: grpc.ChannelCredentials;

  constructor(credentials: grpc.ChannelCredentials = grpc.credentials.createInsecure()) {
    this.#credentials = credentials;
  }

  call<T>(address: string, method: Method, request: unknown, timeoutMs: number): Promise<T> {
    let client = this.#clients.get(address);
    if (client === undefined) {
      client = new grpc.Client(address, this.#credentials, { 'grpc.max_receive_message_length': MAX_PEER_MESSAGE_BYTES });
      this.#clients.set(address, client);
    }
    const c = client;
    return new Promise<T>((resolve, reject) => {
      c.makeUnaryRequest(`${SERVICE}/${method}`, encode, decode, request, { deadline: Date.now() + timeoutMs }, (err, value) => {
        if (err !== null) reject(new StoreError(err.code, err.details, { cause: err }));
        else resolve(value as T);
      });
    });
  }

  close(): void {
    for (const c of this.#clients.values()) c.close();
    this.#clients.clear();
  }
}
