// @logbook/lease: the lessor — a deterministic mirror of committed leases
// that, on the leader, decides keep-alive, remaining TTL and expiry.

export { Lessor, DEFAULT_LESSOR_OPTIONS, type LessorOptions, type KeepAliveResult, type TimeToLiveResult } from './lessor.ts';
export { LeaseNotFoundError, LessorAssertionError, LEASE_NOT_FOUND_MESSAGE } from './errors.ts';
export { ExpiryHeap } from './expiry-heap.ts';
export { spreadExpiries } from './spread-expiries.ts';
