// The lessor: a mirror of the committed leases plus, on the leader only, the
// clock-driven part etcd keeps outside the log (expiry times, keep-alive,
// remaining TTL). It is pure and deterministic: no timers and no clock of its
// own; every call that needs the time takes `nowMs` from the caller's
// injected monotonic clock. Expiry is the leader's decision: it reports ids
// from `expiredLeases`, the server proposes a LeaseExpire entry, and every
// member (the leader included) learns of the outcome through `expired`.

import type { LeaseId } from '@logbook/mvcc';
import { ExpiryHeap } from './expiry-heap.ts';
import { LeaseNotFoundError, assert } from './errors.ts';
import { spreadExpiries } from './spread-expiries.ts';

export interface LessorOptions {
  /**
   * etcd's leaseRevokeRate: at most this many ids leave `expiredLeases` per
   * second (token bucket, burst = one second's worth). Bounds the size and
   * rate of LeaseExpire proposals when many leases lapse together.
   */
  readonly leaseRevokeRatePerSec: number;
  /**
   * An id reported by `expiredLeases` is reported again after this long if
   * the mirror has not seen it expire or be revoked: the proposal may have
   * been dropped (leader change, full proposal queue).
   */
  readonly expiredLeaseRetryMs: number;
}

export const DEFAULT_LESSOR_OPTIONS: LessorOptions = Object.freeze({
  leaseRevokeRatePerSec: 1000,
  expiredLeaseRetryMs: 3000,
});

/** Outcome of a keep-alive that did not fail with LeaseNotFoundError. */
export type KeepAliveResult =
  | { readonly kind: 'renewed'; readonly ttl: number }
  /** This member is not the leader: forward the request. */
  | { readonly kind: 'notLeader' }
  /**
   * The lease has lapsed and its expiry is (or soon will be) proposed. etcd
   * makes the caller wait: answer NotFound once the mirror sees it removed,
   * or NotLeader if this member is demoted first (the next leader's promote
   * extends the lease again, so the client may still keep it).
   */
  | { readonly kind: 'expiring' };

export type TimeToLiveResult =
  | { readonly kind: 'ok'; readonly id: LeaseId; readonly grantedTtl: number; readonly remainingTtl: number }
  | { readonly kind: 'notLeader' };

interface LeaseState {
  readonly id: LeaseId;
  /** Seconds, as committed (already raised to the minimum by the store). */
  readonly grantedTtl: number;
  /** Leader only; Infinity on a follower (followers never expire anything). */
  expiryMs: number;
}

function validateOptions(o: LessorOptions): void {
  const problems: string[] = [];
  if (!(Number.isSafeInteger(o.leaseRevokeRatePerSec) && o.leaseRevokeRatePerSec >= 1)) {
    problems.push(`leaseRevokeRatePerSec must be an integer >= 1, got ${o.leaseRevokeRatePerSec}`);
  }
  if (!(Number.isFinite(o.expiredLeaseRetryMs) && o.expiredLeaseRetryMs > 0)) {
    problems.push(`expiredLeaseRetryMs must be > 0, got ${o.expiredLeaseRetryMs}`);
  }
  if (problems.length > 0) throw new RangeError(`invalid lessor options: ${problems.join('; ')}`);
}

export class Lessor {
  readonly options: LessorOptions;
  readonly #leases = new Map<LeaseId, LeaseState>();
  /**
   * Leader only: one entry per lease, keyed by the next time to look at it —
   * its expiry, or after it was reported, the retry time. Empty on followers.
   */
  readonly #heap = new ExpiryHeap();
  #leader = false;
  #lastNowMs = -Infinity;
  #tokens: number;
  #tokensAtMs: number | undefined;

  constructor(options: Partial<LessorOptions> = {}) {
    this.options = Object.freeze({ ...DEFAULT_LESSOR_OPTIONS, ...options });
    validateOptions(this.options);
    this.#tokens = this.options.leaseRevokeRatePerSec;
  }

  get isLeader(): boolean {
    return this.#leader;
  }

  /** Number of committed leases mirrored (bounds the heap too). */
  get size(): number {
    return this.#leases.size;
  }

  has(id: LeaseId): boolean {
    return this.#leases.has(id);
  }

