// Operational errors of a storage backend. Each has a stable `code`; callers
// switch on the class or the code, never on the message.

export type BackendErrorCode =
  /** The backend was closed; no operation runs after close(). */
  | 'closed'
  /** A key is empty or longer than MAX_KEY_BYTES. */
  | 'invalid-key'
  /** A write callback returned a promise, or another misuse of the API. */
  | 'invalid-argument'
  /** read() or write() called from inside a write callback. */
  | 'nested-txn'
  /** A ReadTxn/WriteTxn (or a range iterable from it) used after its callback returned. */
  | 'txn-ended'
  /** restore() got pairs out of strict ascending key order; nothing was replaced. */
  | 'restore-order'
  /** restore() called while another restore() is running. */
  | 'restore-in-progress'
  /** The engine itself failed (I/O, map full, ...); `cause` holds its error. */
  | 'failed';

export class BackendError extends Error {
  readonly code: BackendErrorCode;
  constructor(code: BackendErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BackendError';
    this.code = code;
  }
}

export class BackendClosedError extends BackendError {
  constructor(operation: string) {
    super('closed', `backend is closed (${operation})`);
    this.name = 'BackendClosedError';
  }
}
