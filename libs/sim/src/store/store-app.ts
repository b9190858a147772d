// The store on one simulated member, as a store node runs it: the store
// state machine (MVCC over an in-memory backend), a WatchHub fed by every
// applied revision, and a Lessor mirroring the committed leases that, while
// this member leads, renews keep-alives and proposes the expiry of lapsed
// leases. Clients' requests become log entries (encodeStoreEntry, with the
// client and sequence number in the request context so the accepting member
// can answer when it applies the entry), ReadIndex reads, or local reads.
//
// Keep-alives: the leader renews the lease when the request arrives but
// acknowledges it only after a ReadIndex round confirms it still leads.
// Without that a deposed leader that has not heard of its successor would
// acknowledge renewals the real leader never sees, and the lease could
// expire sooner after an acknowledged keep-alive than its TTL (see
// lease-checker.ts). Likewise only a member whose core leads at that moment
// renews or proposes an expiry (AppHost.isLeader).

import { MemoryBackend } from '@logbook/backend';
import { EMPTY_REQUEST_CONTEXT, encodeStoreEntry, type StoreEntry } from '@logbook/etcd-api';
import { LeaseNotFoundError, Lessor } from '@logbook/lease';
import type { ApplyResult, Event, MvccRequest, Revision } from '@logbook/mvcc';
import { NotLeaderError, type Entry, type LogIndex, type ReadState } from '@logbook/raft';
import { StoreStateMachine } from '@logbook/store-machine';
import { WatchHub, type Watcher, type WatchCreateRequest } from '@logbook/watch';
import { encodeReadContext } from '../command.ts';
import type { AppHost, MemberApp } from '../member-app.ts';
import { SimMember } from '../member.ts';
import { PendingRequests } from '../pending-requests.ts';
import type { CommittedEntry } from './committed-history.ts';
import { ELECTION_TIMEOUT_MS, TICK_MS, type StoreParams } from './store-params.ts';
import {
  clientRequestId,
  describeKv,
  keyBytes,
  lessorRequestId,
  outputOf,
  rangeOutput,
  rangeRequest,
  requestKeyOf,
  splitRequestId,
  toRequest,
  toSimKv,
  type StoreInput,
  type StoreOutput,
} from './store-ops.ts';

/** Most lease ids in one expiry proposal (the lessor's rate limit applies too). */
const MAX_EXPIRIES_PER_PROPOSAL = 16;
/** A lapsed lease whose expiry proposal was lost is proposed again after this long. */
const EXPIRY_RETRY_MS = 10 * TICK_MS;

/** What a member's store reports to the workload. */
export interface StoreAppEnv {
  readonly params: StoreParams;
  /** The simulation's tick (the checkers' clock; the lessor uses the member's own). */
  now(): number;
  /** The answer to a request this member accepted. */
  deliver(member: number, clientId: number, seq: number, output: StoreOutput): void;
  /** Every applied entry (the committed history keeps the first application of each index). */
  applied(e: Omit<CommittedEntry, 'tick' | 'time'>): void;
  /** A fresh number for a leader's expiry proposal (unique over the run). */
  nextLessorRequest(): number;
  /** This member, leading, proposed the expiry of `ids`. */
  expiryProposed(requestKey: string, ids: readonly number[], member: number): void;
}

type PendingRead =
  | { readonly kind: 'range'; readonly input: Extract<StoreInput, { kind: 'range' }> }
  | { readonly kind: 'keepAlive'; readonly ttl: number; readonly renewedAt: number };

export class StoreApp implements MemberApp {
  readonly #host: AppHost;
  readonly #env: StoreAppEnv;
  readonly #sm: StoreStateMachine;
  readonly #lessor = new Lessor({ expiredLeaseRetryMs: EXPIRY_RETRY_MS });
  readonly #pending = new PendingRequests<PendingRead>();
  readonly #hub: WatchHub;

  constructor(host: AppHost, env: StoreAppEnv) {
    this.#host = host;
    this.#env = env;
    this.#sm = new StoreStateMachine({ backend: new MemoryBackend() });
    this.#hub = new WatchHub(this.#sm.mvcc);
    this.#sm.onEntry((index, entry, result) => this.#entryApplied(index, entry, result));
    this.#sm.onApplied((revision, events) => this.#publish(revision, events));
    // A snapshot was installed: the revisions in between were never
    // published, so every watcher catches up from the restored history.
    this.#sm.onRestored((revision) => this.#hub.restored(revision));
  }

