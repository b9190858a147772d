// One simulated member: the real RawNode, a simulated disk and the register
// state machine, driven by the Ready contract:
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
import { encodeCommand, encodeReadContext } from './command.ts';
import type { MemberObserver, MemberSettings } from './member-observer.ts';
import { PendingRequests } from './pending-requests.ts';
import type { Prng } from './prng.ts';
import { RegisterMachine } from './register-machine.ts';
import type { RegisterInput } from './register-model.ts';
import type { SimDisk, SimDrive } from './sim-disk.ts';
import { overlayLookup } from './log-lookup.ts';

/** Ready cycles one member may run in a single tick when writes take zero ticks. */
const MAX_READY_CYCLES_PER_TICK = 4;

interface Running {
  readonly node: RawNode;
  readonly disk: SimDisk;
  readonly sm: RegisterMachine;
  readonly requests: PendingRequests;
  inflight: { readonly rd: Ready; readonly doneAt: number } | undefined;
  term: Term;
  persistedVote: { readonly term: Term; readonly vote: NodeId };
  raftState: StateType;
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

export class SimMember {
  readonly id: NodeId;
  #drive: SimDrive | undefined;
  readonly #rng: Prng;
  readonly #settings: MemberSettings;
  readonly #observer: MemberObserver;
  #run: Running | undefined;
  /**
   * Index of the newest snapshot on the drive (snapshots are written
   * synced, so a crash keeps it); the configuration this member can ever
   * hold again is at least that snapshot's.
   */
  #durableSnapshotIndex = 0;
  /** The liveness phase calms the disk too (see calmDisk). */
  #diskLatencyCapTicks = Infinity;

  /** `drive` undefined: a spare id, not provisioned until the operator adds it. */
  constructor(id: NodeId, drive: SimDrive | undefined, rng: Prng, settings: MemberSettings, observer: MemberObserver) {
    this.id = id;
    this.#drive = drive;
    this.#rng = rng;
    this.#settings = settings;
    this.#observer = observer;
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
    return this.#run?.sm.digest();
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
    const sm = new RegisterMachine(s.keyCount, s.clientCount);
    const snap = disk.storage.snapshot();
    this.#durableSnapshotIndex = snap.metadata.index;
    if (snap.metadata.index > 0) {
      sm.restore(snap.data);
      this.#observer.snapshotRestored(this.id, snap.metadata.index, sm.digest(), 'drive');
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
      sm,
      requests: new PendingRequests(),
      inflight: undefined,
      term: hs.term,
      persistedVote: { term: hs.term, vote: hs.vote },
      raftState: 'follower',
      observedCommit: hs.commit,
      applied: snap.metadata.index,
      lastSnapshotIndex: snap.metadata.index,
      snapshotSoon: false,
    };
  }

  /** Power loss: everything in memory is gone; the drive keeps what it keeps. */
  crash(): void {
    this.#run = undefined;
    this.#drive?.crash();
  }

  tick(): void {
    this.#running().node.tick();
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

  /**
   * A client request. Throws NotLeaderError / ProposalDroppedError when the
   * core refuses it (the request had no effect); otherwise the result comes
   * later through observer.result(), or never.
   */
  request(clientId: number, seq: number, input: RegisterInput, viaReadIndex: boolean): void {
    const run = this.#running();
    if (viaReadIndex) {
      if (input.kind !== 'read') throw new Error('only reads go through ReadIndex');
      if (this.#settings.staleReads) {
        // Served at this member's next apply, whatever it has applied: stale.
        run.requests.addRead(clientId, seq, input.key, 0);
        return;
      }
      run.node.readIndex(encodeReadContext(clientId, seq));
      run.requests.addRead(clientId, seq, input.key, -1);
    } else {
      run.node.propose(encodeCommand({ clientId, seq, input }));
      run.requests.addProposal(clientId, seq);
    }
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

  #observeReady(run: Running, rd: Ready): void {
    if (rd.hardState !== undefined) run.term = rd.hardState.term;
    if (rd.softState !== undefined) run.raftState = rd.softState.raftState;
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

  async #complete(run: Running, rd: Ready): Promise<void> {
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
      run.sm.restore(rd.snapshot.data);
      run.applied = rd.snapshot.metadata.index;
      run.lastSnapshotIndex = Math.max(run.lastSnapshotIndex, run.applied);
      this.#observer.snapshotRestored(this.id, rd.snapshot.metadata.index, run.sm.digest(), 'leader');
    }
    for (const e of rd.committedEntries) this.#applyEntry(run, e);
    run.requests.readStates(rd.readStates);
    for (const r of run.requests.takeServiceable(run.applied)) {
      this.#observer.result(this.id, r.clientId, r.seq, { kind: 'read', value: run.sm.read(r.key) });
    }
    await this.#maybeSnapshot(run);
    if (this.#run !== run) return;
    run.node.advance(rd);
  }

  #applyEntry(run: Running, e: Entry): void {
    if (e.index <= run.applied) return;
    if (e.type === 'conf-change') {
      const cc = decodeConfChange(e.data);
      const cs = run.node.applyConfChange(cc);
      if (cc.type !== 'remove-node') run.snapshotSoon = true;
      run.applied = e.index;
      this.#observer.applied(this.id, e, run.sm.digest());
      this.#observer.confChangeApplied(this.id, e, cc, cs);
      return;
    }
    if (e.data.byteLength > 0) {
      const r = run.sm.apply(e.data);
      if (r.output !== undefined && run.requests.takeProposal(r.command.clientId, r.command.seq)) {
        this.#observer.result(this.id, r.command.clientId, r.command.seq, r.output);
      }
    }
    run.applied = e.index;
    this.#observer.applied(this.id, e, run.sm.digest());
  }

  async #maybeSnapshot(run: Running): Promise<void> {
    if (run.applied <= run.lastSnapshotIndex) return;
    const every = this.#settings.snapshotEveryEntries;
    if (!run.snapshotSoon && (every <= 0 || run.applied - run.lastSnapshotIndex < every)) return;
    run.snapshotSoon = false;
    run.lastSnapshotIndex = run.applied;
    const index = run.applied as LogIndex;
    await run.disk.createSnapshot(index, run.node.confState(), run.sm.snapshot(), this.#settings.retainEntries);
    if (this.#run !== run) return;
    this.#durableSnapshotIndex = index;
    this.#observer.snapshotCreated(this.id, index);
  }

  #running(): Running {
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
function prevTermOf(run: Running, index: number): Term | undefined {
  const s = run.disk.storage;
  const prev = index - 1;
  if (prev < s.firstIndex() - 1 || prev > s.lastIndex()) return undefined;
  return s.term(prev as LogIndex);
}
