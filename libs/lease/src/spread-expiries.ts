// After a promote every lease restarts its TTL at the same instant, so leases
// with equal TTLs would all lapse in the same millisecond and the first
// expiry sweep would spend the whole revoke budget on them (etcd spreads them
// for the same reason, at three quarters of its revoke rate). Our rule:
// walking in expiry order, consecutive expiries are at least 1000/perSec ms
// apart. It only ever postpones an expiry, never advances one, and a lease is
// postponed by at most (number of leases before it) / perSec seconds.

import type { LeaseId } from '@logbook/mvcc';

export function spreadExpiries(leases: { readonly id: LeaseId; expiryMs: number }[], perSec: number): void {
  leases.sort((a, b) => a.expiryMs - b.expiryMs || a.id - b.id);
  const gapMs = 1000 / perSec;
  let prev = -Infinity;
  for (const l of leases) {
    if (l.expiryMs < prev + gapMs) l.expiryMs = prev + gapMs;
    prev = l.expiryMs;
  }
}
