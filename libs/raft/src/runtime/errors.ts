// Operational errors of the runtime (the core's own live in core/errors.ts).
// Each has a stable `code`; callers switch on the class or the code.

export type RuntimeErrorCode =
  | 'closed'
  | 'too-many-requests'
  | 'proposal-lost'
  | 'outcome-unknown'
  | 'leader-changed'
  | 'read-timeout'
  | 'transfer-failed';

export class RuntimeError extends Error {
  readonly code: RuntimeErrorCode;
  constructor(code: RuntimeErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RuntimeError';
    this.code = code;
  }
}

/** The member is closed or closing; nothing more will be applied here. */
export class ClosedError extends RuntimeError {
  constructor(options?: ErrorOptions) {
    super('closed', 'raft member is closed', options);
    this.name = 'ClosedError';
  }
}

/** The bound on pending proposals or reads is reached; retry later (HTTP 429). */
export class TooManyRequestsError extends RuntimeError {
  readonly limit: number;
  constructor(what: 'proposals' | 'reads', limit: number) {
    super('too-many-requests', `too many pending ${what} (limit ${limit})`);
    this.name = 'TooManyRequestsError';
    this.limit = limit;
  }
}

/** A different entry was applied at the index the proposal had been given: it never committed. */
export class ProposalLostError extends RuntimeError {
  readonly index: number;
  constructor(index: number) {
    super('proposal-lost', `proposal was replaced at index ${index} after a leader change`);
    this.name = 'ProposalLostError';
    this.index = index;
  }
}

/**
 * The proposal's index was covered by a snapshot received from the leader, so
 * whether it was applied (and its result) cannot be known here.
 */
export class OutcomeUnknownError extends RuntimeError {
  constructor(index: number) {
    super('outcome-unknown', `the outcome of the proposal at index ${index} is unknown (replaced by a snapshot)`);
    this.name = 'OutcomeUnknownError';
  }
}

/** The leader changed before a read barrier was confirmed; retry. */
export class LeaderChangedError extends RuntimeError {
  constructor() {
    super('leader-changed', 'leader changed before the read index was confirmed');
    this.name = 'LeaderChangedError';
  }
}

/** No read index was confirmed within the runtime's bound (two election timeouts); retry. */
export class ReadTimeoutError extends RuntimeError {
  constructor(ticks: number) {
    super('read-timeout', `read index not confirmed within ${ticks} ticks`);
    this.name = 'ReadTimeoutError';
  }
}

export class TransferFailedError extends RuntimeError {
  constructor(reason: string) {
    super('transfer-failed', `leader transfer failed: ${reason}`);
    this.name = 'TransferFailedError';
  }
}

/** The reason an AbortSignal gives, as an Error (abort(reason) accepts anything). */
export function abortReason(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  return r instanceof Error ? r : new Error('aborted', { cause: r });
}
