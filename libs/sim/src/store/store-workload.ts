// The store workload (`--workload store`): every member runs the store
// (store-app.ts: MVCC state machine, watch hub, lessor); KV and lease
// clients (store-protocol.ts over the shared ClientFleet) and watching
// clients (watch-fleet.ts) use it while the cluster suffers the same faults
// as in any run. Checked inline: exactly-once application and removed
// leases' keys (committed-history.ts), every watch response
// (watch-stream.ts). Checked at the end of a converged run: watches caught
// up, the lease bound (lease-checker.ts), answers, serializable reads,
// revision order and per-key linearizability (store-linearizability.ts),
// and byte-identical store state on every member at the same index.

import type { Message, NodeId } from '@logbook/raft';
import { ClientFleet } from '../clients.ts';
import { History } from '../history.ts';
import type { AppHost } from '../member-app.ts';
import type { SimWorkload, StoreRunStats, WorkloadContext, WorkloadReport } from '../sim-workload.ts';
import type { Violation } from '../violation.ts';
import { CommittedHistory, type CommittedEntry } from './committed-history.ts';
import { LeaseChecker } from './lease-checker.ts';
import { StoreApp, type StoreAppEnv } from './store-app.ts';
import { checkStoreHistory } from './store-linearizability.ts';
import { answers, type StoreInput, type StoreOutput } from './store-ops.ts';
import { describeStoreParams, drawStoreParams, type StoreParams } from './store-params.ts';
import { StoreProtocol } from './store-protocol.ts';
import { WatchFleet } from './watch-fleet.ts';

