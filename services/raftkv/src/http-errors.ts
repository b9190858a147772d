// Translation of operational errors into HTTP answers, in one place. Raft and
// runtime errors are matched by class and code, never by message.

import { NotLeaderError, ProposalDroppedError, RaftError, RuntimeError, TooLargeError } from '@logbook/raft';

export interface HttpError {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  /** Seconds, for 429 and 503 answers the client should retry. */
  readonly retryAfterSeconds?: number;
  /** The leader this member knows of, when it matters to the client. */
  readonly leader?: number;
}

/** An error of the client's request itself (bad key, body too large...). */
export class BadRequestError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: 400 | 404 | 405 | 413 | 415, code: string, message: string) {
    super(message);
    this.name = 'BadRequestError';
    this.status = status;
    this.code = code;
  }
}

export function toHttpError(err: unknown): HttpError {
  if (err instanceof BadRequestError) return { status: err.status, code: err.code, message: err.message };
  if (err instanceof RuntimeError) {
    switch (err.code) {
      case 'too-many-requests':
        return { status: 429, code: err.code, message: err.message, retryAfterSeconds: 1 };
      case 'outcome-unknown':
        return { status: 504, code: err.code, message: err.message };
      case 'closed':
      case 'proposal-lost':
      case 'leader-changed':
      case 'read-timeout':
      case 'transfer-failed':
        return { status: 503, code: err.code, message: err.message, retryAfterSeconds: 1 };
    }
  }
  if (err instanceof TooLargeError) return { status: 413, code: err.code, message: err.message };
  if (err instanceof NotLeaderError) return { status: 503, code: err.code, message: err.message, retryAfterSeconds: 1, leader: err.leader };
  if (err instanceof ProposalDroppedError) return { status: 503, code: err.code, message: err.message, retryAfterSeconds: 1 };
  if (err instanceof RaftError) return { status: 503, code: err.code, message: err.message, retryAfterSeconds: 1 };
  if (err instanceof DOMException && err.name === 'TimeoutError') {
    // The write may still commit: the client cannot know, as with any timeout.
    return { status: 504, code: 'timeout', message: 'request timed out waiting for raft' };
  }
  return { status: 500, code: 'internal', message: 'internal error' };
}
