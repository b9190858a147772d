import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProposalDroppedError, type ConfState, type NodeId } from '../src/core/index.ts';
import { Network, type Member } from './helpers/network.ts';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function snapshotAndCompact(m: Member, data: string): void {
  const applied = m.node.status().applied;
  const cs: ConfState = m.node.confState();
  m.storage.createSnapshot(applied, cs, enc(data));
  m.storage.compact(applied);
}

describe('snapshots', () => {
  it('a follower behind the compacted log receives the snapshot, then the tail', () => {
    const n = new Network([1, 2, 3]);
    n.campaign(1);
    n.stop(3);
    for (let i = 0; i < 10; i++) n.propose(1, `v${i}`);
    snapshotAndCompact(n.member(1), 'STATE@10');
    n.propose(1, 'after');
    n.heal();
    n.tickAll(5);
    const snaps = n.sent.filter((m) => m.type === 'MsgSnap' && m.to === 3);
    assert.equal(snaps.length, 1);
    assert.equal(new TextDecoder().decode(snaps[0]!.snapshot!.data), 'STATE@10');
    assert.equal(n.member(3).storage.snapshot().metadata.index, n.member(1).storage.snapshot().metadata.index);
    // After the snapshot, the entries past it are applied normally.
    assert.deepEqual(n.member(3).appliedData(), ['after']);
    assert.equal(n.member(3).node.status().applied, n.member(1).node.status().applied);
  });

  it('a failed snapshot send falls back to probing and is retried', () => {
    const n = new Network([1, 2, 3]);
    n.campaign(1);
    n.stop(3);
    for (let i = 0; i < 5; i++) n.propose(1, `v${i}`);
    snapshotAndCompact(n.member(1), 'S');
    n.heal();
    n.dropFilter = (m) => m.type === 'MsgSnap';
    n.tickAll(2);
    assert.equal(n.member(1).node.status().progress.get(3 as NodeId)?.state, 'snapshot');
    n.member(1).node.reportSnapshot(3 as NodeId, 'failure');
    n.dropFilter = undefined;
    n.tickAll(3);
    assert.equal(n.member(3).node.status().applied, n.member(1).node.status().applied);
    assert.equal(n.member(1).node.status().progress.get(3 as NodeId)?.state, 'replicate');
  });
});

