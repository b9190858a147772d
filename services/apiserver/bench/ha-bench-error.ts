// The one operational error of `npm run bench:ha`: a cluster that would not
// start or stop, a state file it cannot read, a replica it cannot kill or
// bring back. The code says which; the cause keeps the underlying error.

export type HaBenchErrorCode = 'cluster-up' | 'cluster-down' | 'cluster-state' | 'replica';

export class HaBenchError extends Error {
  readonly code: HaBenchErrorCode;

  constructor(code: HaBenchErrorCode, message: string, o: { readonly cause?: unknown } = {}) {
    super(message, o.cause === undefined ? undefined : { cause: o.cause });
    this.name = 'HaBenchError';
    this.code = code;
  }
}
