// One simulated member: the real RawNode, a simulated disk and the register
// state machine, driven by the Ready contract:
//   ready() → persist (takes disk-latency ticks) → send → apply → advance().
// Messages leave only after their Ready's write completed. While a write is
// in flight the member still ticks and steps messages; the next ready() waits
// for advance().
//
// The member reports everything the checkers need to a MemberObserver, at the
// moment it happens (ready taken, write done, entry applied).

import {
  decodeConfChange,
  discardLogger,
  NotLeaderError,
  RawNode,
  type Entry,
  type LogIndex,
  type Message,
  type NodeId,
  type Ready,
  type StateType,
  type Term,
} from '@logbook/raft';
import { encodeCommand, encodeReadContext, readContextKey, requestKey } from './command.ts';
import type { LogLookup } from './leader-completeness.ts';
import type { Prng } from './prng.ts';
import { RegisterMachine } from './register-machine.ts';
import type { RegisterInput, RegisterOutput } from './register-model.ts';
import type { SimDisk, SimDrive } from './sim-disk.ts';
import { overlayLookup } from './log-lookup.ts';

export interface MemberObserver {
  /** `member` acted as leader of `term`; `lookup` reads its log when it is still leader of that term. */
  leader(member: NodeId, term: Term, lookup: LogLookup | undefined): void;
  /** `entries` became known committed to `member` (a leader when `asLeader`). */
  committed(member: NodeId, memberTerm: Term, entries: readonly Entry[], asLeader: boolean): void;
  persisted(member: NodeId, entries: readonly Entry[], prevTerm: Term | undefined): void;
  /** A write that changed the member's vote completed (the nemesis may crash it right after). */
  votePersisted(member: NodeId, term: Term, vote: NodeId): void;
  applied(member: NodeId, entry: Entry, digest: string): void;
  snapshotRestored(member: NodeId, index: LogIndex, digest: string): void;
  /** The outcome of a request this member accepted. */
  result(member: NodeId, clientId: number, seq: number, output: RegisterOutput): void;
  send(from: NodeId, messages: readonly Message[]): void;
}

export interface MemberSettings {
  readonly keyCount: number;
  readonly clientCount: number;
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  readonly checkQuorum: boolean;
  readonly preVote: boolean;
  readonly maxSizePerMsgBytes: number;
  readonly maxInflightMsgs: number;
  /** Take a state-machine snapshot (and compact) every this many applied entries; 0 disables. */
  readonly snapshotEveryEntries: number;
  readonly retainEntries: number;
  readonly minDiskLatencyTicks: number;
  readonly maxDiskLatencyTicks: number;
  readonly commitByOldTermReplicas: boolean;
  /** Mutation: serve "ReadIndex" reads from local state without asking the leader. */
  readonly staleReads: boolean;
}

/** Requests a member holds for its clients; beyond this the oldest is forgotten (its client times out). */
const MAX_PENDING_REQUESTS = 256;
/** Ready cycles one member may run in a single tick when writes take zero ticks. */
const MAX_READY_CYCLES_PER_TICK = 4;

interface PendingRead {
  readonly clientId: number;
  readonly seq: number;
  readonly key: number;
  index: number;
}

interface Running {
  readonly node: RawNode;
  readonly disk: SimDisk;
  readonly sm: RegisterMachine;
  readonly proposals: Map<string, { readonly clientId: number; readonly seq: number }>;
  /** ReadIndex requests by context key; index is -1 until the ReadState arrives. */
  readonly reads: Map<string, PendingRead>;
  inflight: { readonly rd: Ready; readonly doneAt: number } | undefined;
  term: Term;
  persistedVote: { readonly term: Term; readonly vote: NodeId };
  raftState: StateType;
  observedCommit: number;
  applied: number;
  lastSnapshotIndex: number;
}

export class SimMember {
  readonly id: NodeId;
  readonly #drive: SimDrive;
  readonly #rng: Prng;
  readonly #settings: MemberSettings;
  readonly #observer: MemberObserver;
  #run: Running | undefined;

  constructor(id: NodeId, drive: SimDrive, rng: Prng, settings: MemberSettings, observer: MemberObserver) {
    this.id = id;
    this.#drive = drive;
    this.#rng = rng;
    this.#settings = settings;
    this.#observer = observer;
  }

