// One store member's request path, between the gRPC services and raft:
// writes become StoreEntries proposed to the log (any member proposes; raft
// forwards a follower's proposal to the leader) and are answered with what
// apply returned; reads are linearizable by default (a ReadIndex barrier,
// then the local MVCC state) or serializable (local state at once). It also
// keeps the lessor in step with leadership and proposes lease expiries.

import * as grpc from '@grpc/grpc-js';
import { EMPTY_REQUEST_CONTEXT, encodeStoreEntry, type EtcdResponseHeader, type RequestContext, type ServerIdentity } from '@logbook/etcd-api';
import type { Lessor } from '@logbook/lease';
import { LeaseNotFoundError } from '@logbook/lease';
import { cappedByNoSpace, type AlarmEntry, type MvccRequest, type MvccResponse, type RangeRequest, type RangeWireResponse } from '@logbook/mvcc';
import type { Logger, NodeId, RaftNode } from '@logbook/raft';
import type { StoreApplyResult, StoreStateMachine } from '@logbook/store-machine';
import type { WatchHub } from '@logbook/watch';
import { StoreError, storeError } from './grpc-errors.ts';
import type { PeerClients } from './peer-service.ts';

export interface StoreLimits {
  /** etcd's --max-request-bytes: the largest encoded request proposed to the log. */
  readonly maxRequestBytes: number;
  /** etcd's --quota-backend-bytes: past it, writes are refused (NOSPACE). */
  readonly quotaBackendBytes: number;
  /** How long a request may wait for raft before "request timed out". */
  readonly requestTimeoutMs: number;
}

/** Whatever wants to know about leadership and applied revisions (the NATS publisher). */
export interface LeadershipObserver {
  setLeader(leader: boolean): void;
}

export interface StoreNodeOptions {
  readonly node: RaftNode<StoreApplyResult>;
  readonly sm: StoreStateMachine;
  readonly hub: WatchHub;
  readonly lessor: Lessor;
  readonly peers: PeerClients;
  readonly clusterId: number;
  readonly limits: StoreLimits;
  readonly electionTimeoutMs: number;
  readonly tickMs: number;
  readonly logger: Logger;
  /** Lease ids for grants that name none: a positive safe integer. */
  readonly randomLeaseId: () => number;
  readonly now?: () => number;
  readonly observers?: readonly LeadershipObserver[];
}

const MAX_EXPIRIES_PER_PROPOSAL = 1000;

/**
 * Feed what apply does to the watch hub and the lessor. Called before raft
 * starts, because starting replays the WAL's committed entries through apply.
 */
export function connectStateMachine(sm: StoreStateMachine, hub: WatchHub, lessor: Lessor, now: () => number): void {
  sm.onEntry((_index, entry, result) => {
    if (!result.ok) return;
    const r = result.response;
    if (r.type === 'leaseGrant') lessor.granted(r.response.id, r.response.ttl, now());
    else if (r.type === 'leaseRevoke' && entry.request.type === 'leaseRevoke' && lessor.has(entry.request.request.id)) lessor.revoked(entry.request.request.id);
    else if (r.type === 'leaseExpire') lessor.expired(r.response.expired);
  });
  sm.onApplied((revision, events) => hub.publish(events, revision));
  sm.onRestored((revision) => {
    hub.restored(revision);
    lessor.restore(sm.mvcc.leases(), now());
  });
  lessor.restore(sm.mvcc.leases(), now());
}

export class StoreNode {
  readonly node: RaftNode<StoreApplyResult>;
  readonly sm: StoreStateMachine;
  readonly hub: WatchHub;
  readonly lessor: Lessor;
  readonly clusterId: number;
  readonly limits: StoreLimits;
  readonly #o: StoreNodeOptions;
  readonly #now: () => number;
  readonly #timer: NodeJS.Timeout;
  #isLeader = false;
  #expiring = false;
  /** This member's NOSPACE activation is being proposed. */
  #raisingNoSpace = false;
  #closed = false;

  constructor(o: StoreNodeOptions) {
    this.#o = o;
    this.node = o.node;
    this.sm = o.sm;
    this.hub = o.hub;
    this.lessor = o.lessor;
    this.clusterId = o.clusterId;
    this.limits = o.limits;
    this.#now = o.now ?? ((): number => performance.now());
    this.#timer = setInterval(() => this.#onTick(), o.tickMs);
    this.#timer.unref();
  }

