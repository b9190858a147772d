// Operational errors of the transport. Each has a stable `code`.

export type TransportErrorCode =
  /** The options are invalid; `problems` lists every one. */
  | 'config-invalid'
  /** The server could not bind its listen address. */
  | 'bind-failed'
  /** start() was called twice, or send() before start(). */
  | 'not-started'
  | 'already-started';

export class TransportError extends Error {
  readonly code: TransportErrorCode;
  constructor(code: TransportErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TransportError';
    this.code = code;
  }
}

export class TransportConfigError extends TransportError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super('config-invalid', `invalid transport options: ${problems.join('; ')}`);
    this.name = 'TransportConfigError';
    this.problems = problems;
  }
}

/** A broken invariant: a bug on this side. Never caught. */
export class TransportAssertionError extends Error {
  constructor(message: string) {
    super(`transport assertion failed: ${message}`);
    this.name = 'TransportAssertionError';
  }
}

export function assert(cond: boolean, message: string | (() => string)): asserts cond {
  if (!cond) throw new TransportAssertionError(typeof message === 'string' ? message : message());
}
