// Errors of the MVCC state machine. `code` is the gRPC status code name the
// etcd server returns for the same failure; `message` is etcd's exact text
// (clients such as etcdctl and client-go match on it). Failed assertions are
// a different kind: they throw MvccAssertionError and crash the caller.

export const MVCC_ERROR_CODES = ['InvalidArgument', 'OutOfRange', 'NotFound', 'FailedPrecondition', 'ResourceExhausted'] as const;
export type MvccErrorCode = (typeof MVCC_ERROR_CODES)[number];

export const MVCC_MESSAGES = {
  compacted: 'etcdserver: mvcc: required revision has been compacted',
  futureRevision: 'etcdserver: mvcc: required revision is a future revision',
  leaseNotFound: 'etcdserver: requested lease not found',
  leaseExists: 'etcdserver: lease already exists',
  leaseTtlTooLarge: 'etcdserver: too large lease TTL',
  duplicateKey: 'etcdserver: duplicate key given in txn request',
  tooManyOps: 'etcdserver: too many operations in txn request',
  emptyKey: 'etcdserver: key is not provided',
  keyNotFound: 'etcdserver: key not found',
  valueProvided: 'etcdserver: value is provided',
  leaseProvided: 'etcdserver: lease is provided',
  invalidSortOption: 'etcdserver: invalid sort option',
  noSpace: 'etcdserver: mvcc: database space exceeded',
} as const;

export type MvccErrorKind = keyof typeof MVCC_MESSAGES;

const CODES: Readonly<Record<MvccErrorKind, MvccErrorCode>> = {
  compacted: 'OutOfRange',
  futureRevision: 'OutOfRange',
  leaseNotFound: 'NotFound',
  leaseExists: 'FailedPrecondition',
  leaseTtlTooLarge: 'OutOfRange',
  duplicateKey: 'InvalidArgument',
  tooManyOps: 'InvalidArgument',
  emptyKey: 'InvalidArgument',
  keyNotFound: 'InvalidArgument',
  valueProvided: 'InvalidArgument',
  leaseProvided: 'InvalidArgument',
  invalidSortOption: 'InvalidArgument',
  noSpace: 'ResourceExhausted',
};

export class MvccError extends Error {
  readonly code: MvccErrorCode;
  /** Stable discriminator for callers (never switch on the message). */
  readonly kind: MvccErrorKind | 'invalidRequest';
  constructor(kind: MvccErrorKind, options?: ErrorOptions);
  constructor(kind: 'invalidRequest', options: ErrorOptions | undefined, message: string);
  constructor(kind: MvccErrorKind | 'invalidRequest', options?: ErrorOptions, message?: string) {
    super(kind === 'invalidRequest' ? `etcdserver: ${message ?? 'invalid request'}` : MVCC_MESSAGES[kind], options);
    this.name = 'MvccError';
    this.kind = kind;
    this.code = kind === 'invalidRequest' ? 'InvalidArgument' : CODES[kind];
  }
}

/** A malformed request that etcd's protobuf typing would have made impossible. */
export function invalidRequest(message: string): MvccError {
  return new MvccError('invalidRequest', undefined, message);
}

export class MvccAssertionError extends Error {
  constructor(message: string) {
    super(`mvcc assertion failed: ${message}`);
    this.name = 'MvccAssertionError';
  }
}

/** Always-on assertion: a broken invariant means corrupt state; crash. */
export function assert(cond: boolean, message: string | (() => string)): asserts cond {
  if (!cond) throw new MvccAssertionError(typeof message === 'string' ? message : message());
}
