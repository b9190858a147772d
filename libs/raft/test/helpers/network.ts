// A synchronous in-memory cluster for unit tests of the core: every member is
// a RawNode over MemoryStorage; Ready batches are persisted, messages are
// delivered (subject to drops and partitions) until the cluster is quiet.

import {
  MemoryStorage,
  RawNode,
  decodeConfChange,
  discardLogger,
  type Config,
  type Entry,
  type Message,
  type NodeId,
  type ReadState,
} from '../../src/core/index.ts';
import { seededRandom } from '../../src/core/index.ts';

export interface MemberOptions {
  readonly checkQuorum?: boolean;
  readonly preVote?: boolean;
  readonly maxSizePerMsgBytes?: number;
  readonly maxInflightMsgs?: number;
  readonly maxUncommittedEntriesBytes?: number;
  readonly readOnlyOption?: Config['readOnlyOption'];
  readonly testingKnobs?: Config['testingKnobs'];
  readonly disableProposalForwarding?: boolean;
  /** Election-timeout jitter source; default a per-member seeded one. */
  readonly random?: (n: number) => number;
}

export class Member {
  readonly id: NodeId;
  readonly storage: MemoryStorage;
  node: RawNode;
  readonly applied: Entry[] = [];
  readonly readStates: ReadState[] = [];
  private readonly opts: MemberOptions;

  constructor(id: NodeId, storage: MemoryStorage, opts: MemberOptions) {
    this.id = id;
    this.storage = storage;
    this.opts = opts;
    this.node = this.build();
  }

  config(): Config {
    return {
      id: this.id,
      electionTicks: 10,
      heartbeatTicks: 1,
      storage: this.storage,
      maxSizePerMsgBytes: this.opts.maxSizePerMsgBytes ?? 1024 * 1024,
      maxInflightMsgs: this.opts.maxInflightMsgs ?? 256,
      maxUncommittedEntriesBytes: this.opts.maxUncommittedEntriesBytes ?? 1 << 30,
      checkQuorum: this.opts.checkQuorum ?? false,
      preVote: this.opts.preVote ?? false,
      ...(this.opts.readOnlyOption !== undefined ? { readOnlyOption: this.opts.readOnlyOption } : {}),
      ...(this.opts.testingKnobs !== undefined ? { testingKnobs: this.opts.testingKnobs } : {}),
      ...(this.opts.disableProposalForwarding !== undefined ? { disableProposalForwarding: this.opts.disableProposalForwarding } : {}),
      random: this.opts.random ?? seeded(this.id * 7919),
      logger: discardLogger,
    };
  }

  private build(): RawNode {
    return new RawNode(this.config());
  }

  /** Simulate a restart from what was persisted (the applied list is rebuilt by re-applying). */
  restart(): void {
    this.applied.length = 0;
    this.node = this.build();
  }

  /** Process one Ready: persist, apply; returns the messages to send. */
  handleReady(): Message[] {
    if (!this.node.hasReady()) return [];
    const rd = this.node.ready();
    if (rd.snapshot !== undefined) this.storage.applySnapshot(rd.snapshot);
    this.storage.append(rd.entries);
    if (rd.hardState !== undefined) this.storage.setHardState(rd.hardState);
    for (const e of rd.committedEntries) {
      if (e.type === 'conf-change') {
        // The configuration lives in the log (and in snapshots); a restart
        // replays conf changes after the snapshot, so nothing else to persist.
        this.node.applyConfChange(decodeConfChange(e.data));
      }
      this.applied.push(e);
    }
    this.readStates.push(...rd.readStates);
    this.node.advance(rd);
    return [...rd.messages];
  }

  leader(): boolean {
    return this.node.status().softState.raftState === 'leader';
  }

  /** Data of applied normal entries with a payload, as strings. */
  appliedData(): string[] {
    return this.applied.filter((e) => e.type === 'normal' && e.data.byteLength > 0).map((e) => new TextDecoder().decode(e.data));
  }
}

export type Filter = (m: Message) => boolean;

export class Network {
  readonly members = new Map<NodeId, Member>();
  /** Messages in flight, delivered in order by stabilize()/deliver(). */
  queue: Message[] = [];
  private readonly cut = new Set<string>();
  private readonly down = new Set<NodeId>();
  dropFilter: Filter | undefined = undefined;
  readonly sent: Message[] = [];

  constructor(ids: readonly number[], opts: MemberOptions = {}) {
    const voters = ids.map((i) => i as NodeId);
    for (const id of voters) this.members.set(id, new Member(id, MemoryStorage.bootstrap({ voters, learners: [] }), opts));
  }

  member(id: number): Member {
    const m = this.members.get(id as NodeId);
    if (m === undefined) throw new Error(`no member ${id}`);
    return m;
  }

  addMember(id: number, opts: MemberOptions = {}): Member {
    const m = new Member(id as NodeId, new MemoryStorage(), opts);
    this.members.set(id as NodeId, m);
    return m;
  }

  isolate(id: number): void {
    for (const other of this.members.keys()) if (other !== id) this.cutLink(id, other);
  }

  cutLink(a: number, b: number): void {
    this.cut.add(`${a}-${b}`);
    this.cut.add(`${b}-${a}`);
  }

  heal(): void {
    this.cut.clear();
    this.down.clear();
  }

  stop(id: number): void {
    this.down.add(id as NodeId);
  }

  deliverable(m: Message): boolean {
    if (this.down.has(m.to) || this.down.has(m.from)) return false;
    if (this.cut.has(`${m.from}-${m.to}`)) return false;
    if (this.dropFilter?.(m) === true) return false;
    return this.members.has(m.to);
  }

  /** Collect Ready output of every live member into the queue. */
  collect(): void {
    for (const [id, m] of this.members) {
      if (this.down.has(id)) continue;
      const out = m.handleReady();
      this.sent.push(...out);
      this.queue.push(...out);
    }
  }

  /** Deliver until no member has work and no message is in flight. */
  stabilize(maxRounds = 10_000): void {
    for (let round = 0; round < maxRounds; round++) {
      this.collect();
      if (this.queue.length === 0) return;
      const q = this.queue;
      this.queue = [];
      for (const m of q) if (this.deliverable(m)) this.member(m.to).node.step(m);
    }
    throw new Error('network did not stabilize');
  }

  tick(id: number, n = 1): void {
    for (let i = 0; i < n; i++) this.member(id).node.tick();
  }

  tickAll(n = 1): void {
    for (let i = 0; i < n; i++) {
      for (const [id, m] of this.members) if (!this.down.has(id)) m.node.tick();
      this.stabilize();
    }
  }

  campaign(id: number): void {
    this.member(id).node.campaign();
    this.stabilize();
  }

  propose(id: number, data: string): void {
    this.member(id).node.propose(new TextEncoder().encode(data));
    this.stabilize();
  }

  leaders(): NodeId[] {
    return [...this.members.values()].filter((m) => !this.down.has(m.id) && m.leader()).map((m) => m.id);
  }
}

/** Deterministic random source for tests (the core's mulberry32). */
export const seeded = seededRandom;