  get revision(): Revision {
    return this.#sm.mvcc.currentRevision;
  }

  get compactedRevision(): Revision {
    return this.#sm.mvcc.compactedRevision;
  }

  /** Throws WatchError (e.g. hubClosed). */
  watch(req: WatchCreateRequest): Watcher {
    return this.#hub.create(req);
  }

  requestProgress(w: Watcher): void {
    this.#hub.requestProgress(w);
  }

  /**
   * A client's request: an immediate answer (serializable reads, refused
   * keep-alives), or undefined with the answer to come through env.deliver.
   * Throws NotLeaderError / ProposalDroppedError when refused.
   */
  request(clientId: number, seq: number, input: StoreInput): StoreOutput | undefined {
    if (input.kind === 'keepAlive') return this.#keepAlive(clientId, seq, input.id);
    if (input.kind === 'range' && input.mode !== 'log') {
      // The stale-read mutant answers a linearizable read like a serializable one.
      if (input.mode === 'serializable' || this.#env.params.staleReads) return this.#read(input);
      this.#host.readIndex(encodeReadContext(clientId, seq));
      this.#pending.addRead(clientId, seq, { kind: 'range', input }, -1);
      return undefined;
    }
    const request = toRequest(input)!;
    this.#propose(clientRequestId(clientId, seq), request);
    this.#pending.addProposal(clientId, seq);
    return undefined;
  }

  #keepAlive(clientId: number, seq: number, id: number): StoreOutput | undefined {
    // As for expiries: the lessor may not know yet that the core stepped
    // down, and a ReadIndex asked of a follower confirms the other leader.
    if (!this.#host.isLeader()) throw new NotLeaderError(this.#host.leader());
    let r;
    try {
      r = this.#lessor.keepAlive(id, this.#nowMs());
    } catch (e) {
      if (e instanceof LeaseNotFoundError) return { kind: 'keepAlive', result: 'not-found' };
      throw e;
    }
    if (r.kind === 'notLeader') throw new NotLeaderError(this.#host.leader());
    if (r.kind === 'expiring') return { kind: 'keepAlive', result: 'expiring' };
    this.#host.readIndex(encodeReadContext(clientId, seq));
    this.#pending.addRead(clientId, seq, { kind: 'keepAlive', ttl: r.ttl, renewedAt: this.#env.now() }, -1);
    return undefined;
  }

  #read(input: Extract<StoreInput, { kind: 'range' }>): StoreOutput {
    return rangeOutput(this.#sm.mvcc.range(rangeRequest(input.from, input.to)));
  }

  #propose(requestId: number, request: MvccRequest): void {
    this.#host.propose(encodeStoreEntry({ context: { ...EMPTY_REQUEST_CONTEXT, proposer: this.#host.id, requestId }, request }));
  }

  restore(data: Uint8Array, index: LogIndex): void {
    // Inline snapshots over the memory backend restore synchronously (copies are LMDB's, outside the simulator).
    const restoring = this.#sm.restore(data, index);
    if (restoring !== undefined) throw new Error('the simulator runs inline snapshots only; restore must be synchronous');
    this.#lessor.restore(this.#sm.mvcc.leases().map((l) => ({ id: l.id, grantedTtl: l.grantedTtl })), this.#nowMs());
  }

  apply(entry: Entry): void {
    this.applyBatch([entry]);
  }

  /** The runtime's path: one backend transaction for the run. */
  applyBatch(entries: readonly Entry[]): void {
    // The outcome is handled by #entryApplied, which the state machine calls.
    const results = this.#sm.applyBatch(entries);
    // Every member applies each index once and only our encoder proposes: a skipped entry is a bug.
    const skipped = results.findIndex((r) => r === undefined);
    if (skipped >= 0) throw new Error(`store member ${this.#host.id}: index ${entries[skipped]!.index} was skipped (replayed or undecodable)`);
  }

  #entryApplied(index: number, { context, request }: StoreEntry, r: ApplyResult): void {
    const output = outputOf(r);
    const leasesRemoved = this.#mirrorLeases(request, output);
    this.#env.applied({
      index,
      requestKey: requestKeyOf(context.requestId),
      output,
      events: r.events,
      leasesRemoved,
      revision: r.revision,
      member: this.#host.id,
    });
    const { clientId, seq } = splitRequestId(context.requestId);
    if (context.proposer === this.#host.id && this.#pending.takeProposal(clientId, seq)) {
      this.#env.deliver(this.#host.id, clientId, seq, output);
    }
  }

  /** Keeps the lessor's mirror equal to the committed leases; returns the leases the entry removed. */
  #mirrorLeases(request: MvccRequest, output: StoreOutput): readonly number[] {
    switch (output.kind) {
      case 'leaseGrant':
        this.#lessor.granted(output.id, output.ttl, this.#nowMs());
        return [];
      case 'leaseRevoke':
        if (request.type !== 'leaseRevoke') return [];
        this.#lessor.revoked(request.request.id);
        return [request.request.id];
      case 'leaseExpire':
        this.#lessor.expired(output.expired);
        return output.expired;
      default:
        return [];
    }
  }

  serveReads(readStates: readonly ReadState[], applied: number): void {
    this.#pending.readStates(readStates);
    for (const r of this.#pending.takeServiceable(applied)) {
      const p = r.payload;
      const output: StoreOutput = p.kind === 'range' ? this.#read(p.input) : { kind: 'keepAlive', result: 'renewed', ttl: p.ttl, renewedAt: p.renewedAt };
      this.#env.deliver(this.#host.id, r.clientId, r.seq, output);
    }
  }

  snapshot(): Uint8Array {
    return this.#sm.snapshot();
  }

  /**
   * Everything a client can observe of this store: the digest plus every
   * retained event from the compacted revision on. Costly (the whole
   * history): compared across members once, at the end of a run.
   */
  fullState(): string {
    const mvcc = this.#sm.mvcc;
    const h = mvcc.eventsSince({ startRevision: Math.max(1, mvcc.compactedRevision), key: new Uint8Array([0]), rangeEnd: new Uint8Array([0]), limit: Number.MAX_SAFE_INTEGER });
    const events = 'events' in h ? h.events.map((e) => `${e.type} ${describeKv(toSimKv(e.kv))}`).join(' ') : `compacted ${h.compactRevision}`;
    return `${this.digest()} history [${events}]`;
  }

  digest(): string {
    const mvcc = this.#sm.mvcc;
    const all = mvcc.range({ key: keyBytes(0), rangeEnd: new Uint8Array([0]) });
    const kvs = all.kvs.map((kv) => describeKv(toSimKv(kv))).join(' ');
    const leases = mvcc.leases().map((l) => `${l.id}:${l.grantedTtl}@${l.grantedRevision}`).join(' ');
    return `r${mvcc.currentRevision} c${mvcc.compactedRevision} [${kvs}] leases [${leases}]`;
  }

  leadershipChanged(leader: boolean): void {
    if (leader) this.#lessor.promote(this.#nowMs(), ELECTION_TIMEOUT_MS);
    else this.#lessor.demote();
  }

  /**
   * While leading: propose the expiry of lapsed leases (a dropped proposal is
   * retried by the lessor). Only if the core leads at this very moment: the
   * lessor hears of a demotion with the next Ready, and a deposed member's
   * proposal would be forwarded to the new leader and commit, expiring a
   * lease the new leader has since renewed (the simulator found this: the
   * lease bound failed, 22 ticks early).
   */
  tick(): void {
    if (!this.#lessor.isLeader) return;
    const ids = this.#lessor.expiredLeases(this.#nowMs(), MAX_EXPIRIES_PER_PROPOSAL);
    if (ids.length === 0 || !this.#host.isLeader()) return;
    const requestId = lessorRequestId(this.#env.nextLessorRequest());
    try {
      this.#propose(requestId, { type: 'leaseExpire', request: { ids } });
    } catch (e) {
      if (!SimMember.isRefusal(e)) throw e;
      return;
    }
    this.#env.expiryProposed(requestKeyOf(requestId), ids, this.#host.id);
  }

  close(): void {
    this.#hub.close();
  }

  /** The lessor's clock: this member's own ticks (never ahead of simulated time), or twice that for the early-lease-expiry mutant. */
  #nowMs(): number {
    return this.#host.localTicks() * TICK_MS * (this.#env.params.fastLessorClock ? 2 : 1);
  }

  #publish(revision: Revision, events: readonly Event[]): void {
    // The watch-skip-event mutant: the hub never hears of the last event of every fifth revision.
    const skip = this.#env.params.skipWatchEvent && revision % 5 === 0;
    this.#hub.publish(skip ? events.slice(0, -1) : events, revision);
  }
}
