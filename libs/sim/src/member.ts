// One simulated member: the real RawNode, a simulated disk and the
// workload's application (member-app.ts: the replicated state machine and
// what serves clients from it), driven by the Ready contract:
//   ready() → persist (takes disk-latency ticks) → send → apply → advance().
// Messages leave only after their Ready's write completed. While a write is
// in flight the member still ticks and steps messages; the next ready() waits
// for advance().
//
// The member reports everything the checkers need to a MemberObserver
// (member-observer.ts), at the moment it happens (ready taken, write done,
// entry applied).
//
// A member id is "provisioned" while it has a drive: from the start for the
// initial members, from the moment the operator adds it for a joiner. When
// the operator stops a removed member its drive is discarded; a later re-add
// of the id provisions a new, empty drive (a removed member's data is never
// reused).

import {
  decodeConfChange,
  discardLogger,
  NotLeaderError,
  RawNode,
  type ConfChange,
  type ConfState,
  type Entry,
  type LogIndex,
  type Message,
  type NodeId,
  type Ready,
  type StateType,
  type Status,
  type Term,
} from '@logbook/raft';
import type { AppFactory, AppHost, MemberApp } from './member-app.ts';
import type { MemberObserver, MemberSettings } from './member-observer.ts';
import type { Prng } from './prng.ts';
import type { SimDisk, SimDrive } from './sim-disk.ts';
import { overlayLookup } from './log-lookup.ts';

/** Ready cycles one member may run in a single tick when writes take zero ticks. */
const MAX_READY_CYCLES_PER_TICK = 4;

interface Running<A extends MemberApp> {
  readonly node: RawNode;
  readonly disk: SimDisk;
  readonly app: A;
  inflight: { readonly rd: Ready; readonly doneAt: number } | undefined;
  term: Term;
  persistedVote: { readonly term: Term; readonly vote: NodeId };
  raftState: StateType;
  /** The leader as of the last soft state (0: none known). */
  lead: NodeId;
  observedCommit: number;
  applied: number;
  lastSnapshotIndex: number;
  /**
   * A member was added since the last snapshot: take the next one right
   * away. A joiner is caught up from the leader's latest snapshot, which
   * must already list it in its ConfState or the joiner refuses it (and
   * keeps refusing until the next periodic snapshot, maybe never).
   */
  snapshotSoon: boolean;
}

export class SimMember<A extends MemberApp = MemberApp> {
  readonly id: NodeId;
  #drive: SimDrive | undefined;
  readonly #rng: Prng;
  readonly #settings: MemberSettings;
  readonly #observer: MemberObserver;
  readonly #appFactory: AppFactory<A>;
  #run: Running<A> | undefined;
  /** Ticks this member has taken, over all its incarnations: its own clock (see AppHost.localTicks). */
  #localTicks = 0;
  /**
   * Index of the newest snapshot on the drive (snapshots are written
   * synced, so a crash keeps it); the configuration this member can ever
   * hold again is at least that snapshot's.
   */
  #durableSnapshotIndex = 0;
  /** The liveness phase calms the disk too (see calmDisk). */
  #diskLatencyCapTicks = Infinity;

  /** `drive` undefined: a spare id, not provisioned until the operator adds it. */
  constructor(id: NodeId, drive: SimDrive | undefined, rng: Prng, settings: MemberSettings, observer: MemberObserver, appFactory: AppFactory<A>) {
    this.id = id;
    this.#drive = drive;
    this.#rng = rng;
    this.#settings = settings;
    this.#observer = observer;
    this.#appFactory = appFactory;
  }

  get up(): boolean {
    return this.#run !== undefined;
  }

  /** Has a drive (it may be down); false for a spare or a removed member the operator stopped. */
  get provisioned(): boolean {
    return this.#drive !== undefined;
  }