export class StoreWorkload implements SimWorkload<StoreApp> {
  readonly #ctx: WorkloadContext<StoreApp>;
  readonly params: StoreParams;
  readonly #history = new History<StoreInput, StoreOutput>(answers);
  readonly #committed: CommittedHistory;
  readonly #leases = new LeaseChecker();
  /** When each leader expiry proposal was made, on the history's clock (the call time of its effect). */
  readonly #expiryProposals = new Map<string, number>();
  readonly #clients: ClientFleet<StoreApp, StoreInput, StoreOutput>;
  readonly #watches: WatchFleet;
  readonly #env: StoreAppEnv;
  readonly #stats: StoreRunStats = {
    leasesGranted: 0,
    keepAlivesAcked: 0,
    leasesExpired: 0,
    leasesRevoked: 0,
    compactions: 0,
    watchesStarted: 0,
    rewatches: 0,
    watchEventsChecked: 0,
    compactionCancels: 0,
    serializableReads: 0,
  };
  #lessorRequests = 0;

  constructor(ctx: WorkloadContext<StoreApp>) {
    this.#ctx = ctx;
    // Streams forked in this order: the store's parameters, the clients' plans, the clients, the watchers.
    const params = drawStoreParams(ctx.root.fork(), ctx.params.mutant);
    this.params = params;
    this.#committed = new CommittedHistory(params.keyCount);
    const protocol = new StoreProtocol(ctx.root.fork(), params, ctx.params.clients.count, (id, at) => this.#leases.renewalAcknowledged(id, at));
    this.#clients = new ClientFleet<StoreApp, StoreInput, StoreOutput>(ctx.root.fork(), ctx.params.clients, this.#history, protocol, ctx.members, ctx.trace);
    this.#watches = new WatchFleet(ctx.root.fork(), params, ctx.members, this.#committed, ctx.trace, this.#stats);
    this.#env = {
      params,
      now: () => ctx.now(),
      deliver: (member, clientId, seq, output) => this.#clients.deliver(clientId, seq, output, ctx.now(), member as NodeId),
      applied: (e) => this.#applied(e),
      nextLessorRequest: () => ++this.#lessorRequests,
      expiryProposed: (requestKey, ids, member) => {
        this.#expiryProposals.set(requestKey, this.#history.stamp());
        this.#leases.expiryProposed(requestKey, ids, member, ctx.now());
        ctx.trace.line(() => `t${ctx.now()} member ${member} proposes the expiry of leases ${ids.join(',')} (${requestKey})`);
      },
    };
  }

  #applied(e: Omit<CommittedEntry, 'tick' | 'time'>): void {
    if (this.#committed.has(e.index)) return;
    const tick = this.#ctx.now();
    this.#committed.applied({ ...e, tick, time: this.#history.stamp() });
    const o = e.output;
    if (o.kind === 'leaseGrant') {
      this.#leases.granted(o.id, o.ttl, tick);
      this.#stats.leasesGranted++;
    } else if (o.kind === 'leaseExpire') {
      this.#stats.leasesExpired += o.expired.length;
    } else if (o.kind === 'leaseRevoke') {
      this.#stats.leasesRevoked++;
    } else if (o.kind === 'compact') {
      this.#stats.compactions++;
    }
  }

  createApp(host: AppHost): StoreApp {
    return new StoreApp(host, this.#env);
  }

  step(now: number): void {
    this.#clients.step(now);
    this.#watches.step(now);
  }

  afterPump(now: number): void {
    this.#watches.drain(now);
  }

  enterLiveness(): void {
    this.#clients.setMode('probe');
  }

  get settled(): boolean {
    return this.#clients.allProbed;
  }

  get violation(): Violation | undefined {
    const v = this.#committed.violation;
    if (v !== undefined) return v;
    const w = this.#watches.violation;
    return w === undefined ? undefined : { checker: 'watch', tick: this.#ctx.now(), message: w };
  }

  /**
   * Every message may be duplicated except forwarded proposals (MsgProp):
   * the store's real transport (ordered gRPC streams, no resend) never
   * delivers one twice, and the store, unlike the register machine, keeps no
   * per-client sequence numbers to drop a duplicate — a duplicated MsgProp
   * would apply a put twice. (The duplicate-proposals mutant lets it, to show
   * the exactly-once check catches it.)
   */
  mayDuplicate(_from: NodeId, m: Message): boolean {
    return m.type !== 'MsgProp' || this.params.duplicateProposals;
  }

  finish(check: boolean): { readonly violation: Violation | undefined; readonly report: WorkloadReport } {
    const now = this.#ctx.now();
    let violation: Violation | undefined;
    let steps = 0;
    let undecided = false;
    if (check) {
      const fail = (checker: Violation['checker'], message: string | undefined): void => {
        if (message !== undefined) violation ??= { checker, tick: now, message };
      };
      fail('watch', this.#watches.finish(now));
      fail('state-machine-safety', this.#sameStateEverywhere());
      fail('lease-expiry', this.#leases.check(this.#committed));
      if (violation === undefined) {
        const r = checkStoreHistory(this.#history.ops(), this.#committed, this.params.keyCount, this.#expiryProposals);
        steps = r.steps;
        undecided = r.undecided;
        if (r.failure !== undefined) fail(r.failure.checker, r.failure.message);
      }
    }
    const ops = this.#history.ops();
    this.#stats.serializableReads = ops.filter((o) => o.output !== undefined && o.input.kind === 'range' && o.input.mode === 'serializable').length;
    this.#stats.keepAlivesAcked = this.#leases.acked;
    const counts = this.#history.counts();
    return {
      violation,
      report: {
        clients: this.#clients.stats,
        linearizabilitySteps: steps,
        linearizabilityUndecided: undecided,
        historyOps: counts.completed + counts.unknown + counts.pending,
        store: { ...this.#stats },
        params: describeStoreParams(this.params),
      },
    };
  }

  /**
   * Members that applied the same index hold the same store, history
   * included (the digest compared at every index during the run covers the
   * keys, leases and revisions, not the retained history).
   */
  #sameStateEverywhere(): string | undefined {
    const byApplied = new Map<number, { id: NodeId; state: string }>();
    for (const m of this.#ctx.members) {
      const app = m.app;
      if (app === undefined) continue;
      const state = app.fullState();
      const other = byApplied.get(m.applied);
      if (other === undefined) byApplied.set(m.applied, { id: m.id, state });
      else if (other.state !== state) return `members ${other.id} and ${m.id} both applied index ${m.applied} but their stores differ:\n${other.state}\n${state}`;
    }
    return undefined;
  }
}
