// etcd's well-known server errors: the gRPC status code and the exact message
// etcd answers with. The messages are part of the wire contract, not prose:
// etcdctl prints them, and etcd's Go client maps an error back to its typed
// value by comparing the message text (clientv3's rpctypes.Error), so a
// Logbook store must send these strings byte for byte.
//
// Codes are etcd 3.6's. etcd <= 3.5 answered `notCapable` and
// `notSupportedForLearner` with Unavailable; 3.6 made them FailedPrecondition
// so clients stop retrying a request that cannot succeed. Auth-management
// errors are left out: the store does not serve the Auth service.

/** gRPC status codes, by the names grpc-go and @grpc/grpc-js use. */
export const GRPC_CODES = {
  OK: 0,
  Canceled: 1,
  Unknown: 2,
  InvalidArgument: 3,
  DeadlineExceeded: 4,
  NotFound: 5,
  AlreadyExists: 6,
  PermissionDenied: 7,
  ResourceExhausted: 8,
  FailedPrecondition: 9,
  Aborted: 10,
  OutOfRange: 11,
  Unimplemented: 12,
  Internal: 13,
  Unavailable: 14,
  DataLoss: 15,
  Unauthenticated: 16,
} as const;
export type GrpcCodeName = keyof typeof GRPC_CODES;

const E = (code: GrpcCodeName, message: string): { readonly codeName: GrpcCodeName; readonly message: string } => ({ codeName: code, message });

/** Name -> gRPC code name and etcd's message. */
const TABLE = {
  // ---- requests ----
  emptyKey: E('InvalidArgument', 'etcdserver: key is not provided'),
  keyNotFound: E('InvalidArgument', 'etcdserver: key not found'),
  valueProvided: E('InvalidArgument', 'etcdserver: value is provided'),
  leaseProvided: E('InvalidArgument', 'etcdserver: lease is provided'),
  tooManyOps: E('InvalidArgument', 'etcdserver: too many operations in txn request'),
  duplicateKey: E('InvalidArgument', 'etcdserver: duplicate key given in txn request'),
  invalidSortOption: E('InvalidArgument', 'etcdserver: invalid sort option'),
  requestTooLarge: E('InvalidArgument', 'etcdserver: request is too large'),
  tooManyRequests: E('ResourceExhausted', 'etcdserver: too many requests'),
  // ---- MVCC ----
  compacted: E('OutOfRange', 'etcdserver: mvcc: required revision has been compacted'),
  futureRev: E('OutOfRange', 'etcdserver: mvcc: required revision is a future revision'),
  noSpace: E('ResourceExhausted', 'etcdserver: mvcc: database space exceeded'),
  // ---- leases ----
  leaseNotFound: E('NotFound', 'etcdserver: requested lease not found'),
  leaseExist: E('FailedPrecondition', 'etcdserver: lease already exists'),
  leaseTtlTooLarge: E('OutOfRange', 'etcdserver: too large lease TTL'),
  // ---- watch ----
  watchCanceled: E('Canceled', 'etcdserver: watch canceled'),
  // ---- membership ----
  memberExist: E('FailedPrecondition', 'etcdserver: member ID already exist'),
  peerUrlExist: E('FailedPrecondition', 'etcdserver: Peer URLs already exists'),
  memberNotEnoughStarted: E('FailedPrecondition', 'etcdserver: re-configuration failed due to not enough started members'),
  memberBadUrls: E('InvalidArgument', 'etcdserver: given member URLs are invalid'),
  memberNotFound: E('NotFound', 'etcdserver: member not found'),
  memberNotLearner: E('FailedPrecondition', 'etcdserver: can only promote a learner member'),
  learnerNotReady: E('FailedPrecondition', 'etcdserver: can only promote a learner member which is in sync with leader'),
  tooManyLearners: E('FailedPrecondition', 'etcdserver: too many learner members in cluster'),
  clusterIdMismatch: E('FailedPrecondition', 'etcdserver: cluster ID mismatch'),
  // ---- auth (as seen by a client of a store without auth) ----
  permissionDenied: E('PermissionDenied', 'etcdserver: permission denied'),
  invalidAuthToken: E('Unauthenticated', 'etcdserver: invalid auth token'),
  authNotEnabled: E('FailedPrecondition', 'etcdserver: authentication is not enabled'),
  authFailed: E('InvalidArgument', 'etcdserver: authentication failed, invalid user ID or password'),
  // ---- leadership and availability ----
  noLeader: E('Unavailable', 'etcdserver: no leader'),
  notLeader: E('FailedPrecondition', 'etcdserver: not leader'),
  leaderChanged: E('Unavailable', 'etcdserver: leader changed'),
  notCapable: E('FailedPrecondition', 'etcdserver: not capable'),
  stopped: E('Unavailable', 'etcdserver: server stopped'),
  timeout: E('Unavailable', 'etcdserver: request timed out'),
  timeoutDueToLeaderFail: E('Unavailable', 'etcdserver: request timed out, possibly due to previous leader failure'),
  timeoutDueToConnectionLost: E('Unavailable', 'etcdserver: request timed out, possibly due to connection lost'),
  timeoutWaitAppliedIndex: E('Unavailable', 'etcdserver: request timed out, waiting for the applied index took too long'),
  unhealthy: E('Unavailable', 'etcdserver: unhealthy cluster'),
  corrupt: E('DataLoss', 'etcdserver: corrupt cluster'),
  notSupportedForLearner: E('FailedPrecondition', 'etcdserver: rpc not supported for learner'),
  badLeaderTransferee: E('FailedPrecondition', 'etcdserver: bad leader transferee'),
  // ---- request lifetime ----
  canceled: E('Canceled', 'etcdserver: request canceled'),
  deadlineExceeded: E('DeadlineExceeded', 'etcdserver: context deadline exceeded'),
} as const;

export type EtcdErrorName = keyof typeof TABLE;

/** What the store answers with: the numeric gRPC status, its name, and etcd's exact message. */
export interface EtcdServerError {
  readonly code: number;
  readonly codeName: GrpcCodeName;
  readonly message: string;
}

export const ETCD_ERROR_NAMES: readonly EtcdErrorName[] = Object.freeze(Object.keys(TABLE) as EtcdErrorName[]);

export const ETCD_ERRORS: Readonly<Record<EtcdErrorName, EtcdServerError>> = Object.freeze(
  Object.fromEntries(
    ETCD_ERROR_NAMES.map((name) => {
      const e = TABLE[name];
      return [name, Object.freeze({ code: GRPC_CODES[e.codeName], codeName: e.codeName, message: e.message })];
    }),
  ) as Record<EtcdErrorName, EtcdServerError>,
);

/** The status and message etcd answers with for `name`. */
export function etcdError(name: EtcdErrorName): EtcdServerError {
  return ETCD_ERRORS[name];
}

const BY_MESSAGE: ReadonlyMap<string, EtcdErrorName> = new Map(ETCD_ERROR_NAMES.map((n) => [TABLE[n].message, n]));

/**
 * The client side: which well-known error a status message is, as etcd's own
 * client decides it (by exact message). `undefined` for any other text.
 */
export function etcdErrorName(message: string): EtcdErrorName | undefined {
  return BY_MESSAGE.get(message);
}
