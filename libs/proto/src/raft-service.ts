// The Raft transport service as plain data: its fully qualified name, method
// paths and streaming shape, for a transport to build its RPC definitions
// from. It must match `service Raft` in proto/raft.proto; a test parses the
// .proto and compares, so the two cannot drift apart.

export const RAFT_SERVICE_NAME = 'logbook.raft.v1.Raft';

export interface RpcMethodDescriptor {
  /** The RPC's name as declared in the .proto. */
  readonly name: string;
  /** The HTTP/2 path gRPC uses: `/<package>.<Service>/<Method>`. */
  readonly path: string;
  readonly requestStream: boolean;
  readonly responseStream: boolean;
  /** Fully qualified message type names, without the leading dot. */
  readonly requestType: string;
  readonly responseType: string;
}

export const RAFT_SERVICE_METHODS = {
  send: {
    name: 'Send',
    path: `/${RAFT_SERVICE_NAME}/Send`,
    requestStream: true,
    responseStream: false,
    requestType: 'logbook.raft.v1.Message',
    responseType: 'logbook.raft.v1.SendAck',
  },
  sendSnapshot: {
    name: 'SendSnapshot',
    path: `/${RAFT_SERVICE_NAME}/SendSnapshot`,
    requestStream: true,
    responseStream: false,
    requestType: 'logbook.raft.v1.SnapshotChunk',
    responseType: 'logbook.raft.v1.SnapshotAck',
  },
} as const satisfies Readonly<Record<string, RpcMethodDescriptor>>;
