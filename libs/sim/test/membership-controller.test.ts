import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  encodeConfChange,
  logIndex,
  nodeId,
  ProposalDroppedError,
  term,
  type ConfChange,
  type ConfState,
  type Entry,
  type NodeId,
  type Status,
} from '@logbook/raft';
import { MembershipController, type OperatorHost, type OperatorLeader } from '../src/membership-controller.ts';
import { Prng } from '../src/prng.ts';
import type { MembershipParams } from '../src/sim-params.ts';

const n = nodeId;
const IDS = [n(1), n(2), n(3), n(4)];
const INITIAL: ConfState = { voters: [n(1), n(2), n(3)], learners: [] };
const PARAMS: MembershipParams = {
  maxMembers: 4,
  changePerTickProbability: 1,
  maxLingerTicks: 0,
  reAddDelayTicks: 10,
  impatientPromoteProbability: 1,
  reAddBarrier: true,
};

/** A leader that appends each accepted change at the end of its log; `refuse` makes it throw. */
class FakeLeader implements OperatorLeader {
  readonly id = n(1);
  readonly proposed: ConfChange[] = [];
  readonly log: Entry[] = [];
  refuse = false;
  term = 2;
  commit = 5;

  constructor(lastIndex: number) {
    this.log.push({ index: logIndex(lastIndex), term: term(this.term), type: 'normal', data: new Uint8Array(0) });
  }

  proposeConfChange(cc: ConfChange): void {
    if (this.refuse) throw new ProposalDroppedError('a configuration change is not yet applied');
    this.proposed.push(cc);
    const index = this.log.at(-1)!.index + 1;
    this.log.push({ index: logIndex(index), term: term(this.term), type: 'conf-change', data: encodeConfChange(cc) });
  }

  status(): Status {
    return {
      id: this.id,
      hardState: { term: term(this.term), vote: this.id, commit: logIndex(this.commit) },
      softState: { lead: this.id, raftState: 'leader' },
      applied: logIndex(this.commit),
      leadTransferee: n(0),
      progress: new Map(),
    };
  }

  logEntries(): readonly Entry[] {
    return this.log;
  }

  last(): Entry {
    return this.log.at(-1)!;
  }
}

class FakeHost implements OperatorHost {
  readonly leaderMember: FakeLeader;
  readonly provisioned: NodeId[] = [];
  readonly decommissioned: NodeId[] = [];
  cover = true;

  constructor(leader: FakeLeader) {
    this.leaderMember = leader;
  }

  leader(): OperatorLeader {
    return this.leaderMember;
  }

  provision(id: NodeId): Promise<void> {
    this.provisioned.push(id);
    return Promise.resolve();
  }

  decommission(id: NodeId): void {
    this.decommissioned.push(id);
  }

  snapshotsCover(): boolean {
    return this.cover;
  }

  note(): void {}
}

function setup(params: MembershipParams = PARAMS): { op: MembershipController; host: FakeHost; leader: FakeLeader } {
  const leader = new FakeLeader(5);
  const host = new FakeHost(leader);
  const op = new MembershipController(Prng.fromSeed(1), params, INITIAL, IDS, host);
  return { op, host, leader };
}

/** The leader's last entry, applied with the configuration it produces. */
function apply(op: MembershipController, e: Entry, cs: ConfState): void {
  op.confChangeApplied(e, cs);
}

