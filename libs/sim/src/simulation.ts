// One seeded run. The seed is expanded into independent PRNG streams (fault
// parameters, network, nemesis, workload, clients, and per member: the core's
// randomness, disk latency, drive crash outcomes), so every run of a seed is
// the same run.
//
// Each tick, in this fixed order:
//   1. nemesis (safety phase only): restarts due, a crash, a partition change,
//      maybe a leadership transfer request;
//   1b. the operator (membership runs): stops removed members, proposes the
//      next membership change (in the liveness phase: only finishes pending ones);
//   2. the network delivers what is due (each member steps it), reporting
//      unreachable peers and snapshot outcomes back to senders;
//   3. every live member ticks its RawNode (a slow clock sometimes skips);
//   4. clients time out, retry or issue operations;
//   5. every live member runs its Ready loop (finish a due write, send,
//      apply, advance, take the next Ready), then the workload consumes what
//      members produced (watch responses);
//   6. the cheap checkers have run inline; the first violation ends the run.
// After `safetyTicks` the liveness phase heals the network, calms it, restarts
// every member and stops the nemesis; within `livenessBudgetTicks` the
// members of the final configuration must elect one leader, commit and apply
// everything, and complete a probe write for every client. Linearizability is
// checked at the end. What members run and what clients do is the workload's
// (sim-workload.ts): registers, or the store (KV, leases, watches).

import type { ConfState, Message, NodeId, Term } from '@logbook/raft';
import { nodeId } from '@logbook/raft';
import { converged, convergenceReport } from './convergence.ts';
import { emptyFeatureStats } from './feature-stats.ts';
import { compareLogs } from './log-matching.ts';
import type { AppHost, MemberApp } from './member-app.ts';
import type { MemberObserver } from './member-observer.ts';
import { SimMember } from './member.ts';
import { MembershipController } from './membership-controller.ts';
import { MemoryDrive } from './memory-drive.ts';
import { WalDrive } from './wal-drive.ts';
import { Nemesis, type NemesisActions } from './nemesis.ts';
import { SimNetwork } from './network.ts';
import { Prng } from './prng.ts';
import { SafetyMonitor } from './safety-monitor.ts';
import type { DriveMutations, SimDrive } from './sim-disk.ts';
import type { RegisterApp } from './register-app.ts';
import { RegisterWorkload } from './register-workload.ts';
import { DEFAULT_LIVENESS_BUDGET_TICKS, DEFAULT_SAFETY_TICKS, DEFAULT_STORE_SAFETY_TICKS, drawParams, type SimParams } from './sim-params.ts';
import type { DiskKind, DriveFactory, SimOptions, SimResult } from './sim-types.ts';
import { SimTransport } from './sim-transport.ts';
import { codeOf, Trace } from './trace.ts';
import type { Violation } from './violation.ts';
import type { SimWorkload, WorkloadContext, WorkloadReport } from './sim-workload.ts';

import type { StoreApp } from './store/store-app.ts';
import { StoreWorkload } from './store/store-workload.ts';

export type { DiskKind, DriveFactory, SimOptions, SimResult, SimStats } from './sim-types.ts';

const DRIVE_FACTORIES: Readonly<Record<DiskKind, DriveFactory>> = {
  wal: ({ id, bootstrap, rng, params, mutations }) => new WalDrive(id, bootstrap, rng, params.drive, mutations),
  memory: ({ bootstrap, rng, params, mutations }) => new MemoryDrive(bootstrap, rng, params.drive, mutations),
};

/** Most ticks a write takes in the liveness phase: with the calm network's 3-tick delays a round trip stays near half the election timeout. */
const CALM_DISK_LATENCY_TICKS = 1;

/** A transfer counts as completed if its transferee leads a later term within this many ticks. */
const TRANSFER_DEADLINE_TICKS = 40;

export async function runSimulation(opts: SimOptions): Promise<SimResult> {
  if (opts.workload === 'store') return new Simulation<StoreApp>(opts, (ctx) => new StoreWorkload(ctx)).run();
  return new Simulation<RegisterApp>(opts, (ctx) => new RegisterWorkload(ctx)).run();
}

