// The operator of a membership run: it changes the cluster's configuration
// through the real API — proposeConfChange on the leader — one change at a
// time: add a learner (a spare id, or a removed id again on a wiped drive),
// promote a learner, remove a voter (the leader too) or a learner, now and
// then demote a voter. A refused proposal (ProposalDroppedError,
// NotLeaderError, no leader) is retried later.
//
// Every id has a role, driven by the configuration in force (the one the
// first application of each conf-change entry produced; state-machine safety
// makes that the same everywhere):
//   absent  — no drive: a spare, or removed and stopped;
//   joining — provisioned on an empty drive, add-learner not yet applied;
//   member  — in the configuration;
//   leaving — removed from the configuration, still running until the
//             operator stops it (a drawn linger), then absent again.
// A re-add of a stopped id always gets a new, empty drive: a removed
// member's data is never reused. Wiping is not enough, though: a member that
// missed the removal still counts the id as a voter of its (stale)
// configuration, and the new incarnation, knowing nothing, would vote for it
// — two members of a stale configuration make a majority of it, elect a
// leader lacking committed entries, and overwrite them (the simulator found
// this; see DESIGN.md). So an id is re-added only once every provisioned
// member holds a durable snapshot at or past the id's removal (no member can
// ever again hold a configuration listing the old incarnation), and
// reAddDelayTicks after it was stopped (no message from before is in flight).
//
// A proposal the leader accepted sits at one log slot (index, term): it is
// done when a conf change is applied at that slot, lost when another entry
// is committed there or when a leader of a later term that has committed in
// its own term lacks it (Leader Completeness: it can never commit). A lost
// change is proposed again; an accepted one is never proposed twice, so no
// stale duplicate can commit behind the operator's back.

import type { ConfChange, ConfState, Entry, NodeId, Status } from '@logbook/raft';
import { SimMember } from './member.ts';
import type { Prng } from './prng.ts';
import type { MembershipParams } from './sim-params.ts';

export type MemberRole = 'absent' | 'joining' | 'member' | 'leaving';

/** What the operator uses of a leader (a SimMember). */
export interface OperatorLeader {
  readonly id: NodeId;
  /** Throws like propose(): NotLeaderError, ProposalDroppedError. */
  proposeConfChange(cc: ConfChange): void;
  status(): Status | undefined;
  logEntries(): readonly Entry[];
}

/** What the operator can do to the simulated cluster. */
export interface OperatorHost {
  /** The running member that leads the highest term, if any. */
  leader(): OperatorLeader | undefined;
  /** Give `id` a new, empty drive and start it. */
  provision(id: NodeId): Promise<void>;
  /** Stop `id` for good and discard its drive. */
  decommission(id: NodeId): void;
  /** Whether every provisioned member that holds any state has a durable snapshot at or past `index`. */
  snapshotsCover(index: number): boolean;
  /** A readable trace line (only built when traces are kept). */
  note(line: () => string): void;
}

export interface MembershipStats {
  proposed: number;
  refused: number;
  lost: number;
  learnersAdded: number;
  /** Learners added under an id that was removed before (on a wiped drive). */
  reAdded: number;
  promoted: number;
  demoted: number;
  removed: number;
  /** Removals of the member that was leading when the removal was proposed. */
  leaderRemoved: number;
}

/** A change a leader accepted: the log slot it sits at. */
interface Proposal {
  readonly cc: ConfChange;
  readonly index: number;
  readonly term: number;
  readonly at: number;
  /** It removes the leader that accepted it. */
  readonly leaderRemoval: boolean;
}

/** The smallest voter set the operator removes down to. */
const MIN_VOTERS = 3;
/** An accepted proposal older than this is checked for being lost, every DEAD_CHECK_EVERY ticks. */
const DEAD_CHECK_AFTER_TICKS = 50;
const DEAD_CHECK_EVERY_TICKS = 25;
const NO_CONTEXT = new Uint8Array(0);

export class MembershipController {
  readonly #rng: Prng;
  readonly #params: MembershipParams;
  readonly #host: OperatorHost;
  #config: ConfState;
  #configIndex = 0;
  readonly #roles = new Map<NodeId, MemberRole>();
  /** Leaving members: the tick the operator stops them. */
  readonly #stopAt = new Map<NodeId, number>();
  /** Stopped members: the tick they were stopped. */
  readonly #stoppedAt = new Map<NodeId, number>();
  /** Removed ids: the index of the conf change that removed them. */
  readonly #removedAt = new Map<NodeId, number>();
  /** The change to propose next (not yet accepted by a leader). */
  #want: ConfChange | undefined;
  #proposal: Proposal | undefined;
  #retryAt = 0;
  /** False in the liveness phase: finish what is pending, start nothing new. */
  #active = true;
  #now = 0;
  readonly stats: MembershipStats = {
    proposed: 0,
    refused: 0,
    lost: 0,
    learnersAdded: 0,
    reAdded: 0,
    promoted: 0,
    demoted: 0,
    removed: 0,
    leaderRemoved: 0,
  };