  /** Give a spare (or stopped) id a new, empty drive; start() it next. */
  provision(drive: SimDrive): void {
    if (this.#drive !== undefined) throw new Error(`member ${this.id} is already provisioned`);
    this.#drive = drive;
    this.#durableSnapshotIndex = 0;
  }

  /**
   * Cap write latency from now on. A round trip includes a write on each
   * side; Raft only promises progress when a round trip is well under the
   * election timeout, so the liveness phase calms the disk as it does the
   * network.
   */
  calmDisk(maxLatencyTicks: number): void {
    this.#diskLatencyCapTicks = maxLatencyTicks;
  }

  /** 0 when the drive holds no snapshot (a joiner that has not received one yet). */
  get durableSnapshotIndex(): number {
    return this.#durableSnapshotIndex;
  }

  /** The operator stops a removed member for good: its memory and its drive are discarded. */
  decommission(): void {
    if (this.#drive === undefined) throw new Error(`member ${this.id} is not provisioned`);
    if (this.#run !== undefined) this.crash();
    this.#drive = undefined;
  }

  get node(): RawNode | undefined {
    return this.#run?.node;
  }

  get applied(): number {
    return this.#run?.applied ?? 0;
  }

  get digest(): string | undefined {
    return this.#run?.app.digest();
  }

  /** The running incarnation's application (undefined when down). */
  get app(): A | undefined {
    return this.#run?.app;
  }

  /** A Ready's write is in flight (its messages not sent, advance() not called yet). */
  get writing(): boolean {
    return this.#run?.inflight !== undefined;
  }

  /** Last index of the persisted log (0 when down). */
  get lastIndex(): number {
    return this.#run?.disk.storage.lastIndex() ?? 0;
  }

  /** The persisted log's entries (empty when down), for end-of-run checks. */
  persistedEntries(): readonly Entry[] {
    const s = this.#run?.disk.storage;
    if (s === undefined || s.lastIndex() < s.firstIndex()) return [];
    return s.entries(s.firstIndex(), (s.lastIndex() + 1) as LogIndex, Number.MAX_SAFE_INTEGER);
  }

  async start(): Promise<void> {
    if (this.#run !== undefined) throw new Error(`member ${this.id} started twice`);
    if (this.#drive === undefined) throw new Error(`member ${this.id} is not provisioned`);
    const disk = await this.#drive.open();
    const s = this.#settings;
    const app = this.#appFactory(this.#host());
    const snap = disk.storage.snapshot();
    this.#durableSnapshotIndex = snap.metadata.index;
    if (snap.metadata.index > 0) {
      app.restore(snap.data, snap.metadata.index);
      this.#observer.snapshotRestored(this.id, snap.metadata.index, app.digest(), 'drive');
    }
    const rng = this.#rng;
    const node = new RawNode({
      id: this.id,
      electionTicks: s.electionTicks,
      heartbeatTicks: s.heartbeatTicks,
      storage: disk.storage,
      applied: snap.metadata.index,
      maxSizePerMsgBytes: s.maxSizePerMsgBytes,
      maxInflightMsgs: s.maxInflightMsgs,
      maxUncommittedEntriesBytes: 1 << 20,
      checkQuorum: s.checkQuorum,
      preVote: s.preVote,
      readOnlyOption: s.readOnlyOption,
      random: (n) => rng.int(n),
      logger: discardLogger,
      ...(s.commitByOldTermReplicas ? { testingKnobs: { commitByOldTermReplicas: true } } : {}),
    });
    const hs = disk.storage.initialState().hardState;
    this.#run = {
      node,
      disk,
      app,
      inflight: undefined,
      term: hs.term,
      persistedVote: { term: hs.term, vote: hs.vote },
      raftState: 'follower',
      lead: 0 as NodeId,
      observedCommit: hs.commit,
      applied: snap.metadata.index,
      lastSnapshotIndex: snap.metadata.index,
      snapshotSoon: false,
    };
  }

  /** What the application may ask of this member; valid for the incarnation being started. */
  #host(): AppHost {
    return {
      id: this.id,
      propose: (data) => this.#running().node.propose(data),
      readIndex: (ctx) => this.#running().node.readIndex(ctx),
      leader: () => this.#run?.lead ?? (0 as NodeId),
      isLeader: () => this.#run?.node.status().softState.raftState === 'leader',
      localTicks: () => this.#localTicks,
    };
  }

  /** Power loss: everything in memory is gone; the drive keeps what it keeps. */
  crash(): void {
    const app = this.#run?.app;
    this.#run = undefined;
    this.#drive?.crash();
    app?.close();
  }

  tick(): void {
    const run = this.#running();
    run.node.tick();
    this.#localTicks++;
    run.app.tick();
  }

  receive(m: Message): void {
    this.#running().node.step(m);
  }

  reportUnreachable(peer: NodeId): void {
    this.#running().node.reportUnreachable(peer);
  }

  reportSnapshot(peer: NodeId, status: 'finish' | 'failure'): void {
    this.#running().node.reportSnapshot(peer, status);
  }

  /** The operator's membership change; throws like propose(). */
  proposeConfChange(cc: ConfChange): void {
    this.#running().node.proposeConfChange(cc);
  }

  transferLeader(transferee: NodeId): void {
    this.#running().node.transferLeader(transferee);
  }

  /** The configuration as this member's core sees it. */
  confState(): ConfState {
    return this.#running().node.confState();
  }

  /** The core's status (undefined when down). */
  status(): Status | undefined {
    return this.#run?.node.status();
  }

  /** The core's whole log, stable and unstable (empty when down). Costly: for rare checks only. */
  logEntries(): readonly Entry[] {
    return this.#run?.node.debugLogEntries() ?? [];
  }

  /** Runs the Ready loop for tick `now`: finish a due write, start the next one. */
  async pump(now: number): Promise<void> {
    for (let cycle = 0; cycle < MAX_READY_CYCLES_PER_TICK; cycle++) {
      const run = this.#run;
      if (run === undefined) return;
      if (run.inflight !== undefined) {
        if (run.inflight.doneAt > now) return;
        const { rd } = run.inflight;
        run.inflight = undefined;
        await this.#complete(run, rd);
        if (this.#run !== run) return;
      }
      if (!run.node.hasReady()) return;
      const rd = run.node.ready();
      this.#observeReady(run, rd);
      const s = this.#settings;
      const maxLatency = Math.min(s.maxDiskLatencyTicks, this.#diskLatencyCapTicks);
      run.inflight = { rd, doneAt: now + this.#rng.range(Math.min(s.minDiskLatencyTicks, maxLatency), maxLatency) };
    }
  }

  #observeReady(run: Running<A>, rd: Ready): void {
    if (rd.hardState !== undefined) run.term = rd.hardState.term;
    if (rd.softState !== undefined) {
      const wasLeader = run.raftState === 'leader';
      run.raftState = rd.softState.raftState;
      run.lead = rd.softState.lead;
      if (wasLeader !== (run.raftState === 'leader')) run.app.leadershipChanged(!wasLeader);
    }
    const lookup = overlayLookup(run.disk.storage, rd);
    const voter = run.raftState === 'leader' && run.node.confState().voters.includes(this.id);
    if (run.raftState === 'leader') this.#observer.leader(this.id, run.term, lookup, voter);
    for (const m of rd.messages) {
      if (m.type === 'MsgApp' || m.type === 'MsgHeartbeat' || m.type === 'MsgSnap' || m.type === 'MsgTimeoutNow') {
        const current = run.raftState === 'leader' && m.term === run.term;
        this.#observer.leader(this.id, m.term, current ? lookup : undefined, voter);
      }
    }
    const commit = rd.hardState?.commit;
    if (commit !== undefined && commit > run.observedCommit) {
      const entries: Entry[] = [];
      for (let i = run.observedCommit + 1; i <= commit; i++) {
        const e = lookup(i as LogIndex);
        if (e.kind === 'entry') entries.push(e.entry);
      }
      run.observedCommit = commit;
      this.#observer.committed(this.id, run.term, entries, run.raftState === 'leader');
    }
  }

  async #complete(run: Running<A>, rd: Ready): Promise<void> {
    await run.disk.persist({
      ...(rd.hardState !== undefined ? { hardState: rd.hardState } : {}),
      ...(rd.snapshot !== undefined ? { snapshot: rd.snapshot } : {}),
      entries: rd.entries,
      mustSync: rd.mustSync,
    });
    if (this.#run !== run) return;
    if (rd.snapshot !== undefined) this.#durableSnapshotIndex = Math.max(this.#durableSnapshotIndex, rd.snapshot.metadata.index);
    const hs = rd.hardState;
    if (hs !== undefined) {
      if (hs.vote !== 0 && (hs.vote !== run.persistedVote.vote || hs.term !== run.persistedVote.term)) {
        this.#observer.votePersisted(this.id, hs.term, hs.vote);
      }
      run.persistedVote = { term: hs.term, vote: hs.vote };
    }
    if (rd.entries.length > 0) this.#observer.persisted(this.id, rd.entries, prevTermOf(run, rd.entries[0]!.index));
    if (rd.messages.length > 0) this.#observer.send(this.id, rd.messages);
    if (rd.snapshot !== undefined && rd.snapshot.metadata.index > run.applied) {
      run.app.restore(rd.snapshot.data, rd.snapshot.metadata.index);
      run.applied = rd.snapshot.metadata.index;
      run.lastSnapshotIndex = Math.max(run.lastSnapshotIndex, run.applied);
      this.#observer.snapshotRestored(this.id, rd.snapshot.metadata.index, run.app.digest(), 'leader');
    }
    this.#applyCommitted(run, rd.committedEntries);
    run.app.serveReads(rd.readStates, run.applied);
    await this.#maybeSnapshot(run);
    if (this.#run !== run) return;
    run.node.advance(rd);
  }

  /** As the runtime's Applier: runs of normal entries go to applyBatch when the app has it. */
  #applyCommitted(run: Running<A>, entries: readonly Entry[]): void {
    let batch: Entry[] = [];
    const flush = (): void => {
      if (batch.length === 0) return;
      const done = batch;
      batch = [];
      run.app.applyBatch!(done);
      run.applied = done.at(-1)!.index;
      // Only the state after the whole batch exists to compare.
      done.forEach((e, i) => this.#observer.applied(this.id, e, i === done.length - 1 ? run.app.digest() : undefined));
    };
    for (const e of entries) {
      if (e.index <= run.applied) continue;
      if (run.app.applyBatch !== undefined && e.type !== 'conf-change' && e.data.byteLength > 0) {
        batch.push(e);
        continue;
      }
      flush();
      this.#applyEntry(run, e);
    }
    flush();
  }

  #applyEntry(run: Running<A>, e: Entry): void {
    if (e.type === 'conf-change') {
      const cc = decodeConfChange(e.data);
      const cs = run.node.applyConfChange(cc);
      if (cc.type !== 'remove-node') run.snapshotSoon = true;
      run.applied = e.index;
      this.#observer.applied(this.id, e, run.app.digest());
      this.#observer.confChangeApplied(this.id, e, cc, cs);
      return;
    }
    if (e.data.byteLength > 0) run.app.apply(e);
    run.applied = e.index;
    this.#observer.applied(this.id, e, run.app.digest());
  }

  async #maybeSnapshot(run: Running<A>): Promise<void> {
    if (run.applied <= run.lastSnapshotIndex) return;
    const every = this.#settings.snapshotEveryEntries;
    if (!run.snapshotSoon && (every <= 0 || run.applied - run.lastSnapshotIndex < every)) return;
    run.snapshotSoon = false;
    run.lastSnapshotIndex = run.applied;
    const index = run.applied as LogIndex;
    await run.disk.createSnapshot(index, run.node.confState(), run.app.snapshot(), this.#settings.retainEntries);
    if (this.#run !== run) return;
    this.#durableSnapshotIndex = index;
    this.#observer.snapshotCreated(this.id, index);
  }

  #running(): Running<A> {
    const run = this.#run;
    if (run === undefined) throw new Error(`member ${this.id} is down`);
    return run;
  }

  /** A client asked a member that cannot serve it. */
  static isRefusal(e: unknown): boolean {
    return e instanceof NotLeaderError || (e instanceof Error && 'code' in e && e.code === 'proposal-dropped');
  }
}

/** Term of the entry before `index` in the member's persisted log; undefined when compacted away. */
function prevTermOf(run: Running<MemberApp>, index: number): Term | undefined {
  const s = run.disk.storage;
  const prev = index - 1;
  if (prev < s.firstIndex() - 1 || prev > s.lastIndex()) return undefined;
  return s.term(prev as LogIndex);
}
