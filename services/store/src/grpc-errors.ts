// Every failure a client can see, translated into the gRPC status and message
// etcd answers with (etcdctl prints the message; client-go matches on it).

import * as grpc from '@grpc/grpc-js';
import { EtcdApiError } from '@logbook/etcd-api';
import { MvccError } from '@logbook/mvcc';
import { ClosedError, LeaderChangedError, NotLeaderError, OutcomeUnknownError, ProposalLostError, ReadTimeoutError, TooManyRequestsError } from '@logbook/raft';

/** An error the store answers with as is: a gRPC status and etcd's text. */
export class StoreError extends Error {
  readonly grpcCode: grpc.status;
  constructor(grpcCode: grpc.status, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StoreError';
    this.grpcCode = grpcCode;
  }
}

export const ETCD_MESSAGES = {
  requestTooLarge: 'etcdserver: request is too large',
  noSpace: 'etcdserver: mvcc: database space exceeded',
  noLeader: 'etcdserver: no leader',
  stopped: 'etcdserver: server stopped',
  timeout: 'etcdserver: request timed out',
  timeoutLeaderFail: 'etcdserver: request timed out, possibly due to previous leader failure',
  leaderChanged: 'etcdserver: leader changed',
  tooManyRequests: 'etcdserver: too many requests',
  leaseNotFound: 'etcdserver: requested lease not found',
  memberNotFound: 'etcdserver: member not found',
  peerUrlExists: 'etcdserver: Peer URLs already exists',
  memberNotLearner: 'etcdserver: can only promote a learner member',
  learnerNotReady: 'etcdserver: can only promote a learner member which is in sync with leader',
  tooManyLearners: 'etcdserver: too many learner members in cluster',
  unhealthy: 'etcdserver: unhealthy cluster',
  notCapable: 'etcdserver: not capable',
  badLeaderTransferee: 'etcdserver: bad leader transferee',
  notLeader: 'etcdserver: not leader',
} as const;

export function storeError(kind: keyof typeof ETCD_MESSAGES, code: grpc.status, cause?: unknown): StoreError {
  return new StoreError(code, ETCD_MESSAGES[kind], cause === undefined ? undefined : { cause });
}

const MVCC_STATUS: Readonly<Record<MvccError['code'], grpc.status>> = {
  InvalidArgument: grpc.status.INVALID_ARGUMENT,
  OutOfRange: grpc.status.OUT_OF_RANGE,
  NotFound: grpc.status.NOT_FOUND,
  FailedPrecondition: grpc.status.FAILED_PRECONDITION,
  ResourceExhausted: grpc.status.RESOURCE_EXHAUSTED,
};

export function toStoreError(err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  if (err instanceof MvccError) return new StoreError(MVCC_STATUS[err.code], err.message, { cause: err });
  if (err instanceof EtcdApiError) return new StoreError(err.grpcStatus, err.message, { cause: err });
  if (err instanceof NotLeaderError) return storeError('noLeader', grpc.status.UNAVAILABLE, err);
  if (err instanceof ClosedError) return storeError('stopped', grpc.status.UNAVAILABLE, err);
  if (err instanceof TooManyRequestsError) return storeError('tooManyRequests', grpc.status.RESOURCE_EXHAUSTED, err);
  if (err instanceof LeaderChangedError) return storeError('leaderChanged', grpc.status.UNAVAILABLE, err);
  if (err instanceof ProposalLostError || err instanceof OutcomeUnknownError) return storeError('timeoutLeaderFail', grpc.status.UNAVAILABLE, err);
  if (err instanceof ReadTimeoutError) return storeError('timeout', grpc.status.UNAVAILABLE, err);
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return storeError('timeout', grpc.status.UNAVAILABLE, err);
  return new StoreError(grpc.status.UNKNOWN, err instanceof Error ? err.message : String(err), { cause: err });
}
