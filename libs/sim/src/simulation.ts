// One seeded run. The seed is expanded into independent PRNG streams (fault
// parameters, network, nemesis, workload, clients, and per member: the core's
// randomness, disk latency, drive crash outcomes), so every run of a seed is
// the same run.
//
// Each tick, in this fixed order:
//   1. nemesis (safety phase only): restarts due, a crash, a partition change;
//   2. the network delivers what is due (each member steps it), reporting
//      unreachable peers and snapshot outcomes back to senders;
//   3. every live member ticks its RawNode (a slow clock sometimes skips);
//   4. clients time out, retry or issue operations;
//   5. every live member runs its Ready loop (finish a due write, send,
//      apply, advance, take the next Ready);
//   6. the cheap checkers have run inline; the first violation ends the run.
// After `safetyTicks` the liveness phase heals the network, calms it, restarts
// every member and stops the nemesis; within `livenessBudgetTicks` the cluster
// must elect one leader, commit and apply everything everywhere, and complete
// a probe write for every client. Linearizability is checked at the end.

import type { Message, NodeId } from '@logbook/raft';
import { nodeId } from '@logbook/raft';
import { ClientFleet, type ClientStats } from './clients.ts';
import { History } from './history.ts';
import { checkLinearizable } from './linearizability.ts';
import { compareLogs } from './log-matching.ts';
import { SimMember, type MemberObserver } from './member.ts';
import { MemoryDrive } from './memory-drive.ts';
import { WalDrive } from './wal-drive.ts';
import type { MutantName } from './mutants.ts';
import { Nemesis, type NemesisActions } from './nemesis.ts';
import { SimNetwork, type NetworkStats } from './network.ts';
import { Prng } from './prng.ts';
import { SafetyMonitor } from './safety-monitor.ts';
import type { DriveMutations, SimDrive } from './sim-disk.ts';
import { DEFAULT_LIVENESS_BUDGET_TICKS, DEFAULT_SAFETY_TICKS, drawParams, type SimParams } from './sim-params.ts';
import { codeOf, describeDelivery, Trace } from './trace.ts';
import type { Violation } from './violation.ts';
import { Workload } from './workload.ts';

export interface SimOptions {
  readonly seed: number;
  /** Upper bound of the safety phase; its length is drawn from [ceil(max/2), max]. Default DEFAULT_SAFETY_TICKS. */
  readonly safetyTicks?: number | undefined;
  readonly livenessBudgetTicks?: number | undefined;
  readonly mutant?: MutantName | undefined;
  /** Keep this many readable trace lines for the report (0: none, the default). */
  readonly traceLines?: number | undefined;
  /** Which drive members run on: the real WAL over MemFs (default) or the in-memory model. */
  readonly disk?: DiskKind | undefined;
  /** Builds each member's drive; overrides `disk`. */
  readonly driveFactory?: DriveFactory | undefined;
}

export type DriveFactory = (args: {
  readonly id: NodeId;
  readonly voters: readonly NodeId[];
  readonly rng: Prng;
  readonly params: SimParams;
  readonly mutations: DriveMutations;
}) => SimDrive;

export interface SimStats {
  readonly network: NetworkStats;
  readonly clients: ClientStats;
  readonly crashes: number;
  readonly partitions: number;
  readonly termsWithLeader: number;
  readonly committedEntries: number;
  readonly linearizabilitySteps: number;
  /** The linearizability search hit its step budget: neither proven nor refuted. */
  readonly linearizabilityUndecided: boolean;
  readonly historyOps: number;
  /** Tick at which the liveness phase converged (undefined if it did not). */
  readonly convergedAt: number | undefined;
}

export interface SimResult {
  readonly seed: number;
  readonly ok: boolean;
  readonly violation: Violation | undefined;
  readonly params: SimParams;
  readonly ticks: number;
  readonly traceHash: string;
  readonly traceLines: readonly string[];
  readonly stats: SimStats;
}

export type DiskKind = 'wal' | 'memory';

const DRIVE_FACTORIES: Readonly<Record<DiskKind, DriveFactory>> = {
  wal: ({ id, voters, rng, params, mutations }) => new WalDrive(id, voters, rng, params.drive, mutations),
  memory: ({ voters, rng, params, mutations }) => new MemoryDrive({ voters, learners: [] }, rng, params.drive, mutations),
};

export async function runSimulation(opts: SimOptions): Promise<SimResult> {
  const sim = new Simulation(opts);
  return sim.run();
}

class Simulation {
  readonly #params: SimParams;
  readonly #trace: Trace;
  readonly #monitor = new SafetyMonitor();
  readonly #history = new History();
  readonly #network: SimNetwork;
  readonly #nemesis: Nemesis;
  readonly #members: SimMember[] = [];
  readonly #clients: ClientFleet;
  /** Decides which members' clocks skip a tick. */
  readonly #clockRng: Prng;
  #now = 0;
  #crashes = 0;
  #partitions = 0;
  #violation: Violation | undefined;
  /** (sender, peer) pairs already reported unreachable this tick. */
  readonly #reportedUnreachable = new Set<number>();

