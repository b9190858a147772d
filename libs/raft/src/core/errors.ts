// Operational errors of the core. Each has a stable `code`; callers switch on
// the class or the code, never on the message.

import type { NodeId } from './types.ts';

export type RaftErrorCode =
  | 'compacted'
  | 'unavailable'
  | 'snapshot-out-of-date'
  | 'snapshot-temporarily-unavailable'
  | 'proposal-dropped'
  | 'not-leader'
  | 'too-large'
  | 'step-local-message'
  | 'step-peer-not-found'
  | 'config-invalid';

export class RaftError extends Error {
  readonly code: RaftErrorCode;
  constructor(code: RaftErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RaftError';
    this.code = code;
  }
}

/** The requested index is older than the storage's first index. */
export class CompactedError extends RaftError {
  constructor() {
    super('compacted', 'requested index is unavailable due to compaction');
    this.name = 'CompactedError';
  }
}

/** The requested index is beyond the storage's last index. */
export class UnavailableError extends RaftError {
  constructor() {
    super('unavailable', 'requested entry at index is unavailable');
    this.name = 'UnavailableError';
  }
}

export class SnapshotOutOfDateError extends RaftError {
  constructor() {
    super('snapshot-out-of-date', 'requested index is older than the existing snapshot');
    this.name = 'SnapshotOutOfDateError';
  }
}

/** Storage cannot produce a snapshot right now; the leader retries later. */
export class SnapshotTemporarilyUnavailableError extends RaftError {
  constructor() {
    super('snapshot-temporarily-unavailable', 'snapshot is temporarily unavailable');
    this.name = 'SnapshotTemporarilyUnavailableError';
  }
}

/** A proposal was refused: a limit was hit, a transfer is in progress, or a conf change is pending. */
export class ProposalDroppedError extends RaftError {
  readonly reason: string;
  constructor(reason: string) {
    super('proposal-dropped', `raft proposal dropped: ${reason}`);
    this.name = 'ProposalDroppedError';
    this.reason = reason;
  }
}

/** This member cannot accept the request; `leader` is the known leader or 0. */
export class NotLeaderError extends RaftError {
  readonly leader: NodeId;
  constructor(leader: NodeId) {
    super('not-leader', leader === 0 ? 'no leader is known' : `not the leader; leader is ${leader}`);
    this.name = 'NotLeaderError';
    this.leader = leader;
  }
}

/** A single proposal larger than the configured maximum. */
export class TooLargeError extends RaftError {
  constructor(sizeBytes: number, maxBytes: number) {
    super('too-large', `proposal of ${sizeBytes} bytes exceeds the limit of ${maxBytes} bytes`);
    this.name = 'TooLargeError';
  }
}

export class ConfigError extends RaftError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super('config-invalid', `invalid raft config: ${problems.join('; ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** A broken invariant. Never caught: the process crashes and recovers from its WAL. */
export class AssertionError extends Error {
  constructor(message: string) {
    super(`raft assertion failed: ${message}`);
    this.name = 'RaftAssertionError';
  }
}

export function assert(cond: boolean, message: string | (() => string)): asserts cond {
  if (!cond) throw new AssertionError(typeof message === 'string' ? message : message());
}
