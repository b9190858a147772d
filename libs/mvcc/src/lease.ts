// Lease grant / revoke / expire. Leases carry no clock here: the TTL is data,
// and the decision that a lease expired is the leader's, committed as a
// LeaseExpire entry, so every member deletes the same keys at the same
// revision. (Keep-alive and remaining TTL are the lessor's, outside the log.)

import type { LeaseExpireRequest, LeaseExpireResponse, LeaseGrantRequest, LeaseGrantResponse, LeaseId, LeaseRevokeRequest, LeaseRevokeResponse } from './types.ts';
import type { WriteContext } from './write-context.ts';
import { MvccError } from './errors.ts';
import { deleteKey } from './kv-writes.ts';
import { deleteLease, firstAttachedKeys, getLease, putLease } from './lease-table.ts';

export interface LeaseLimits {
  /** Shorter grants are raised to this (etcd derives it from the election timeout). */
  readonly minLeaseTtl: number;
  /** etcd's MaxLeaseTTL: longer grants are refused. */
  readonly maxLeaseTtl: number;
}

/** Keys deleted per backend scan while revoking (bounds the per-scan buffer). */
const REVOKE_BATCH = 256;

export function leaseGrant(ctx: WriteContext, req: LeaseGrantRequest, limits: LeaseLimits): LeaseGrantResponse {
  if (req.ttl > limits.maxLeaseTtl) throw new MvccError('leaseTtlTooLarge');
  if (getLease(ctx.txn, req.id) !== undefined) throw new MvccError('leaseExists');
  const ttl = Math.max(req.ttl, limits.minLeaseTtl);
  putLease(ctx.txn, req.id, ttl, ctx.current);
  return { header: { revision: ctx.current }, id: req.id, ttl };
}

/** Delete every attached key (all at this entry's revision), then the lease. */
function revoke(ctx: WriteContext, id: LeaseId): void {
  for (;;) {
    const keys = firstAttachedKeys(ctx.txn, id, REVOKE_BATCH);
    if (keys.length === 0) break;
    for (const key of keys) deleteKey(ctx, key);
  }
  deleteLease(ctx.txn, id);
}

export function leaseRevoke(ctx: WriteContext, req: LeaseRevokeRequest): LeaseRevokeResponse {
  if (getLease(ctx.txn, req.id) === undefined) throw new MvccError('leaseNotFound');
  revoke(ctx, req.id);
  return { header: { revision: ctx.current } };
}

export function leaseExpire(ctx: WriteContext, req: LeaseExpireRequest): LeaseExpireResponse {
  const expired: LeaseId[] = [];
  for (const id of req.ids) {
    if (getLease(ctx.txn, id) === undefined) continue;
    revoke(ctx, id);
    expired.push(id);
  }
  return { header: { revision: ctx.current }, expired };
}