  constructor(opts: SimOptions) {
    const root = Prng.fromSeed(opts.seed);
    this.#params = drawParams(opts.seed, root.fork(), {
      safetyTicks: opts.safetyTicks ?? DEFAULT_SAFETY_TICKS,
      livenessBudgetTicks: opts.livenessBudgetTicks ?? DEFAULT_LIVENESS_BUDGET_TICKS,
      mutant: opts.mutant,
    });
    const p = this.#params;
    this.#trace = new Trace(opts.traceLines ?? 0);
    this.#network = new SimNetwork(root.fork(), p.network);
    const ids = Array.from({ length: p.clusterSize }, (_, i) => nodeId(i + 1));
    this.#nemesis = new Nemesis(root.fork(), p.partitions, p.crashes, ids, this.#network);
    const mutations: DriveMutations = { skipFsync: p.mutant === 'skip-fsync', forgetVote: p.mutant === 'forget-vote' };
    const factory = opts.driveFactory ?? DRIVE_FACTORIES[opts.disk ?? 'wal'];
    const observer = this.#observer();
    for (const id of ids) {
      const drive = factory({ id, voters: ids, rng: root.fork(), params: p, mutations });
      this.#members.push(new SimMember(id, drive, root.fork(), p.member, observer));
    }
    const workload = new Workload(root.fork(), p.keyCount, p.clients.count, p.clients.readIndexShare);
    this.#clients = new ClientFleet(root.fork(), p.clients, this.#history, workload, this.#members, this.#trace);
    this.#clockRng = root.fork();
  }

  #observer(): MemberObserver {
    const m = this.#monitor;
    return {
      leader: (member, term, lookup) => {
        if (m.leader(member, term, lookup) && this.#now < this.#params.safetyTicks) {
          const partition = this.#nemesis.noteNewLeader(member, this.#now);
          if (partition !== undefined) this.#tracePartition(partition);
        }
      },
      committed: (member, term, entries, asLeader) => {
        m.committed(member, term, entries);
        if (asLeader && this.#now < this.#params.safetyTicks) this.#nemesis.noteLeaderCommit(member, this.#now);
      },
      persisted: (member, entries, prevTerm) => m.persisted(member, entries, prevTerm),
      votePersisted: (member, _term, vote) => {
        if (this.#now < this.#params.safetyTicks) this.#nemesis.noteVote(member, vote, this.#now);
      },
      applied: (member, entry, digest) => m.applied(member, entry, digest),
      snapshotRestored: (member, index, digest) => m.snapshotRestored(member, index, digest),
      result: (_member, clientId, seq, output) => this.#clients.deliver(clientId, seq, output, this.#now),
      send: (from, messages) => this.#send(from, messages),
    };
  }

  async run(): Promise<SimResult> {
    const p = this.#params;
    let convergedAt: number | undefined;
    try {
      for (const m of this.#members) await m.start();
      const end = p.safetyTicks + p.livenessBudgetTicks;
      for (this.#now = 0; this.#now < end; this.#now++) {
        if (this.#now === p.safetyTicks) await this.#enterLiveness();
        await this.#step();
        this.#violation ??= this.#monitor.violation;
        if (this.#violation !== undefined) break;
        if (this.#now >= p.safetyTicks && this.#converged()) {
          convergedAt = this.#now;
          break;
        }
      }
      if (this.#violation === undefined && convergedAt === undefined) {
        this.#violation = { checker: 'liveness', tick: this.#now, message: this.#livenessReport() };
      }
      if (this.#violation === undefined) this.#violation = this.#finalChecks();
    } catch (e) {
      this.#violation ??= {
        checker: 'exception',
        tick: this.#now,
        message: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e),
      };
    }
    const lin = this.#violation === undefined ? checkLinearizable(this.#history.ops()) : undefined;
    if (lin !== undefined && lin.kind === 'violation') {
      this.#violation = { checker: 'linearizability', tick: this.#now, message: lin.explanation };
    }
    const counts = this.#history.counts();
    return {
      seed: p.seed,
      ok: this.#violation === undefined,
      violation: this.#violation,
      params: p,
      ticks: this.#now,
      traceHash: this.#trace.digest(),
      traceLines: this.#trace.lines,
      stats: {
        network: this.#network.stats,
        clients: this.#clients.stats,
        crashes: this.#crashes,
        partitions: this.#partitions,
        termsWithLeader: this.#monitor.election.termsWithLeader,
        committedEntries: this.#monitor.completeness.committedCount,
        linearizabilitySteps: lin?.steps ?? 0,
        linearizabilityUndecided: lin?.kind === 'undecided',
        historyOps: counts.completed + counts.unknown + counts.pending,
        convergedAt,
      },
    };
  }

  async #step(): Promise<void> {
    const now = this.#now;
    this.#monitor.now = now;
    this.#reportedUnreachable.clear();
    if (now < this.#params.safetyTicks) await this.#nemesisStep(now);
    this.#deliver(now);
    const skip = this.#params.tickSkipProbability;
    for (const m of this.#members) {
      if (m.up && !this.#clockRng.chance(skip[m.id - 1] ?? 0)) m.tick();
    }
    this.#clients.step(now);
    for (const m of this.#members) if (m.up) await m.pump(now);
  }

  async #nemesisStep(now: number): Promise<void> {
    const a = this.#nemesis.step(now);
    for (const id of a.restart) {
      this.#trace.event(now, 1, id);
      this.#trace.line(() => `t${now} restart ${id}`);
      await this.#member(id).start();
    }
    for (const id of a.crash) {
      this.#crashes++;
      this.#trace.event(now, 2, id);
      this.#trace.line(() => `t${now} crash ${id}`);
      this.#member(id).crash();
    }
    if (a.partition !== undefined) this.#tracePartition(a.partition);
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
    this.#clients.setMode('probe');
    for (const m of this.#members) {
      if (!m.up) await m.start();
    }
    this.#trace.event(now, 4);
    this.#trace.line(() => `t${now} liveness phase: healed, calm network, all members up`);
  }

  #member(id: NodeId): SimMember {
    const m = this.#members[id - 1];
    if (m === undefined || m.id !== id) throw new Error(`no member ${id}`);
    return m;
  }

  #send(from: NodeId, messages: readonly Message[]): void {
    for (const msg of messages) {
      if (!this.#network.send(from, msg, this.#now)) this.#unreachable(from, msg);
    }
  }

  #deliver(now: number): void {
    for (const d of this.#network.takeDue(now)) {
      const { from, message: m } = d;
      const target = this.#members[m.to - 1];
      const fate = target === undefined || !target.up ? 'down' : d.fate;
      this.#trace.event(now, 10, from, m.to, codeOf(m.type), m.term, m.index, codeOf(fate));
      if (this.#trace.wantsLines) this.#trace.line(() => describeDelivery(now, from, m, fate));
      if (fate === 'lost') {
        // Silent loss: raft's retries cover it; only a snapshot stream notices.
        const sender = this.#members[from - 1];
        if (m.type === 'MsgSnap' && sender?.up === true) sender.reportSnapshot(m.to, 'failure');
        continue;
      }
      if (fate !== 'deliver') {
        this.#unreachable(from, m);
        continue;
      }
      target!.receive(m);
      if (m.type === 'MsgSnap') {
        const sender = this.#member(from);
        if (sender.up) sender.reportSnapshot(m.to, 'finish');
      }
    }
  }

  /** The transport could not get `m` through: tell the sender, as a real transport does. */
  #unreachable(from: NodeId, m: Message): void {
    const sender = this.#members[from - 1];
    if (sender === undefined || !sender.up) return;
    if (m.type === 'MsgSnap') sender.reportSnapshot(m.to, 'failure');
    const key = from * 1024 + m.to;
    if (this.#reportedUnreachable.has(key)) return;
    this.#reportedUnreachable.add(key);
    sender.reportUnreachable(m.to);
  }

  #converged(): boolean {
    if (!this.#clients.allProbed) return false;
    const statuses = this.#members.map((m) => m.node?.status());
    const leaders = statuses.filter((s) => s?.softState.raftState === 'leader');
    if (leaders.length !== 1) return false;
    const l = leaders[0]!;
    const commit = l.hardState.commit;
    const digest = this.#members[l.id - 1]!.digest;
    return this.#members.every((m, i) => {
      const s = statuses[i];
      return (
        s !== undefined &&
        s.hardState.term === l.hardState.term &&
        s.softState.lead === l.id &&
        s.hardState.commit === commit &&
        m.lastIndex === commit &&
        m.applied === commit &&
        m.digest === digest
      );
    });
  }

  #livenessReport(): string {
    const parts = this.#members.map((m) => {
      const s = m.node?.status();
      if (s === undefined) return `${m.id}: down`;
      return (
        `${m.id}: ${s.softState.raftState} term ${s.hardState.term} lead ${s.softState.lead} ` +
        `commit ${s.hardState.commit} last ${m.lastIndex} applied ${m.applied}`
      );
    });
    return `no convergence within ${this.#params.livenessBudgetTicks} ticks of the liveness phase ` +
      `(clients probed: ${this.#clients.allProbed}); ${parts.join('; ')}`;
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
