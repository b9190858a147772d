// Shared set-up for the runtime tests: several RaftNodes over MemoryPersistence
// and a LocalNetwork, with a small deterministic state machine.

import {
  LocalNetwork,
  MemoryPersistence,
  RaftNode,
  discardLogger,
  nodeId,
  type Logger,
  type LogIndex,
  type NodeId,
  type RaftNodeOptions,
  type StateMachine,
  type AppliedEntry,
} from '../src/index.ts';
import type { LocalTransport } from '../src/index.ts';
import { seededRandom } from '../src/core/index.ts';

const decoder = new TextDecoder();
const encoder = new TextEncoder();

export const enc = (s: string): Uint8Array => encoder.encode(s);

/** Appends every payload to a list; apply() returns the list's new length. */
export class ListMachine implements StateMachine<number> {
  items: { index: number; value: string }[] = [];
  restoredAt = 0;
  applyCalls = 0;
  /** Sizes of the applyBatch calls (BatchingListMachine only). */
  readonly batches: number[] = [];

  apply(index: LogIndex, data: Uint8Array): number {
    this.applyCalls++;
    this.items.push({ index, value: decoder.decode(data) });
    return this.items.length;
  }

  snapshot(): Uint8Array {
    return encoder.encode(JSON.stringify(this.items));
  }

  restore(data: Uint8Array, index: LogIndex): void | Promise<void> {
    this.items = data.byteLength === 0 ? [] : (JSON.parse(decoder.decode(data)) as { index: number; value: string }[]);
    this.restoredAt = index;
  }

  values(): string[] {
    return this.items.map((i) => i.value);
  }
}

/** The same list, applied through applyBatch (one call per run of committed entries). */
export class BatchingListMachine extends ListMachine {
  applyBatch(entries: readonly AppliedEntry[]): number[] {
    this.batches.push(entries.length);
    return entries.map(({ index, data }) => {
      this.items.push({ index, value: decoder.decode(data) });
      return this.items.length;
    });
  }
}

/**
 * A ListMachine whose snapshotAsync takes its view at the call and hands the
 * bytes over only when release() is called: a state that takes long to
 * serialize, held for as long as a test likes.
 */
export class GatedSnapshotMachine extends ListMachine {
  /** Items in the view of each snapshotAsync call, in call order. */
  readonly views: number[] = [];
  #release: (() => void)[] = [];