describe('linearizable reads (ReadIndex)', () => {
  it('the leader answers after a quorum confirms its leadership', () => {
    const n = new Network([1, 2, 3]);
    n.campaign(1);
    n.propose(1, 'a');
    n.member(1).node.readIndex(enc('r1'));
    n.stabilize();
    const rs = n.member(1).readStates;
    assert.equal(rs.length, 1);
    assert.equal(new TextDecoder().decode(rs[0]!.requestCtx), 'r1');
    assert.equal(rs[0]!.index, n.member(1).node.status().hardState.commit);
  });

  it('a follower forwards the read and gets the leader index', () => {
    const n = new Network([1, 2, 3]);
    n.campaign(1);
    n.propose(1, 'a');
    n.member(3).node.readIndex(enc('r3'));
    n.stabilize();
    assert.equal(n.member(3).readStates.length, 1);
    assert.ok(n.member(3).readStates[0]!.index >= 2);
  });

  it('an isolated (deposed) leader never answers a read', () => {
    const n = new Network([1, 2, 3]);
    n.campaign(1);
    n.isolate(1);
    n.member(1).node.readIndex(enc('stale'));
    n.stabilize();
    n.campaign(2);
    n.propose(2, 'newer');
    assert.equal(n.member(1).readStates.length, 0);
  });

  it('lease-based reads answer at once while a quorum acked a recent heartbeat, and only then', () => {
    const n = new Network([1, 2, 3], { readOnlyOption: 'lease-based', checkQuorum: true });
    n.campaign(1);
    n.propose(1, 'x');
    n.tickAll(1); // a heartbeat round, acknowledged: the lease starts at its send tick
    n.stop(2);
    n.stop(3);
    n.member(1).node.readIndex(enc('lease-1'));
    n.stabilize();
    assert.equal(n.member(1).readStates.length, 1, 'answered from the lease, no round trip');
    // Heartbeat sent at tick 1; followers honour it for electionTicks (10)
    // after receiving it; the leader relies on it through tick 9 (one tick of
    // phase margin) and not at tick 10.
    n.tick(1, 8);
    n.stabilize();
    n.member(1).node.readIndex(enc('lease-still'));
    n.stabilize();
    assert.equal(n.member(1).readStates.length, 2, 'tick 9: still within the lease');
    n.tick(1, 1);
    n.stabilize();
    n.member(1).node.readIndex(enc('lease-2'));
    n.stabilize();
    assert.equal(n.member(1).readStates.length, 2, 'tick 10: lease expired, the read waits for a heartbeat round');
    n.heal();
    n.tickAll(1);
    assert.equal(n.member(1).readStates.length, 3, 'the heartbeat round answers it');
  });

  it('members restarted together honour their old leases, then elect a leader (sim seed 11826)', () => {
    // Every election timeout exactly electionTicks (no jitter): the restart
    // guard must expire by ticks since start, not by electionElapsed, which
    // each member's own pre-vote campaign keeps resetting.
    const n = new Network([1, 2, 3], { readOnlyOption: 'lease-based', checkQuorum: true, preVote: true, random: () => 0 });
    n.campaign(1);
    n.propose(1, 'x');
    for (const id of [1, 2, 3]) n.member(id).restart();
    // Out of phase by a few ticks, as restarts are, so votes do not split for ever.
    n.tick(1, 3);
    n.tick(2, 1);
    n.stabilize();
    n.tickAll(6);
    assert.deepEqual(n.leaders(), [], 'no election while the old leases may still be honoured');
    n.tickAll(40);
    assert.equal(n.leaders().length, 1);
  });

  it('a leader that started a transfer stops answering lease reads', () => {
    const n = new Network([1, 2, 3], { readOnlyOption: 'lease-based', checkQuorum: true });
    n.campaign(1);
    n.propose(1, 'x');
    n.tickAll(1);
    n.dropFilter = (m) => m.type === 'MsgTimeoutNow';
    n.member(1).node.transferLeader(2 as NodeId);
    n.stabilize();
    n.stop(2);
    n.stop(3);
    n.member(1).node.readIndex(enc('after-transfer'));
    n.stabilize();
    assert.equal(n.member(1).readStates.length, 0);
  });

  it('a new leader holds reads until it commits an entry of its term', () => {
    const n = new Network([1, 2, 3]);
    n.campaign(1);
    n.stop(2);
    n.stop(3);
    // Still the leader but cannot commit its term's no-op yet in a fresh term:
    n.heal();
    n.member(2).node.campaign();
    n.collect();
    // 2 is a candidate; deliver votes but hold the no-op's acknowledgements.
    n.dropFilter = (m) => m.type === 'MsgAppResp';
    n.stabilize();
    assert.deepEqual(n.leaders().includes(2 as NodeId), true);
    n.member(2).node.readIndex(enc('early'));
    n.stabilize();
    assert.equal(n.member(2).readStates.length, 0);
    n.dropFilter = undefined;
    n.tickAll(2);
    assert.equal(n.member(2).readStates.length, 1);
  });
});

describe('leadership transfer', () => {
  it('transfers to an up-to-date follower', () => {
    const n = new Network([1, 2, 3]);
    n.campaign(1);
    n.propose(1, 'a');
    n.member(1).node.transferLeader(3 as NodeId);
    n.stabilize();
    assert.deepEqual(n.leaders(), [3]);
  });

  it('catches the transferee up first, and refuses proposals meanwhile', () => {
    const n = new Network([1, 2, 3]);
    n.campaign(1);
    n.stop(3);
    n.propose(1, 'missed');
    n.heal();
    n.dropFilter = (m) => m.to === 3;
    n.member(1).node.transferLeader(3 as NodeId);
    n.stabilize();
    assert.throws(() => n.member(1).node.propose(enc('x')), ProposalDroppedError);
    n.dropFilter = undefined;
    n.tickAll(1);
    assert.deepEqual(n.leaders(), [3]);
    assert.deepEqual(n.member(3).appliedData(), ['missed']);
  });

  it('abandons a transfer that does not complete within an election timeout', () => {
    const n = new Network([1, 2, 3]);
    n.campaign(1);
    n.stop(3);
    n.member(1).node.transferLeader(3 as NodeId);
    n.stabilize();
    assert.equal(n.member(1).node.status().leadTransferee, 3);
    n.tickAll(11);
    assert.equal(n.member(1).node.status().leadTransferee, 0);
    n.propose(1, 'ok again');
    assert.deepEqual(n.member(2).appliedData(), ['ok again']);
  });
});

