// Errors of the lessor. LeaseNotFoundError is an operational error the etcd
// API layer translates to gRPC NotFound with etcd's exact text (clients such
// as etcdctl and client-go match on it). Failed assertions are a different
// kind: they throw LessorAssertionError and crash the caller, because a
// mirror that disagrees with committed state cannot be trusted to expire
// anything.

import type { LeaseId } from '@logbook/mvcc';

export const LEASE_NOT_FOUND_MESSAGE = 'etcdserver: requested lease not found';

export class LeaseNotFoundError extends Error {
  /** gRPC status code name, as etcd returns it. */
  readonly code = 'NotFound' as const;
  readonly leaseId: LeaseId;
  constructor(leaseId: LeaseId, options?: ErrorOptions) {
    super(LEASE_NOT_FOUND_MESSAGE, options);
    this.name = 'LeaseNotFoundError';
    this.leaseId = leaseId;
  }
}

export class LessorAssertionError extends Error {
  constructor(message: string) {
    super(`lessor assertion failed: ${message}`);
    this.name = 'LessorAssertionError';
  }
}

/** Always-on assertion: a broken invariant means the mirror is wrong; crash. */
export function assert(cond: boolean, message: string | (() => string)): asserts cond {
  if (!cond) throw new LessorAssertionError(typeof message === 'string' ? message : message());
}