  snapshotAsync(): Promise<Uint8Array> {
    const bytes = this.snapshot();
    this.views.push(this.items.length);
    return new Promise((resolve) => this.#release.push(() => resolve(bytes)));
  }

  /** Hands over every snapshot requested so far. */
  release(): void {
    for (const r of this.#release.splice(0)) r();
  }
}

/**
 * A ListMachine whose restore takes `delayMs` and resolves later (a state
 * machine that installs a snapshot from disk in the background). It counts
 * applies that arrive while a restore is still running: there must be none.
 */
export class SlowRestoreMachine extends ListMachine {
  readonly delayMs: number;
  restoring = false;
  appliedWhileRestoring = 0;
  restores = 0;

  constructor(delayMs: number) {
    super();
    this.delayMs = delayMs;
  }

  override apply(index: LogIndex, data: Uint8Array): number {
    if (this.restoring) this.appliedWhileRestoring++;
    return super.apply(index, data);
  }

  override restore(data: Uint8Array, index: LogIndex): Promise<void> {
    this.restoring = true;
    this.restores++;
    return new Promise((resolve) =>
      setTimeout(() => {
        void super.restore(data, index);
        this.restoring = false;
        resolve();
      }, this.delayMs),
    );
  }
}

export interface Member {
  readonly id: NodeId;
  node: RaftNode<number>;
  sm: ListMachine;
  persistence: MemoryPersistence;
  transport: LocalTransport;
}

export type Overrides = Partial<Omit<RaftNodeOptions<number>, 'config' | 'persistence' | 'transport' | 'stateMachine'>> & {
  readonly config?: Partial<RaftNodeOptions<number>['config']>;
  /** Use BatchingListMachine. */
  readonly batchingMachine?: boolean;
  /** Make each member's state machine with this. */
  readonly machine?: () => ListMachine;
};

export const address = (id: number): string => `local:${id}`;

export function baseOptions(id: NodeId, o: Overrides = {}): Omit<RaftNodeOptions<number>, 'persistence' | 'transport' | 'stateMachine'> {
  const logger: Logger = o.logger ?? discardLogger;
  const { batchingMachine: _batching, machine: _machine, ...rest } = o;
  void _batching;
  void _machine;
  return {
    // 10 ms ticks, 10-tick elections: 100-200 ms election timeouts, far above
    // a loaded CI machine's event-loop stalls, so leaders stay put in tests.
    tickIntervalMs: 10,
    snapshotCount: 10_000,
    snapshotCatchUpEntries: 5,
    maxPendingProposals: 1024,
    random: seeded(id * 7919),
    ...rest,
    logger,
    config: {
      id,
      electionTicks: 10,
      heartbeatTicks: 1,
      maxSizePerMsgBytes: 64 * 1024,
      maxInflightMsgs: 256,
      maxUncommittedEntriesBytes: 1 << 20,
      checkQuorum: true,
      preVote: true,
      ...o.config,
    },
  };
}

export async function startMember(
  network: LocalNetwork,
  id: NodeId,
  persistence: MemoryPersistence,
  peers: ReadonlyMap<NodeId, string>,
  o: Overrides = {},
): Promise<Member> {
  const sm = o.machine?.() ?? (o.batchingMachine === true ? new BatchingListMachine() : new ListMachine());
  const transport = network.transport(id, peers);
  const node = await RaftNode.start<number>({
    ...baseOptions(id, o),
    persistence,
    transport,
    stateMachine: sm,
    addresses: peers,
  });
  started.add(node);
  void node.closed.then(() => started.delete(node));
  return { id, node, sm, persistence, transport };
}

const started = new Set<RaftNode<number>>();

/**
 * Closes every member a test left running (a test that timed out never
 * reaches its own cleanup); register with after() so the file always exits.
 */
export async function closeStragglers(): Promise<void> {
  await Promise.all([...started].map((n) => n.close()));
}

/** A proposal bounded in time: one forwarded to a leader that drops it would otherwise wait for ever. */
export function propose(m: Member, value: string, timeoutMs = 5000): Promise<number> {
  return m.node.propose(enc(value), { signal: AbortSignal.timeout(timeoutMs) });
}

export async function startCluster(
  size: number,
  o: Overrides = {},
  disk: { syncDelayMs?: number } = {},
): Promise<{ network: LocalNetwork; members: Member[] }> {
  const network = new LocalNetwork();
  const ids = Array.from({ length: size }, (_, i) => nodeId(i + 1));
  const peers = new Map(ids.map((id) => [id, address(id)] as const));
  const members: Member[] = [];
  for (const id of ids) {
    const persistence = MemoryPersistence.bootstrap({ voters: ids, learners: [] }, disk);
    members.push(await startMember(network, id, persistence, peers, o));
  }
  return { network, members };
}

export async function waitFor(what: string, pred: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Waits until exactly one member leads and every running member agrees on it. */
export async function waitForLeader(members: readonly Member[], timeoutMs = 5000): Promise<Member> {
  let leader: Member | undefined;
  await waitFor(
    'a leader',
    () => {
      const leaders = members.filter((m) => m.node.status().raftState === 'leader');
      const l = leaders[0];
      if (leaders.length !== 1 || l === undefined) return false;
      const term = l.node.status().term;
      if (!members.every((m) => m.node.status().lead === l.id && m.node.status().term === term)) return false;
      leader = l;
      return true;
    },
    timeoutMs,
  );
  return leader!;
}

export async function closeAll(members: readonly Member[]): Promise<void> {
  await Promise.all(members.map((m) => m.node.close()));
}

/** Deterministic random source for tests (the core's mulberry32). */
export const seeded = seededRandom;