  constructor(rng: Prng, params: MembershipParams, initial: ConfState, ids: readonly NodeId[], host: OperatorHost) {
    this.#rng = rng;
    this.#params = params;
    this.#host = host;
    this.#config = initial;
    for (const id of ids) this.#roles.set(id, initial.voters.includes(id) ? 'member' : 'absent');
  }

  /** The configuration in force: produced by the highest conf-change index applied anywhere. */
  get config(): ConfState {
    return this.#config;
  }

  role(id: NodeId): MemberRole {
    return this.#roles.get(id) ?? 'absent';
  }

  /** Nothing pending: no change wanted or in flight, nobody joining or leaving. */
  get settled(): boolean {
    if (this.#want !== undefined || this.#proposal !== undefined) return false;
    for (const r of this.#roles.values()) if (r === 'joining' || r === 'leaving') return false;
    return true;
  }

  /** The operator's state, for a liveness report. */
  describe(): string {
    const roles = [...this.#roles].map(([id, r]) => `${id}:${r}`).join(' ');
    const want = this.#want === undefined ? '' : ` wants ${this.#want.type} ${this.#want.nodeId};`;
    const p = this.#proposal;
    const proposal = p === undefined ? '' : ` proposed ${p.cc.type} ${p.cc.nodeId} at ${p.index}/${p.term} (t${p.at});`;
    return `operator:${want}${proposal} roles ${roles}`;
  }

  /** Liveness phase: start no new change, stop removed members at once. */
  enterLiveness(): void {
    this.#active = false;
    for (const id of this.#stopAt.keys()) this.#stopAt.set(id, this.#now);
  }

  /** A member applied a conf-change entry, producing `cs`. Only the first application of each index matters. */
  confChangeApplied(entry: Entry, cs: ConfState): void {
    if (entry.index <= this.#configIndex) return;
    const before = this.#config;
    this.#configIndex = entry.index;
    this.#config = cs;
    const inConfig = new Set([...cs.voters, ...cs.learners]);
    for (const [id, role] of this.#roles) {
      if (inConfig.has(id)) {
        if (role === 'joining') this.#roles.set(id, 'member');
        else if (role !== 'member') throw new Error(`operator: member ${id} (${role}) is back in the configuration without being re-added`);
      } else if (role === 'member') {
        this.#roles.set(id, 'leaving');
        this.#removedAt.set(id, entry.index);
        this.#stopAt.set(id, this.#active ? this.#now + this.#rng.range(0, this.#params.maxLingerTicks) : this.#now);
      }
    }
    for (const id of inConfig) {
      if (!this.#roles.has(id)) throw new Error(`operator: unknown member ${id} in the configuration`);
    }
    const p = this.#proposal;
    if (p !== undefined && entry.index === p.index) {
      this.#proposal = undefined;
      if (entry.term === p.term) this.#done(p.cc, p.leaderRemoval, before);
      else this.#lost(p);
    }
  }

  /** Entries reported committed somewhere: another entry at the proposal's slot means it is lost. */
  committed(entries: readonly Entry[]): void {
    const p = this.#proposal;
    if (p === undefined) return;
    for (const e of entries) {
      if (e.index === p.index && e.term !== p.term) {
        this.#proposal = undefined;
        this.#lost(p);
        return;
      }
    }
  }

  async step(now: number): Promise<void> {
    this.#now = now;
    for (const [id, at] of this.#stopAt) {
      if (at > now) continue;
      this.#stopAt.delete(id);
      this.#roles.set(id, 'absent');
      this.#stoppedAt.set(id, now);
      this.#host.decommission(id);
    }
    if (this.#proposal !== undefined) {
      this.#checkLost(now);
      return;
    }
    if (this.#want === undefined) await this.#decide(now);
    if (this.#want !== undefined && now >= this.#retryAt) this.#propose(now);
  }

  /** Our change was applied; `before` is the configuration it changed. */
  #done(cc: ConfChange, leaderRemoval: boolean, before: ConfState): void {
    switch (cc.type) {
      case 'add-learner':
        if (before.voters.includes(cc.nodeId)) {
          this.stats.demoted++;
        } else {
          this.stats.learnersAdded++;
          if (this.#removedAt.has(cc.nodeId)) this.stats.reAdded++;
        }
        return;
      case 'add-voter':
        this.stats.promoted++;
        return;
      case 'remove-node':
        this.stats.removed++;
        if (leaderRemoval) this.stats.leaderRemoved++;
        return;
    }
  }

  #lost(p: Proposal): void {
    this.#host.note(() => `t${this.#now} operator: ${p.cc.type} ${p.cc.nodeId} at index ${p.index} term ${p.term} is lost`);
    this.stats.lost++;
    this.#want = p.cc;
  }

  /** Decide the next change, if any. */
  async #decide(now: number): Promise<void> {
    for (const [id, role] of this.#roles) {
      if (role === 'joining') {
        // Provisioned, but its add-learner was lost: propose it again.
        this.#wantChange({ type: 'add-learner', nodeId: id, context: NO_CONTEXT });
        return;
      }
    }
    if (!this.#active || !this.#rng.chance(this.#params.changePerTickProbability)) return;
    const { voters, learners } = this.#config;
    const spares = [...this.#roles].filter(([id, r]) => r === 'absent' && this.#mayAdd(id, now)).map(([id]) => id);
    const options: { readonly weight: number; readonly act: () => Promise<void> | void }[] = [];
    if (spares.length > 0) {
      options.push({
        weight: 3,
        act: async () => {
          const id = this.#rng.pick(spares);
          this.#roles.set(id, 'joining');
          await this.#host.provision(id);
          this.#wantChange({ type: 'add-learner', nodeId: id, context: NO_CONTEXT });
        },
      });
    }
    if (learners.length > 0) {
      options.push({ weight: 3, act: () => this.#maybePromote(this.#rng.pick(learners)) });
      options.push({ weight: 1, act: () => this.#wantChange({ type: 'remove-node', nodeId: this.#rng.pick(learners), context: NO_CONTEXT }) });
    }
    if (voters.length > MIN_VOTERS) {
      options.push({ weight: 3, act: () => this.#wantChange({ type: 'remove-node', nodeId: this.#rng.pick(voters), context: NO_CONTEXT }) });
      options.push({ weight: 1, act: () => this.#wantChange({ type: 'add-learner', nodeId: this.#rng.pick(voters), context: NO_CONTEXT }) });
    }
    if (options.length === 0) return;
    let roll = this.#rng.float() * options.reduce((n, o) => n + o.weight, 0);
    for (const o of options) {
      roll -= o.weight;
      if (roll < 0) {
        await o.act();
        return;
      }
    }
  }

  /** A spare may always be added; a removed id only under the conditions in the header. */
  #mayAdd(id: NodeId, now: number): boolean {
    const removedAt = this.#removedAt.get(id);
    if (removedAt === undefined) return true;
    if (now - this.#stoppedAt.get(id)! < this.#params.reAddDelayTicks) return false;
    return !this.#params.reAddBarrier || this.#host.snapshotsCover(removedAt);
  }

  /** Promote a learner once the leader sees it caught up (an impatient operator does not wait). */
  #maybePromote(id: NodeId): void {
    const leader = this.#host.leader();
    const status = leader?.status();
    const match = status?.progress.get(id)?.match ?? 0;
    const caughtUp = status !== undefined && match >= status.hardState.commit;
    if (caughtUp || this.#rng.chance(this.#params.impatientPromoteProbability)) {
      this.#wantChange({ type: 'add-voter', nodeId: id, context: NO_CONTEXT });
    }
  }

  #wantChange(cc: ConfChange): void {
    this.#want = cc;
  }

  #propose(now: number): void {
    const cc = this.#want!;
    const leader = this.#host.leader();
    if (leader === undefined) {
      this.#retryAt = now + this.#rng.range(1, 10);
      return;
    }
    try {
      leader.proposeConfChange(cc);
    } catch (e) {
      if (!SimMember.isRefusal(e)) throw e;
      this.stats.refused++;
      this.#retryAt = now + this.#rng.range(1, 10);
      return;
    }
    // Proposed on the leader itself (never forwarded), so the entry is the
    // last one of its log right now.
    const last = leader.logEntries().at(-1);
    if (last === undefined || last.type !== 'conf-change') throw new Error('operator: the accepted conf change is not at the end of the leader log');
    this.stats.proposed++;
    this.#host.note(() => `t${now} operator: ${cc.type} ${cc.nodeId} proposed on leader ${leader.id} at index ${last.index} term ${last.term}`);
    const leaderRemoval = cc.type === 'remove-node' && cc.nodeId === leader.id;
    this.#proposal = { cc, index: last.index, term: last.term, at: now, leaderRemoval };
    this.#want = undefined;
  }

  /** Decide whether the accepted proposal can never commit (see the header). */
  #checkLost(now: number): void {
    const p = this.#proposal!;
    const age = now - p.at;
    if (age < DEAD_CHECK_AFTER_TICKS || age % DEAD_CHECK_EVERY_TICKS !== 0) return;
    const leader = this.#host.leader();
    const status = leader?.status();
    if (leader === undefined || status === undefined || status.hardState.term <= p.term) return;
    const term = status.hardState.term;
    const log = leader.logEntries();
    // Committed in its own term: its first entry of the term (the no-op) is
    // committed, or already compacted away (so applied, so committed).
    const own = log.find((e) => e.term === term);
    if (own !== undefined && own.index > status.hardState.commit) return;
    const first = log[0]?.index ?? Infinity;
    // Compacted there: committed and applied somewhere; had it been ours, that
    // application would have resolved the proposal. (A stale leader of an
    // old term can append below what the cluster has long committed.)
    if (p.index < first || log[p.index - first]?.term !== p.term) {
      this.#proposal = undefined;
      this.#lost(p);
    }
  }
}