  get id(): NodeId {
    return this.node.id;
  }

  get isLeader(): boolean {
    return this.#isLeader;
  }

  /** The active alarms, raised and cleared through the log (the same on every member). */
  alarms(): AlarmEntry[] {
    return this.sm.mvcc.alarms();
  }

  identity(): ServerIdentity {
    // On every response (and every watch event): the runtime's cached term, not a full status snapshot.
    return { clusterId: this.clusterId, memberId: this.node.id, raftTerm: this.node.term };
  }

  header(revision = this.sm.mvcc.currentRevision): EtcdResponseHeader {
    return { ...this.identity(), revision };
  }

  /**
   * Runs `fn` with a signal that aborts when the call's does or when the
   * request timeout passes (a TimeoutError, as AbortSignal.timeout's), and
   * drops the timer and the listener as soon as `fn` settles. (AbortSignal.timeout
   * and .any would keep a timer and two signals alive for the whole timeout
   * after the request is answered: tens of thousands at a few thousand
   * requests per second.)
   */
  async withDeadline<T>(callSignal: AbortSignal | undefined, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (callSignal?.aborted === true) throw callSignal.reason;
    const ac = new AbortController();
    const timeoutMs = this.limits.requestTimeoutMs;
    const timer = setTimeout(() => ac.abort(new DOMException(`request timed out after ${timeoutMs} ms`, 'TimeoutError')), timeoutMs);
    const onAbort = (): void => ac.abort(callSignal!.reason);
    callSignal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await fn(ac.signal);
    } finally {
      clearTimeout(timer);
      callSignal?.removeEventListener('abort', onAbort);
    }
  }

  /** Propose one request through the log and answer with what apply returned. Throws StoreError/MvccError. */
  async write(request: MvccRequest, callSignal?: AbortSignal, context: RequestContext = EMPTY_REQUEST_CONTEXT): Promise<MvccResponse> {
    if (this.#closed) throw storeError('stopped', grpc.status.UNAVAILABLE);
    if (cappedByNoSpace(request)) this.#checkQuota();
    const data = encodeStoreEntry({ context, request });
    if (data.byteLength > this.limits.maxRequestBytes) throw storeError('requestTooLarge', grpc.status.INVALID_ARGUMENT);
    const result = await this.withDeadline(callSignal, (signal) => this.node.propose(data, { signal }));
    if (result === undefined) throw new StoreError(grpc.status.INTERNAL, 'etcdserver: entry applied without a result');
    if (!result.ok) throw result.error;
    return result.response;
  }

  /** Range, answered in wire form: linearizable (ReadIndex) unless the request asks for serializable. */
  async range(req: RangeRequest, callSignal?: AbortSignal): Promise<RangeWireResponse> {
    if (req.serializable !== true) await this.linearizableBarrier(callSignal);
    return this.sm.mvcc.rangeWire(req);
  }

  async linearizableBarrier(callSignal?: AbortSignal): Promise<void> {
    if (this.#closed) throw storeError('stopped', grpc.status.UNAVAILABLE);
    await this.withDeadline(callSignal, (signal) => this.node.read(signal));
  }

  async leaseGrant(id: number, ttl: number, callSignal?: AbortSignal): Promise<MvccResponse> {
    return this.write({ type: 'leaseGrant', request: { id: id === 0 ? this.#o.randomLeaseId() : id, ttl } }, callSignal);
  }

  /** Renew on the leader (forwarded to it from a follower). Returns the TTL; throws lease not found. */
  async leaseKeepAlive(id: number): Promise<number> {
    if (this.#isLeader) {
      // Acknowledge only as a leader a quorum still follows: a deposed leader
      // that renewed here would promise a TTL the new leader never heard of.
      await this.linearizableBarrier();
      const r = this.#lessorCall(() => this.lessor.keepAlive(id, this.#now()));
      if (r.kind === 'renewed') return r.ttl;
      if (r.kind === 'expiring') throw storeError('leaseNotFound', grpc.status.NOT_FOUND);
    }
    const r = await this.#o.peers.call<{ ttl: number }>(this.#leaderAddress(), 'LeaseKeepAlive', { id }, this.limits.requestTimeoutMs);
    return r.ttl;
  }

  /** Granted and remaining TTL from the leader's lessor. */
  async leaseRemaining(id: number): Promise<{ grantedTtl: number; remainingTtl: number }> {
    if (this.#isLeader) {
      const r = this.#lessorCall(() => this.lessor.timeToLive(id, this.#now()));
      if (r.kind === 'ok') return { grantedTtl: r.grantedTtl, remainingTtl: r.remainingTtl };
    }
    return this.#o.peers.call(this.#leaderAddress(), 'LeaseTimeToLive', { id }, this.limits.requestTimeoutMs);
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#timer);
    this.hub.close();
  }

  #lessorCall<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof LeaseNotFoundError) throw storeError('leaseNotFound', grpc.status.NOT_FOUND, err);
      throw err;
    }
  }

  #leaderAddress(): string {
    const lead = this.node.leader;
    const address = lead === 0 ? undefined : this.node.addresses().get(lead);
    if (address === undefined || lead === this.node.id) throw storeError('noLeader', grpc.status.UNAVAILABLE);
    return address;
  }

  /**
   * etcd's quota check: a request that grows the database is refused while
   * the backend is over its quota, and the member raises its NOSPACE alarm
   * through the log. Once applied, every member refuses such writes (at
   * apply, so all at the same index) until `etcdctl alarm disarm`.
   */
  #checkQuota(): void {
    const backend = this.sm.backend;
    if (backend.sizeBoundBytes() <= this.limits.quotaBackendBytes) return;
    const bytes = backend.sizeBytes();
    if (bytes <= this.limits.quotaBackendBytes) return;
    if (!this.#raisingNoSpace && !this.alarms().some((a) => a.memberId === this.id && a.alarm === 'NOSPACE')) {
      this.#raisingNoSpace = true;
      this.#o.logger.warn('backend quota exceeded: raising the NOSPACE alarm', { bytes, quota: this.limits.quotaBackendBytes });
      this.write({ type: 'alarm', request: { action: 'activate', memberId: this.id, alarm: 'NOSPACE' } })
        .catch((err: unknown) => this.#o.logger.warn('raising the NOSPACE alarm failed; the next write retries', { error: String(err) }))
        .finally(() => (this.#raisingNoSpace = false));
    }
    throw storeError('noSpace', grpc.status.RESOURCE_EXHAUSTED);
  }

  #onTick(): void {
    if (this.#closed) return;
    const st = this.node.status();
    const leader = st.raftState === 'leader';
    if (leader !== this.#isLeader) {
      this.#isLeader = leader;
      // A new leader does not know the old one's keep-alives: every lease
      // restarts its full TTL plus an election timeout, so none expires early.
      if (leader) this.lessor.promote(this.#now(), this.#o.electionTimeoutMs);
      else this.lessor.demote();
      for (const o of this.#o.observers ?? []) o.setLeader(leader);
      this.#o.logger.info(leader ? 'became the leader: now deciding lease expiry' : 'no longer the leader', { nodeId: this.node.id, term: st.term });
    }
    if (leader && !this.#expiring) this.#proposeExpiries();
  }

  #proposeExpiries(): void {
    const ids = this.lessor.expiredLeases(this.#now(), MAX_EXPIRIES_PER_PROPOSAL);
    if (ids.length === 0) return;
    this.#expiring = true;
    // Expire only while a quorum still follows this member: a deposed leader's
    // proposal would be forwarded to the new leader and commit, deleting keys
    // of a lease the new leader has renewed (the store simulator found this).
    this.linearizableBarrier()
      .then(() => {
        if (this.node.status().raftState !== 'leader' || !this.#isLeader) throw storeError('notLeader', grpc.status.FAILED_PRECONDITION);
        return this.write({ type: 'leaseExpire', request: { ids } });
      })
      .catch((err: unknown) => this.#o.logger.warn('lease expiry proposal failed; the lessor retries it', { error: String(err) }))
      .finally(() => {
        this.#expiring = false;
      });
  }
}