  /** Ids of all committed leases, ascending (etcd's LeaseLeases; any member may answer). */
  leaseIds(): LeaseId[] {
    return [...this.#leases.keys()].sort((a, b) => a - b);
  }

  // ---- mirror of committed state (called by the store after apply) ----

  /** A committed LeaseGrant. `nowMs` starts the clock when this member leads. */
  granted(id: LeaseId, grantedTtl: number, nowMs: number): void {
    this.#observe(nowMs);
    assert(Number.isSafeInteger(id) && id !== 0, () => `invalid lease id ${id}`);
    assert(Number.isSafeInteger(grantedTtl) && grantedTtl >= 1, () => `invalid granted ttl ${grantedTtl}`);
    assert(!this.#leases.has(id), () => `lease ${id} granted twice`);
    const lease: LeaseState = { id, grantedTtl, expiryMs: Infinity };
    this.#leases.set(id, lease);
    if (this.#leader) this.#renew(lease, nowMs);
  }

  /** A committed LeaseRevoke (only applied when the lease existed). */
  revoked(id: LeaseId): void {
    this.#remove(id);
  }

  /** A committed LeaseExpire: the ids the store actually removed. */
  expired(ids: readonly LeaseId[]): void {
    for (const id of ids) this.#remove(id);
  }

  /** Replace the mirror wholesale (snapshot install or restart). */
  restore(leases: readonly { readonly id: LeaseId; readonly grantedTtl: number }[], nowMs: number): void {
    this.#leases.clear();
    this.#heap.clear();
    for (const l of leases) this.granted(l.id, l.grantedTtl, nowMs);
  }

  // ---- leadership ----

  /**
   * Become the expiry authority. Every lease restarts its full TTL from now,
   * plus `extendMs` (the election timeout, say), because the previous leader's
   * keep-alives are unknown here: expiring early would delete keys a client
   * is still keeping alive. Leases that would then lapse together are spread
   * out so the pile does not use up the revoke rate at once.
   */
  promote(nowMs: number, extendMs: number): void {
    this.#observe(nowMs);
    assert(!this.#leader, 'promote while already leader');
    assert(Number.isFinite(extendMs) && extendMs >= 0, () => `invalid extendMs ${extendMs}`);
    this.#leader = true;
    const leases = [...this.#leases.values()];
    for (const l of leases) l.expiryMs = nowMs + l.grantedTtl * 1000 + extendMs;
    const perSec = Math.max(1, Math.floor((this.options.leaseRevokeRatePerSec * 3) / 4));
    spreadExpiries(leases, perSec);
    for (const l of leases) this.#heap.set(l.id, l.expiryMs);
  }

  /** Stop deciding expiries; the mirror is kept. */
  demote(): void {
    this.#leader = false;
    this.#heap.clear();
    for (const l of this.#leases.values()) l.expiryMs = Infinity;
  }

  // ---- leader requests ----

  /** Renew a lease for its full granted TTL. Throws LeaseNotFoundError. */
  keepAlive(id: LeaseId, nowMs: number): KeepAliveResult {
    this.#observe(nowMs);
    if (!this.#leader) return { kind: 'notLeader' };
    const lease = this.#get(id);
    if (lease.expiryMs <= nowMs) return { kind: 'expiring' };
    this.#renew(lease, nowMs);
    return { kind: 'renewed', ttl: lease.grantedTtl };
  }

  /**
   * Granted and remaining TTL in whole seconds (truncated, as etcd does;
   * never negative: a lapsed lease not yet removed reports 0). Throws
   * LeaseNotFoundError; the API answers that with TTL -1, as etcd does.
   */
  timeToLive(id: LeaseId, nowMs: number): TimeToLiveResult {
    this.#observe(nowMs);
    if (!this.#leader) return { kind: 'notLeader' };
    const lease = this.#get(id);
    const remainingTtl = Math.floor(Math.max(0, lease.expiryMs - nowMs) / 1000);
    return { kind: 'ok', id, grantedTtl: lease.grantedTtl, remainingTtl };
  }

  /**
   * Ids whose expiry has passed, earliest first, for one LeaseExpire
   * proposal. At most `max` per call and at most leaseRevokeRatePerSec per
   * second; the rest wait for a later call (bound: the heap itself). A
   * reported id is not reported again until `expiredLeaseRetryMs` passes,
   * unless the mirror removes it first. Followers report nothing.
   */
  expiredLeases(nowMs: number, max: number): LeaseId[] {
    this.#observe(nowMs);
    assert(Number.isSafeInteger(max) && max >= 0, () => `invalid max ${max}`);
    if (!this.#leader) return [];
    const limit = Math.min(max, Math.floor(this.#refill(nowMs)));
    const out: LeaseId[] = [];
    for (;;) {
      if (out.length >= limit) break;
      const top = this.#heap.peek();
      if (top === undefined || top.atMs > nowMs) break;
      const lease = this.#get(top.id);
      // The heap key is the expiry unless the id was already reported, in
      // which case it is the retry time and the expiry is earlier still.
      assert(lease.expiryMs <= top.atMs, () => `lease ${top.id} heap key before its expiry`);
      out.push(top.id);
      this.#heap.set(top.id, nowMs + this.options.expiredLeaseRetryMs);
    }
    this.#tokens -= out.length;
    return out;
  }

  // ---- internals ----

  #renew(lease: LeaseState, nowMs: number): void {
    lease.expiryMs = nowMs + lease.grantedTtl * 1000;
    this.#heap.set(lease.id, lease.expiryMs);
  }

  #remove(id: LeaseId): void {
    assert(this.#leases.delete(id), () => `lease ${id} removed but not in the mirror`);
    this.#heap.delete(id);
  }

  #get(id: LeaseId): LeaseState {
    const lease = this.#leases.get(id);
    if (lease === undefined) throw new LeaseNotFoundError(id);
    return lease;
  }

  /** Token bucket of revokes; returns the tokens available now. */
  #refill(nowMs: number): number {
    const rate = this.options.leaseRevokeRatePerSec;
    if (this.#tokensAtMs !== undefined) {
      this.#tokens = Math.min(rate, this.#tokens + ((nowMs - this.#tokensAtMs) * rate) / 1000);
    }
    this.#tokensAtMs = nowMs;
    return this.#tokens;
  }

  /** The caller's clock must be monotonic: expiry arithmetic assumes it. */
  #observe(nowMs: number): void {
    assert(Number.isFinite(nowMs), () => `invalid nowMs ${nowMs}`);
    assert(nowMs >= this.#lastNowMs, () => `clock went backwards: ${nowMs} < ${this.#lastNowMs}`);
    this.#lastNowMs = nowMs;
  }
}
