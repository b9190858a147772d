// Errors of the NATS publisher. Publishing failures are operational: they
// carry a stable `code` and the client's error as `cause`, are logged, and
// the publisher retries from its cursor. A failed assertion means the
// publisher would send a wrong gap chain or skip a revision; it crashes.

export const PUBLISHER_ERROR_CODES = [
  /** No connection to NATS right now (never connected, or reconnecting). */
  'notConnected',
  /** connect() failed (refused, timed out, or the server rejected us). */
  'connectFailed',
  /** publish() threw (e.g. the client refused the payload). */
  'publishFailed',
  /** flush() rejected: the connection dropped before the server confirmed. */
  'flushFailed',
  /** flush() did not complete within flushTimeoutMs. */
  'flushTimeout',
] as const;
export type PublisherErrorCode = (typeof PUBLISHER_ERROR_CODES)[number];

export class NatsPublisherError extends Error {
  readonly code: PublisherErrorCode;
  constructor(code: PublisherErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'NatsPublisherError';
    this.code = code;
  }
}

export class NatsPublisherAssertionError extends Error {
  constructor(message: string) {
    super(`nats-publisher assertion failed: ${message}`);
    this.name = 'NatsPublisherAssertionError';
  }
}

/** Always-on assertion. */
export function assert(cond: boolean, message: string | (() => string)): asserts cond {
  if (!cond) throw new NatsPublisherAssertionError(typeof message === 'string' ? message : message());
}