class Simulation<A extends MemberApp> {
  readonly #params: SimParams;
  readonly #trace: Trace;
  readonly #monitor = new SafetyMonitor();
  readonly #network: SimNetwork;
  readonly #nemesis: Nemesis;
  /** Every member id of the run, provisioned or not; index = id - 1. */
  readonly #members: SimMember<A>[] = [];
  readonly #workload: SimWorkload<A>;
  /** Decides which members' clocks skip a tick. */
  readonly #clockRng: Prng;
  /** The operator of a membership run. */
  readonly #operator: MembershipController | undefined;
  /** Builds a member's next drive (a joiner's, or a re-added member's wiped one). */
  readonly #newDrive: (id: NodeId, bootstrap: ConfState | undefined) => SimDrive;
  readonly #features = emptyFeatureStats();
  /** The latest transfer request, until its transferee leads or the deadline passes. */
  #transfer: { readonly transferee: NodeId; readonly term: Term; readonly at: number } | undefined;
  #now = 0;
  #crashes = 0;
  #partitions = 0;
  #violation: Violation | undefined;
  readonly #transport: SimTransport;

  constructor(opts: SimOptions, workload: (ctx: WorkloadContext<A>) => SimWorkload<A>) {
    const root = Prng.fromSeed(opts.seed);
    this.#params = drawParams(opts.seed, root.fork(), {
      safetyTicks: opts.safetyTicks ?? (opts.workload === 'store' ? DEFAULT_STORE_SAFETY_TICKS : DEFAULT_SAFETY_TICKS),
      livenessBudgetTicks: opts.livenessBudgetTicks ?? DEFAULT_LIVENESS_BUDGET_TICKS,
      mutant: opts.mutant,
    });
    const p = this.#params;
    this.#trace = new Trace(opts.traceLines ?? 0);
    this.#network = new SimNetwork(root.fork(), p.network);
    const ids = Array.from({ length: p.memberIds }, (_, i) => nodeId(i + 1));
    const provisioned = (): NodeId[] => this.#members.filter((m) => m.provisioned).map((m) => m.id);
    this.#nemesis = new Nemesis(root.fork(), p.partitions, p.crashes, p.transferPerTickProbability, provisioned, this.#network);
    const mutations: DriveMutations = { skipFsync: p.mutant === 'skip-fsync', forgetVote: p.mutant === 'forget-vote' };
    const factory = opts.driveFactory ?? DRIVE_FACTORIES[opts.disk ?? 'wal'];
    const observer = this.#observer();
    const initial: ConfState = { voters: ids.slice(0, p.clusterSize), learners: [] };
    const driveRngs: Prng[] = [];
    // Applications are built when a member starts, after the workload exists.
    const appFactory = (host: AppHost): A => this.#workload.createApp(host);
    for (const id of ids) {
      const driveRng = root.fork();
      driveRngs.push(driveRng);
      const drive = id <= p.clusterSize ? factory({ id, bootstrap: initial, rng: driveRng, params: p, mutations }) : undefined;
      this.#members.push(new SimMember<A>(id, drive, root.fork(), p.member, observer, appFactory));
    }
    // Each new drive of an id gets a fresh stream forked from that id's drive stream.
    this.#newDrive = (id, bootstrap) => factory({ id, bootstrap, rng: driveRngs[id - 1]!.fork(), params: p, mutations });
    this.#transport = new SimTransport(this.#network, this.#members, this.#trace, (from, m) => this.#workload.mayDuplicate(from, m));
    this.#workload = workload({ root, params: p, members: this.#members, trace: this.#trace, now: () => this.#now });
    this.#clockRng = root.fork();
    const operatorRng = root.fork();
    this.#operator =
      p.membership === undefined
        ? undefined
        : new MembershipController(operatorRng, p.membership, initial, ids, {
            leader: () => this.#leader(),
            provision: (id) => this.#provision(id),
            decommission: (id) => this.#decommission(id),
            note: (line) => this.#trace.line(line),
            snapshotsCover: (index) => this.#members.every((m) => !m.provisioned || m.durableSnapshotIndex === 0 || m.durableSnapshotIndex >= index),
          });
  }

  #observer(): MemberObserver {
    const m = this.#monitor;
    return {
      leader: (member, term, lookup, voter) => {
        if (!m.leader(member, term, lookup, voter)) return;
        const t = this.#transfer;
        if (t !== undefined && t.transferee === member && term > t.term) {
          if (this.#now - t.at <= TRANSFER_DEADLINE_TICKS) this.#features.transfersCompleted++;
          this.#transfer = undefined;
        }
        if (this.#now < this.#params.safetyTicks) {
          const partition = this.#nemesis.noteNewLeader(member, this.#now);
          if (partition !== undefined) this.#tracePartition(partition);
        }
      },
      committed: (member, term, entries, asLeader) => {
        m.committed(member, term, entries);
        this.#operator?.committed(entries);
        if (asLeader && this.#now < this.#params.safetyTicks) this.#nemesis.noteLeaderCommit(member, this.#now);
      },
      persisted: (member, entries, prevTerm) => m.persisted(member, entries, prevTerm),
      votePersisted: (member, _term, vote) => {
        if (this.#now < this.#params.safetyTicks) this.#nemesis.noteVote(member, vote, this.#now);
      },
      applied: (member, entry, digest) => m.applied(member, entry, digest),
      confChangeApplied: (member, entry, cc, cs) => {
        const now = this.#now;
        this.#trace.line(
          () => `t${now} member ${member} applied ${cc.type} ${cc.nodeId} at ${entry.index}/${entry.term}: voters ${cs.voters.join(',')} learners ${cs.learners.join(',') || '-'}`,
        );
        this.#operator?.confChangeApplied(entry, cs);
      },
      snapshotRestored: (member, index, digest, source) => {
        if (source === 'leader') this.#features.snapshotsApplied++;
        m.snapshotRestored(member, index, digest);
      },
      snapshotCreated: () => {
        this.#features.snapshotsCreated++;
      },
      send: (from, messages) => this.#send(from, messages),
    };
  }

  async run(): Promise<SimResult> {
    const p = this.#params;
    let convergedAt: number | undefined;
    try {
      for (const m of this.#members) if (m.provisioned) await m.start();
      const end = p.safetyTicks + p.livenessBudgetTicks;
      for (this.#now = 0; this.#now < end; this.#now++) {
        if (this.#now === p.safetyTicks) await this.#enterLiveness();
        await this.#step();
        this.#violation ??= this.#monitor.violation ?? this.#workload.violation;
        if (this.#violation !== undefined) break;
        if (this.#now >= p.safetyTicks && this.#converged()) {
          convergedAt = this.#now;
          break;
        }
      }
      if (this.#violation === undefined && convergedAt === undefined) {
        this.#violation = { checker: 'liveness', tick: this.#now, message: this.#livenessReport() };
      }
      this.#violation ??= this.#finalChecks();
    } catch (e) {
      this.#violation ??= {
        checker: 'exception',
        tick: this.#now,
        message: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e),
      };
    }
    const end = this.#finishWorkload();
    return {
      seed: p.seed,
      ok: this.#violation === undefined,
      violation: this.#violation,
      params: p,
      workloadParams: end.params,
      ticks: this.#now,
      traceHash: this.#trace.digest(),
      traceLines: this.#trace.lines,
      stats: {
        network: this.#network.stats,
        clients: end.clients,
        crashes: this.#crashes,
        partitions: this.#partitions,
        termsWithLeader: this.#monitor.election.termsWithLeader,
        committedEntries: this.#monitor.completeness.committedCount,
        linearizabilitySteps: end.linearizabilitySteps,
        linearizabilityUndecided: end.linearizabilityUndecided,
        historyOps: end.historyOps,
        convergedAt,
        features: {
          ...this.#features,
          leaseReads: p.member.readOnlyOption === 'lease-based' ? end.clients.readIndexCompleted : 0,
          membership: this.#operator === undefined ? undefined : { ...this.#operator.stats },
        },
        store: end.store,
      },
    };
  }

  /** The workload's end-of-run checks (only when nothing failed yet) and statistics; a throw there fails the seed too. */
  #finishWorkload(): WorkloadReport {
    try {
      const { violation, report } = this.#workload.finish(this.#violation === undefined);
      this.#violation ??= violation;
      return report;
    } catch (e) {
      this.#violation ??= {
        checker: 'exception',
        tick: this.#now,
        message: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e),
      };
      return this.#workload.finish(false).report;
    }
  }

  async #step(): Promise<void> {
    const now = this.#now;
    this.#monitor.now = now;
    this.#transport.beginTick();
    if (now < this.#params.safetyTicks) await this.#nemesisStep(now);
    if (this.#operator !== undefined) await this.#operator.step(now);
    this.#transport.deliver(now);
    const skip = this.#params.tickSkipProbability;
    for (const m of this.#members) {
      if (m.up && !this.#clockRng.chance(skip[m.id - 1] ?? 0)) m.tick();
    }
    this.#workload.step(now);
    for (const m of this.#members) if (m.up) await m.pump(now);
    this.#workload.afterPump(now);
  }

  async #nemesisStep(now: number): Promise<void> {
    const a = this.#nemesis.step(now);
    for (const id of a.restart) {
      if (!this.#member(id).provisioned) continue;
      this.#trace.event(now, 1, id);
      this.#trace.line(() => `t${now} restart ${id}`);
      await this.#member(id).start();
    }
    for (const id of a.crash) {
      if (!this.#member(id).up) continue;
      this.#crashes++;
      this.#trace.event(now, 2, id);
      this.#trace.line(() => `t${now} crash ${id}`);
      this.#member(id).crash();
    }
    if (a.partition !== undefined) this.#tracePartition(a.partition);
    if (a.transfer) this.#requestTransfer(now);
  }

  #requestTransfer(now: number): void {
    const leader = this.#leader();
    if (leader === undefined) return;
    const status = leader.status()!;
    const up = this.#members.filter((m) => m.up).map((m) => m.id);
    const { asked, transferee } = this.#nemesis.pickTransfer(leader.id, leader.confState().voters, up);
    const member = this.#member(asked);
    this.#features.transfersRequested++;
    this.#trace.event(now, 5, asked, transferee);
    this.#trace.line(() => `t${now} transfer leadership: asked ${asked} (leader ${leader.id}) to hand over to ${transferee}`);
    member.transferLeader(transferee);
    if (transferee !== leader.id) this.#transfer = { transferee, term: status.hardState.term, at: now };
  }

  /** The running member that leads the highest term, if any. */
  #leader(): SimMember<A> | undefined {
    let best: SimMember<A> | undefined;
    let bestTerm = -1;
    for (const m of this.#members) {
      const s = m.status();
      if (s?.softState.raftState === 'leader' && s.hardState.term > bestTerm) {
        best = m;
        bestTerm = s.hardState.term;
      }
    }
    return best;
  }

  async #provision(id: NodeId): Promise<void> {
    const now = this.#now;
    this.#trace.event(now, 6, id);
    this.#trace.line(() => `t${now} operator: provision ${id} on an empty drive`);
    const m = this.#member(id);
    m.provision(this.#newDrive(id, undefined));
    await m.start();
  }

  #decommission(id: NodeId): void {
    const now = this.#now;
    this.#trace.event(now, 7, id);
    this.#trace.line(() => `t${now} operator: stop removed member ${id}, discard its drive`);
    this.#member(id).decommission();
    this.#nemesis.forget(id);
  }

  #tracePartition(p: NonNullable<NemesisActions['partition']>): void {
    const now = this.#now;
    if (p.kind !== 'heal') this.#partitions++;
    this.#trace.event(now, 3, codeOf(p.kind));
    this.#trace.line(() => `t${now} partition ${p.kind} ${p.detail}`);
  }

  async #enterLiveness(): Promise<void> {
    const now = this.#now;
    this.#network.healAll();
    this.#network.setParams(this.#params.calmNetwork);
    this.#workload.enterLiveness();
    this.#operator?.enterLiveness();
    for (const m of this.#members) {
      m.calmDisk(CALM_DISK_LATENCY_TICKS);
      if (!m.up && m.provisioned) await m.start();
    }
    this.#trace.event(now, 4);
    this.#trace.line(() => `t${now} liveness phase: healed, calm network and disks, all members up`);
  }

  #member(id: NodeId): SimMember<A> {
    const m = this.#members[id - 1];
    if (m === undefined || m.id !== id) throw new Error(`no member ${id}`);
    return m;
  }

  #send(from: NodeId, messages: readonly Message[]): void {
    for (const msg of messages) {
      if (msg.type === 'MsgSnap') this.#features.snapshotsSent++;
      if (msg.type === 'MsgTimeoutNow' && this.#now < this.#params.safetyTicks) {
        const partition = this.#nemesis.noteTimeoutNow(from, this.#now);
        if (partition !== undefined) this.#tracePartition(partition);
      }
      this.#transport.send(from, msg, this.#now);
    }
  }

  /** Members of the final configuration: every member when it never changes. */
  #inConfig = (id: NodeId): boolean => {
    const cs = this.#operator?.config;
    return cs === undefined || cs.voters.includes(id) || cs.learners.includes(id);
  };

  #converged(): boolean {
    if (!this.#workload.settled || this.#operator?.settled === false) return false;
    return converged(this.#members, this.#inConfig);
  }

  #livenessReport(): string {
    const op = this.#operator;
    const config = op === undefined ? '' : ` configuration voters ${op.config.voters.join(',')} learners ${op.config.learners.join(',') || '-'}` +
      ` (${op.describe()});`;
    return `no convergence within ${this.#params.livenessBudgetTicks} ticks of the liveness phase ` +
      `(clients probed: ${this.#workload.settled});${config} ${convergenceReport(this.#members, this.#inConfig)}`;
  }

  #finalChecks(): Violation | undefined {
    const logs = this.#members.map((m) => m.persistedEntries());
    for (let i = 0; i < logs.length; i++) {
      for (let j = i + 1; j < logs.length; j++) {
        const why = compareLogs(logs[i]!, logs[j]!);
        if (why !== undefined) {
          return { checker: 'log-matching', tick: this.#now, message: `members ${i + 1} and ${j + 1}: ${why}` };
        }
      }
    }
    return undefined;
  }
}
