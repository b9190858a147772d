import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, MemoryStorage, RawNode, discardLogger, type NodeId } from '../src/core/index.ts';
import { Network } from './helpers/network.ts';

describe('leader election', () => {
  it('elects the campaigning member in a 3-member cluster', () => {
    const n = new Network([1, 2, 3]);
    n.campaign(1);
    assert.deepEqual(n.leaders(), [1]);
    // Bootstrap is term 1; the first election is term 2.
    for (const id of [1, 2, 3]) assert.equal(n.member(id).node.status().hardState.term, 2);
    assert.equal(n.member(2).node.status().softState.lead, 1);
  });

  it('elects someone by election timeout alone', () => {
    const n = new Network([1, 2, 3], { preVote: true, checkQuorum: true });
    n.tickAll(30);
    assert.equal(n.leaders().length, 1);
  });

  it('a single member elects itself and commits immediately', () => {
    const n = new Network([1]);
    n.campaign(1);
    n.propose(1, 'x');
    assert.deepEqual(n.member(1).appliedData(), ['x']);
  });

  it('does not elect a candidate without a majority', () => {
    const n = new Network([1, 2, 3, 4, 5]);
    n.stop(3);
    n.stop(4);
    n.stop(5);
    n.campaign(1);
    assert.deepEqual(n.leaders(), []);
    assert.equal(n.member(1).node.status().softState.raftState, 'candidate');
  });

  it('refuses to vote for a candidate with a shorter log', () => {
    const n = new Network([1, 2, 3]);
    n.campaign(1);
    n.isolate(3);
    n.propose(1, 'a');
    n.heal();
    // 3 missed "a": it campaigns at a higher term but 1 and 2 refuse it.
    n.stop(1);
    n.member(3).node.campaign();
    n.stabilize();
    assert.equal(n.member(3).node.status().softState.raftState === 'leader', false);
    n.member(2).node.campaign();
    n.stabilize();
    assert.deepEqual(n.leaders(), [2]);
  });

  it('with pre-vote, a partitioned member rejoining does not disrupt the leader', () => {
    const n = new Network([1, 2, 3], { preVote: true, checkQuorum: true });
    n.campaign(1);
    n.isolate(3);
    for (let i = 0; i < 50; i++) {
      n.tick(3);
      n.stabilize();
    }
    // Pre-vote never won, so 3's term did not move.
    assert.equal(n.member(3).node.status().hardState.term, 2);
    n.heal();
    n.tickAll(5);
    assert.deepEqual(n.leaders(), [1]);
    assert.equal(n.member(1).node.status().hardState.term, 2);
  });

  it('without pre-vote, the same rejoin disrupts: the check the test above relies on can fail', () => {
    const n = new Network([1, 2, 3], { preVote: false, checkQuorum: false });
    n.campaign(1);
    n.isolate(3);
    for (let i = 0; i < 50; i++) {
      n.tick(3);
      n.stabilize();
    }
    assert.ok(n.member(3).node.status().hardState.term > 2);
    n.heal();
    n.tickAll(30);
    assert.ok(n.member(1).node.status().hardState.term > 2, 'the old leader was deposed by the higher term');
  });

  it('check-quorum: a leader that cannot hear a quorum steps down', () => {
    const n = new Network([1, 2, 3], { checkQuorum: true, preVote: true });
    n.campaign(1);
    n.isolate(1);
    for (let i = 0; i < 25; i++) n.tick(1);
    n.stabilize();
    assert.equal(n.member(1).node.status().softState.raftState, 'follower');
  });

  it('check-quorum: followers ignore vote requests while a leader is live (leader lease)', () => {
    const n = new Network([1, 2, 3], { checkQuorum: true });
    n.campaign(1);
    n.tickAll(1);
    n.member(3).node.campaign();
    n.stabilize();
    // 2 heard from 1 within the election timeout and refused to even consider 3.
    assert.equal(n.member(2).node.status().softState.lead, 1);
  });

  it('restarted member keeps its term and vote', () => {
    const n = new Network([1, 2, 3]);
    n.campaign(1);
    const m2 = n.member(2);
    assert.equal(m2.node.status().hardState.vote, 1);
    m2.restart();
    assert.equal(m2.node.status().hardState.vote, 1);
    assert.equal(m2.node.status().hardState.term, 2);
  });

  it('rejects invalid configuration with every problem listed', () => {
    assert.throws(
      () =>
        new RawNode({
          id: 0 as NodeId,
          electionTicks: 1,
          heartbeatTicks: 2,
          storage: new MemoryStorage(),
          maxSizePerMsgBytes: 0,
          maxInflightMsgs: 0,
          maxUncommittedEntriesBytes: 10,
          checkQuorum: false,
          preVote: false,
          readOnlyOption: 'lease-based',
          random: () => 0,
          logger: discardLogger,
        }),
      (e: unknown) => e instanceof ConfigError && e.problems.length >= 5,
    );
  });
});
