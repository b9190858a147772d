// Errors of the watch hub. Operational errors carry a gRPC status code name
// (what the etcd Watch service would answer) and a stable `kind`; broken
// invariants throw WatchAssertionError and crash the caller.

export const WATCH_ERROR_CODES = ['InvalidArgument', 'AlreadyExists', 'ResourceExhausted', 'Unavailable'] as const;
export type WatchErrorCode = (typeof WATCH_ERROR_CODES)[number];

export const WATCH_MESSAGES = {
  duplicateWatchId: 'mvcc: duplicate watch ID provided on the WatchStream',
  tooManyWatchers: 'etcdserver: too many watchers',
  hubClosed: 'etcdserver: watch hub closed',
  emptyKey: 'etcdserver: key is not provided',
} as const;

export type WatchErrorKind = keyof typeof WATCH_MESSAGES;

const CODES: Readonly<Record<WatchErrorKind, WatchErrorCode>> = {
  duplicateWatchId: 'AlreadyExists',
  tooManyWatchers: 'ResourceExhausted',
  hubClosed: 'Unavailable',
  emptyKey: 'InvalidArgument',
};

export class WatchError extends Error {
  readonly code: WatchErrorCode;
  /** Stable discriminator for callers (never switch on the message). */
  readonly kind: WatchErrorKind;
  constructor(kind: WatchErrorKind, options?: ErrorOptions) {
    super(WATCH_MESSAGES[kind], options);
    this.name = 'WatchError';
    this.kind = kind;
    this.code = CODES[kind];
  }
}

export class WatchAssertionError extends Error {
  constructor(message: string) {
    super(`watch assertion failed: ${message}`);
    this.name = 'WatchAssertionError';
  }
}

/** Always-on assertion: a broken invariant means a lost or reordered event; crash. */
export function assert(cond: boolean, message: string | (() => string)): asserts cond {
  if (!cond) throw new WatchAssertionError(typeof message === 'string' ? message : message());
}
