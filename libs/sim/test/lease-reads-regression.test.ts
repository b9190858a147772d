// Regression tests for a core bug the simulator found (seed 610): lease-based
// reads could be stale with perfectly synchronised clocks. Each test drives
// three real RawNodes by hand, every clock ticking at exactly the same rate,
// and asserts what linearizability requires. The two causes, now fixed in
// libs/raft/src/core/raft.ts (leaseValid, sendTimeoutNow):
//
// 1. The lease is check-quorum: a leader steps down only at a check-quorum
//    tick (every electionTicks) that finds no quorum active since the
//    previous check. A quorum heard just after one check keeps the leader
//    through the next, so it believes it leads for up to 2 × electionTicks
//    after its last contact with a quorum, while followers stop honouring
//    its lease after electionTicks and elect someone else. Overlap: up to
//    electionTicks ticks of two leaders, the old one answering lease reads.
// 2. Leadership transfer: the leader sends MsgTimeoutNow, the transferee
//    campaigns with the transfer marker that overrides every follower's
//    lease, wins and commits — while the old leader, not yet told of the new
//    term, keeps answering lease reads (it still has its lease, and a
//    transfer does not give it up).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  discardLogger,
  MemoryStorage,
  nodeId,
  RawNode,
  type Entry,
  type Message,
  type NodeId,
} from '@logbook/raft';

const IDS = [nodeId(1), nodeId(2), nodeId(3)];
const ELECTION_TICKS = 10;

/** A member: a RawNode over MemoryStorage, with a one-key state machine (the last value written). */
interface Node {
  readonly raw: RawNode;
  readonly storage: MemoryStorage;
  value: number;
  applied: number;
  /** Read results by ctx byte, once served. */
  readonly reads: Map<number, number>;
  readonly pendingReads: Map<number, number>;
}

class Cluster {
  readonly nodes = new Map<NodeId, Node>();
  /** Directed links that drop everything. */
  readonly #cut = new Set<string>();
  #queue: Message[] = [];

  constructor(timeoutJitter: Readonly<Record<number, number>>) {
    for (const id of IDS) {
      const storage = MemoryStorage.bootstrap({ voters: IDS, learners: [] });
      const raw = new RawNode({
        id,
        electionTicks: ELECTION_TICKS,
        heartbeatTicks: 1,
        storage,
        maxSizePerMsgBytes: 4096,
        maxInflightMsgs: 64,
        maxUncommittedEntriesBytes: 1 << 20,
        checkQuorum: true,
        preVote: false,
        readOnlyOption: 'lease-based',
        // Fixed election timeouts: electionTicks + jitter.
        random: () => timeoutJitter[id] ?? 0,
        logger: discardLogger,
      });
      this.nodes.set(id, { raw, storage, value: 0, applied: 1, reads: new Map(), pendingReads: new Map() });
    }
  }

  node(id: number): Node {
    return this.nodes.get(nodeId(id))!;
  }

  isolate(id: number): void {
    for (const other of IDS) {
      if (other === id) continue;
      this.#cut.add(`${id}>${other}`);
      this.#cut.add(`${other}>${id}`);
    }
  }

  /** `id` still talks, but hears nobody. */
  deafen(id: number): void {
    for (const other of IDS) if (other !== id) this.#cut.add(`${other}>${id}`);
  }