  get up(): boolean {
    return this.#run !== undefined;
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
    const disk = await this.#drive.open();
    const s = this.#settings;
    const sm = new RegisterMachine(s.keyCount, s.clientCount);
    const snap = disk.storage.snapshot();
    if (snap.metadata.index > 0) {
      sm.restore(snap.data);
      this.#observer.snapshotRestored(this.id, snap.metadata.index, sm.digest());
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
      random: (n) => rng.int(n),
      logger: discardLogger,
      ...(s.commitByOldTermReplicas ? { testingKnobs: { commitByOldTermReplicas: true } } : {}),
    });
    const hs = disk.storage.initialState().hardState;
    this.#run = {
      node,
      disk,
      sm,
      proposals: new Map(),
      reads: new Map(),
      inflight: undefined,
      term: hs.term,
      persistedVote: { term: hs.term, vote: hs.vote },
      raftState: 'follower',
      observedCommit: hs.commit,
      applied: snap.metadata.index,
      lastSnapshotIndex: snap.metadata.index,
    };
  }

  /** Power loss: everything in memory is gone; the drive keeps what it keeps. */
  crash(): void {
    this.#run = undefined;
    this.#drive.crash();
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

  /**
   * A client request. Throws NotLeaderError / ProposalDroppedError when the
   * core refuses it (the request had no effect); otherwise the result comes
   * later through observer.result(), or never.
   */
  request(clientId: number, seq: number, input: RegisterInput, viaReadIndex: boolean): void {
    const run = this.#running();
    const key = requestKey(clientId, seq);
    if (viaReadIndex) {
      if (input.kind !== 'read') throw new Error('only reads go through ReadIndex');
      if (this.#settings.staleReads) {
        // Served at this member's next apply, whatever it has applied: stale.
        this.#remember(run.reads, key, { clientId, seq, key: input.key, index: 0 });
        return;
      }
      run.node.readIndex(encodeReadContext(clientId, seq));
      this.#remember(run.reads, key, { clientId, seq, key: input.key, index: -1 });
    } else {
      run.node.propose(encodeCommand({ clientId, seq, input }));
      this.#remember(run.proposals, key, { clientId, seq });
    }
  }

  #remember<V>(map: Map<string, V>, key: string, value: V): void {
    map.set(key, value);
    if (map.size > MAX_PENDING_REQUESTS) map.delete(map.keys().next().value!);
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
      run.inflight = { rd, doneAt: now + this.#rng.range(s.minDiskLatencyTicks, s.maxDiskLatencyTicks) };
    }
  }

  #observeReady(run: Running, rd: Ready): void {
    if (rd.hardState !== undefined) run.term = rd.hardState.term;
    if (rd.softState !== undefined) run.raftState = rd.softState.raftState;
    const lookup = overlayLookup(run.disk.storage, rd);
    if (run.raftState === 'leader') this.#observer.leader(this.id, run.term, lookup);
    for (const m of rd.messages) {
      if (m.type === 'MsgApp' || m.type === 'MsgHeartbeat' || m.type === 'MsgSnap' || m.type === 'MsgTimeoutNow') {
        const current = run.raftState === 'leader' && m.term === run.term;
        this.#observer.leader(this.id, m.term, current ? lookup : undefined);
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
      this.#observer.snapshotRestored(this.id, rd.snapshot.metadata.index, run.sm.digest());
    }
    for (const e of rd.committedEntries) this.#applyEntry(run, e);
    for (const rs of rd.readStates) {
      const pending = run.reads.get(readContextKey(rs.requestCtx));
      if (pending !== undefined) pending.index = rs.index;
    }
    this.#serveReads(run);
    await this.#maybeSnapshot(run);
    if (this.#run !== run) return;
    run.node.advance(rd);
  }

  #applyEntry(run: Running, e: Entry): void {
    if (e.index <= run.applied) return;
    if (e.type === 'conf-change') {
      run.node.applyConfChange(decodeConfChange(e.data));
    } else if (e.data.byteLength > 0) {
      const r = run.sm.apply(e.data);
      const key = requestKey(r.command.clientId, r.command.seq);
      if (r.output !== undefined && run.proposals.has(key)) {
        run.proposals.delete(key);
        this.#observer.result(this.id, r.command.clientId, r.command.seq, r.output);
      }
    }
    run.applied = e.index;
    this.#observer.applied(this.id, e, run.sm.digest());
  }

  #serveReads(run: Running): void {
    for (const [key, r] of run.reads) {
      if (r.index < 0 || r.index > run.applied) continue;
      run.reads.delete(key);
      this.#observer.result(this.id, r.clientId, r.seq, { kind: 'read', value: run.sm.read(r.key) });
    }
  }

  async #maybeSnapshot(run: Running): Promise<void> {
    const every = this.#settings.snapshotEveryEntries;
    if (every <= 0 || run.applied - run.lastSnapshotIndex < every) return;
    run.lastSnapshotIndex = run.applied;
    await run.disk.createSnapshot(run.applied as LogIndex, run.node.confState(), run.sm.snapshot(), this.#settings.retainEntries);
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