describe('membership changes', () => {
  it('adds a learner, promotes it to voter, then removes a voter', () => {
    const n = new Network([1, 2, 3]);
    n.campaign(1);
    n.propose(1, 'before');
    n.addMember(4);
    n.member(1).node.proposeConfChange({ type: 'add-learner', nodeId: 4 as NodeId, context: new Uint8Array(0) });
    n.stabilize();
    assert.deepEqual(n.member(1).node.confState(), { voters: [1, 2, 3], learners: [4] });
    // The new member needs a snapshot that names it (as RaftNode takes after every addition).
    snapshotAndCompact(n.member(1), 'STATE:before');
    n.tickAll(3);
    assert.equal(n.member(4).storage.snapshot().metadata.index, n.member(1).storage.snapshot().metadata.index);
    assert.deepEqual(n.member(4).node.confState(), { voters: [1, 2, 3], learners: [4] });
    // A learner never campaigns.
    n.tick(4, 50);
    n.stabilize();
    assert.equal(n.member(4).node.status().softState.raftState, 'follower');

    n.member(1).node.proposeConfChange({ type: 'add-voter', nodeId: 4 as NodeId, context: new Uint8Array(0) });
    n.stabilize();
    assert.deepEqual(n.member(2).node.confState(), { voters: [1, 2, 3, 4], learners: [] });
    n.member(1).node.proposeConfChange({ type: 'remove-node', nodeId: 2 as NodeId, context: new Uint8Array(0) });
    n.stabilize();
    assert.deepEqual(n.member(4).node.confState(), { voters: [1, 3, 4], learners: [] });
    // Quorum is now 2 of {1,3,4}: with 2 gone, losing 3 still leaves a majority.
    n.stop(2);
    n.stop(3);
    n.propose(1, 'after');
    // 'before' reached member 4 inside the snapshot; 'after' as an entry.
    assert.deepEqual(n.member(4).appliedData(), ['after']);
  });

  it('allows one pending configuration change at a time', () => {
    const n = new Network([1, 2, 3]);
    n.campaign(1);
    n.propose(1, 'x');
    n.stop(2);
    n.stop(3);
    n.member(1).node.proposeConfChange({ type: 'add-learner', nodeId: 4 as NodeId, context: new Uint8Array(0) });
    assert.throws(
      () => n.member(1).node.proposeConfChange({ type: 'add-learner', nodeId: 5 as NodeId, context: new Uint8Array(0) }),
      ProposalDroppedError,
    );
  });

  it('refuses a configuration change before the leader commits in its term', () => {
    const n = new Network([1, 2, 3]);
    n.stop(2);
    n.stop(3);
    n.heal();
    n.dropFilter = (m) => m.type === 'MsgAppResp';
    n.campaign(1);
    assert.equal(n.member(1).leader(), true);
    assert.throws(
      () => n.member(1).node.proposeConfChange({ type: 'remove-node', nodeId: 3 as NodeId, context: new Uint8Array(0) }),
      /not yet committed an entry in its term/,
    );
  });

  it('a removed leader steps down and the rest elect a new one', () => {
    const n = new Network([1, 2, 3]);
    n.campaign(1);
    n.propose(1, 'x');
    n.member(1).node.proposeConfChange({ type: 'remove-node', nodeId: 1 as NodeId, context: new Uint8Array(0) });
    n.stabilize();
    assert.equal(n.member(1).leader(), false);
    n.tickAll(30);
    const leaders = n.leaders();
    assert.equal(leaders.length, 1);
    assert.notEqual(leaders[0], 1);
    n.propose(leaders[0]!, 'y');
    assert.deepEqual(n.member(2).appliedData(), ['x', 'y']);
  });

  it('a restarted member replays committed conf changes from its log', () => {
    const n = new Network([1, 2, 3]);
    n.campaign(1);
    n.propose(1, 'x');
    n.member(1).node.proposeConfChange({ type: 'add-learner', nodeId: 9 as NodeId, context: new Uint8Array(0) });
    n.stabilize();
    const m2 = n.member(2);
    m2.restart();
    n.tickAll(3);
    assert.deepEqual(m2.node.confState(), { voters: [1, 2, 3], learners: [9] });
    assert.equal(m2.node.status().applied, n.member(1).node.status().applied);
  });
});

describe('snapshots for joining members', () => {
  it('never sends a snapshot that predates the recipient, and sends once a newer one exists', () => {
    const n = new Network([1, 2, 3]);
    n.campaign(1);
    n.propose(1, 'a');
    snapshotAndCompact(n.member(1), 'OLD');
    n.addMember(4);
    n.member(1).node.proposeConfChange({ type: 'add-learner', nodeId: 4 as NodeId, context: new Uint8Array(0) });
    n.stabilize();
    n.tickAll(3);
    assert.equal(n.sent.filter((m) => m.type === 'MsgSnap' && m.to === 4).length, 0, 'the old snapshot does not name member 4');
    snapshotAndCompact(n.member(1), 'NEW');
    n.tickAll(3);
    const snaps = n.sent.filter((m) => m.type === 'MsgSnap' && m.to === 4);
    assert.equal(snaps.length, 1);
    assert.equal(new TextDecoder().decode(snaps[0]!.snapshot!.data), 'NEW');
    assert.deepEqual(n.member(4).node.confState(), { voters: [1, 2, 3], learners: [4] });
  });
});