  /** Run every node's Ready loop and deliver messages until nothing moves (zero network delay). */
  settle(): void {
    for (let round = 0; round < 1000; round++) {
      let moved = false;
      for (const n of this.nodes.values()) {
        while (n.raw.hasReady()) {
          moved = true;
          const rd = n.raw.ready();
          if (rd.snapshot !== undefined) n.storage.applySnapshot(rd.snapshot);
          n.storage.append(rd.entries);
          if (rd.hardState !== undefined) n.storage.setHardState(rd.hardState);
          this.#queue.push(...rd.messages);
          for (const e of rd.committedEntries) this.#apply(n, e);
          for (const rs of rd.readStates) n.pendingReads.set(rs.requestCtx[0]!, rs.index);
          for (const [ctx, index] of n.pendingReads) {
            if (index <= n.applied) {
              n.reads.set(ctx, n.value);
              n.pendingReads.delete(ctx);
            }
          }
          n.raw.advance(rd);
        }
      }
      const msgs = this.#queue;
      this.#queue = [];
      for (const m of msgs) {
        moved = true;
        if (this.#cut.has(`${m.from}>${m.to}`)) continue;
        this.nodes.get(m.to)?.raw.step(m);
      }
      if (!moved) return;
    }
    throw new Error('cluster did not settle');
  }

  /** One tick on every clock, in lockstep, then settle. */
  tick(): void {
    for (const n of this.nodes.values()) n.raw.tick();
    this.settle();
  }

  #apply(n: Node, e: Entry): void {
    if (e.type === 'normal' && e.data.byteLength > 0) n.value = e.data[0]!;
    n.applied = e.index;
  }

  write(leader: number, value: number): void {
    this.node(leader).raw.propose(new Uint8Array([value]));
    this.settle();
  }

  leaderOf(id: number): boolean {
    return this.node(id).raw.status().softState.raftState === 'leader';
  }
}

/** Node 1 leads, and value 1 is written and applied everywhere. */
function startCluster(jitter: Readonly<Record<number, number>>): Cluster {
  const c = new Cluster(jitter);
  c.node(1).raw.campaign();
  c.settle();
  assert.ok(c.leaderOf(1));
  c.write(1, 1);
  for (const n of c.nodes.values()) assert.equal(n.value, 1);
  return c;
}

describe('lease-based reads stay linearizable without clock drift (regression, sim seed 610)', () => {
  it('a leader cut off just after a check-quorum round keeps serving lease reads after a new leader committed a write', () => {
    // Node 2 times out after exactly electionTicks, node 3 later (it just votes).
    const c = startCluster({ 1: 0, 2: 0, 3: 5 });
    // The leader's electionElapsed was reset when it won; its first
    // check-quorum round happens on its electionTicks-th tick.
    for (let t = 0; t < ELECTION_TICKS; t++) c.tick();
    // One more round of heartbeats and answers: this quorum contact carries
    // the leader through its next check, electionTicks from now.
    c.tick();
    c.isolate(1);
    let ticks = 0;
    while (!c.leaderOf(2) && ticks < 3 * ELECTION_TICKS) {
      c.tick();
      ticks++;
    }
    assert.ok(c.leaderOf(2), 'node 2 was elected');
    c.write(2, 2);
    assert.equal(c.node(2).value, 2, 'the write of 2 was committed and applied: its client has its answer');
    // Same clocks, and node 1 still thinks it leads:
    assert.ok(c.leaderOf(1), 'precondition of the stale read: node 1 still believes it leads');
    c.node(1).raw.readIndex(new Uint8Array([7]));
    c.settle();
    const read = c.node(1).reads.get(7);
    // Linearizable: either no answer (the lease is gone) or the new value.
    assert.ok(read === undefined || read === 2, `lease read at the old leader returned ${read} after 2 was acknowledged`);
  });

  it('a leader that handed leadership over keeps serving lease reads while the transferee commits', () => {
    const c = startCluster({ 1: 0, 2: 3, 3: 5 });
    // Node 1 hears nothing from now on (slow or lossy links into it); what it
    // sends still arrives, MsgTimeoutNow included.
    c.deafen(1);
    c.node(1).raw.transferLeader(nodeId(2));
    c.settle();
    assert.ok(c.leaderOf(2), 'the transferee was elected');
    c.write(2, 2);
    assert.equal(c.node(2).value, 2);
    assert.ok(c.leaderOf(1), 'precondition: node 1 has not heard of the new term');
    c.node(1).raw.readIndex(new Uint8Array([8]));
    c.settle();
    const read = c.node(1).reads.get(8);
    assert.ok(read === undefined || read === 2, `lease read at the old leader returned ${read} after 2 was acknowledged`);
  });
});