describe('MembershipController', () => {
  it('adds a spare: provisions it on an empty drive, proposes add-learner on the leader, done when applied', async () => {
    const { op, host, leader } = setup();
    await op.step(0);
    assert.deepEqual(host.provisioned, [n(4)]);
    assert.deepEqual(leader.proposed, [{ type: 'add-learner', nodeId: n(4), context: new Uint8Array(0) }]);
    assert.equal(op.role(n(4)), 'joining');
    assert.equal(op.settled, false);
    apply(op, leader.last(), { voters: INITIAL.voters, learners: [n(4)] });
    assert.equal(op.role(n(4)), 'member');
    assert.equal(op.stats.learnersAdded, 1);
    assert.deepEqual(op.config.learners, [n(4)]);
    assert.equal(op.settled, true);
  });

  it('one change at a time: nothing new is proposed while a proposal is unresolved', async () => {
    const { op, leader } = setup();
    await op.step(0);
    for (let t = 1; t < 10; t++) await op.step(t);
    assert.equal(leader.proposed.length, 1);
  });

  it('a refused proposal is retried later', async () => {
    const { op, leader } = setup();
    leader.refuse = true;
    await op.step(0);
    assert.equal(op.stats.refused, 1);
    leader.refuse = false;
    for (let t = 1; t < 20 && leader.proposed.length === 0; t++) await op.step(t);
    assert.equal(leader.proposed.length, 1);
    assert.equal(op.stats.proposed, 1);
  });

  it('a proposal whose slot commits another entry is lost and proposed again, never twice while it may still commit', async () => {
    const { op, leader } = setup();
    await op.step(0);
    const slot = leader.last();
    op.committed([{ ...slot, term: term(3), type: 'normal', data: new Uint8Array(0) }]);
    assert.equal(op.stats.lost, 1);
    leader.term = 3;
    await op.step(1);
    assert.equal(leader.proposed.length, 2);
    assert.deepEqual(leader.proposed[1], leader.proposed[0]);
  });

  it('a proposal a later leader (committed in its own term) does not hold is lost', async () => {
    const { op, leader } = setup();
    await op.step(0);
    const slot = leader.last();
    // A new leader of term 3 whose log ends before the slot, its no-op committed.
    leader.term = 3;
    leader.log.length = 0;
    leader.log.push({ index: logIndex(slot.index - 1), term: term(3), type: 'normal', data: new Uint8Array(0) });
    leader.commit = slot.index - 1;
    for (let t = 1; t <= 50; t++) await op.step(t);
    assert.equal(op.stats.lost, 1);
  });

  it('stops a removed member after its linger, and re-adds its id only behind the snapshot barrier', async () => {
    const { op, host, leader } = setup({ ...PARAMS, reAddDelayTicks: 5 });
    await op.step(0);
    apply(op, leader.last(), { voters: INITIAL.voters, learners: [n(4)] });
    // Remove the learner by hand (as if the operator had chosen to).
    const removal: Entry = { index: logIndex(20), term: term(2), type: 'conf-change', data: new Uint8Array(0) };
    leader.log.push(removal);
    apply(op, removal, INITIAL);
    assert.equal(op.role(n(4)), 'leaving');
    await op.step(1);
    assert.deepEqual(host.decommissioned, [n(4)]);
    assert.equal(op.role(n(4)), 'absent');
    // Not before the delay, and not while some member may still hold a configuration listing 4.
    host.cover = false;
    for (let t = 2; t < 40; t++) await op.step(t);
    assert.deepEqual(host.provisioned, [n(4)], 'no re-add while the barrier holds');
    host.cover = true;
    await op.step(40);
    assert.deepEqual(host.provisioned, [n(4), n(4)]);
    apply(op, leader.last(), { voters: INITIAL.voters, learners: [n(4)] });
    assert.equal(op.stats.reAdded, 1);
  });

  it('refuses to believe a stopped member came back into the configuration', () => {
    const { op } = setup();
    const e: Entry = { index: logIndex(9), term: term(2), type: 'conf-change', data: new Uint8Array(0) };
    assert.throws(() => op.confChangeApplied(e, { voters: [...INITIAL.voters, n(4)], learners: [] }), /back in the configuration/);
  });

  it('in the liveness phase finishes what is pending and starts nothing new', async () => {
    const { op, leader } = setup();
    op.enterLiveness();
    for (let t = 0; t < 20; t++) await op.step(t);
    assert.equal(leader.proposed.length, 0);
    assert.equal(op.settled, true);
  });
});
