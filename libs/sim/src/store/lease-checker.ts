// The lease bound: a lease is never expired sooner than its TTL after its
// last renewal — the first application of its grant anywhere, or the
// moment the leader renewed it for a keep-alive the client got an
// acknowledgement for — as proposed by the leader.
//
// Why this holds with no allowance for skew (in simulated ticks): a
// member's lessor reads the member's own clock, which can only run slow
// (a slow clock skips ticks; a down member's stands still), never fast; the
// leader that renews a lease sets its expiry to renewal + TTL by that clock;
// a new leader restarts every lease at promotion + TTL + election timeout,
// and promotion comes after any renewal its predecessor's ReadIndex round
// confirmed (that round reached a quorum still in the old term, one of which
// voted for the new leader afterwards); a leader applies a grant no sooner
// than the first member that applied it. The acknowledgement itself may come
// later than the renewal (the confirmation round trip), so a client must
// count its lease from when it sent the keep-alive, as etcd's clients do.
//
// Checked at the end of the run over the committed expiries (a proposal that
// never commits expires nothing).

import type { CommittedHistory } from './committed-history.ts';
import { TICK_MS } from './store-params.ts';

interface Proposal {
  readonly tick: number;
  readonly member: number;
  readonly ids: readonly number[];
}

export class LeaseChecker {
  /** Lease id → TTL in ticks and the tick its grant was first applied. */
  readonly #grants = new Map<number, { readonly ttlTicks: number; readonly appliedAt: number }>();
  /** Lease id → ticks at which acknowledged keep-alives were renewed. */
  readonly #renewals = new Map<number, number[]>();
  readonly #proposals = new Map<string, Proposal>();
  acked = 0;

  granted(id: number, ttlSec: number, tick: number): void {
    if (!this.#grants.has(id)) this.#grants.set(id, { ttlTicks: (ttlSec * 1000) / TICK_MS, appliedAt: tick });
  }

  renewalAcknowledged(id: number, renewedAt: number): void {
    this.acked++;
    let list = this.#renewals.get(id);
    if (list === undefined) this.#renewals.set(id, (list = []));
    list.push(renewedAt);
  }

  expiryProposed(requestKey: string, ids: readonly number[], member: number, tick: number): void {
    this.#proposals.set(requestKey, { tick, member, ids });
  }

  /** Returns what is wrong, if anything. */
  check(committed: CommittedHistory): string | undefined {
    for (const e of committed.entries()) {
      if (e.output.kind !== 'leaseExpire') continue;
      const p = this.#proposals.get(e.requestKey);
      if (p === undefined) return `lease expiry ${e.requestKey} at index ${e.index} was never proposed`;
      for (const id of e.output.expired) {
        const g = this.#grants.get(id);
        if (g === undefined) return `lease ${id} expired at index ${e.index} but its grant was never applied`;
        let last = g.appliedAt;
        let what = 'its grant was first applied';
        for (const t of this.#renewals.get(id) ?? []) {
          if (t <= p.tick && t > last) {
            last = t;
            what = 'a keep-alive the client was acknowledged for renewed it';
          }
        }
        if (p.tick < last + g.ttlTicks) {
          return (
            `leader ${p.member} proposed the expiry of lease ${id} (TTL ${g.ttlTicks} ticks) at t${p.tick}, ` +
            `committed at index ${e.index}, but ${what} at t${last}: ${last + g.ttlTicks - p.tick} ticks early`
          );
        }
      }
    }
    return undefined;
  }
}
