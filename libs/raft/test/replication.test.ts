import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MemoryStorage,
  NotLeaderError,
  ProposalDroppedError,
  RawNode,
  TooLargeError,
  discardLogger,
  type Entry,
  type LogIndex,
  type Message,
  type NodeId,
  type Term,
} from '../src/core/index.ts';
import { Network, seeded } from './helpers/network.ts';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const ent = (index: number, term: number, data = ''): Entry => ({ index: index as LogIndex, term: term as Term, type: 'normal', data: enc(data) });

/** A bare RawNode over `storage` with the tests' usual limits, no check-quorum or pre-vote. */
function rawNode(id: number, storage: MemoryStorage, testingKnobs?: { commitByOldTermReplicas: boolean }): RawNode {
  return new RawNode({
    id: id as NodeId,
    electionTicks: 10,
    heartbeatTicks: 1,
    storage,
    maxSizePerMsgBytes: 1 << 20,
    maxInflightMsgs: 256,
    maxUncommittedEntriesBytes: 1 << 20,
    checkQuorum: false,
    preVote: false,
    random: seeded(1),
    logger: discardLogger,
    ...(testingKnobs !== undefined ? { testingKnobs } : {}),
  });
}

describe('log replication', () => {
  it('replicates and applies proposals in order on every member', () => {
    const n = new Network([1, 2, 3]);
    n.campaign(1);
    for (const v of ['a', 'b', 'c']) n.propose(1, v);
    for (const id of [1, 2, 3]) assert.deepEqual(n.member(id).appliedData(), ['a', 'b', 'c']);
  });

  it('a follower forwards proposals to the leader', () => {
    const n = new Network([1, 2, 3]);
    n.campaign(1);
    n.propose(3, 'from-3');
    for (const id of [1, 2, 3]) assert.deepEqual(n.member(id).appliedData(), ['from-3']);
  });

  it('without a known leader a proposal fails with NotLeaderError', () => {
    const n = new Network([1, 2, 3]);
    assert.throws(() => n.member(2).node.propose(enc('x')), (e: unknown) => e instanceof NotLeaderError && e.leader === 0);
  });

  it('with forwarding disabled a follower names the leader', () => {
    const n = new Network([1, 2, 3], { disableProposalForwarding: true });
    n.campaign(1);
    assert.throws(() => n.member(2).node.propose(enc('x')), (e: unknown) => e instanceof NotLeaderError && e.leader === 1);
  });

  it('a minority leader cannot commit; the new majority overwrites its uncommitted tail', () => {
    const n = new Network([1, 2, 3, 4, 5]);
    n.campaign(1);
    n.propose(1, 'ok');
    n.isolate(1);
    n.member(1).node.propose(enc('lost'));
    n.stabilize();
    assert.deepEqual(n.member(1).appliedData(), ['ok']);
    n.campaign(2);
    n.propose(2, 'new');
    n.heal();
    n.tickAll(3);
    for (const id of [1, 2, 3, 4, 5]) assert.deepEqual(n.member(id).appliedData(), ['ok', 'new']);
  });

  it('catches up a follower with a long divergent log quickly (fast back-off by term)', () => {
    const n = new Network([1, 2, 3]);
    n.campaign(1);
    n.isolate(1);
    for (let i = 0; i < 100; i++) n.member(1).node.propose(enc(`stale${i}`));
    n.stabilize();
    n.campaign(2);
    for (let i = 0; i < 5; i++) n.propose(2, `v${i}`);
    n.heal();
    n.sent.length = 0;
    n.tickAll(2);
    const rejects = n.sent.filter((m) => m.type === 'MsgAppResp' && m.reject && m.from === 1);
    assert.ok(rejects.length <= 2, `expected at most 2 rejections, got ${rejects.length}`);
    assert.deepEqual(n.member(1).appliedData(), ['v0', 'v1', 'v2', 'v3', 'v4']);
  });

  it('Figure 8: a leader does not commit an older-term entry by counting replicas', () => {
    // Member 1 holds [2@1, 3@2] after the bootstrap snapshot (index 1) and
    // becomes leader of term 3; its log has an entry of term 2 not known to be committed.
    const build = (unsafe: boolean): { rn: RawNode; persist: () => void } => {
      const storage = MemoryStorage.bootstrap({ voters: [1, 2, 3] as NodeId[], learners: [] });
      storage.append([ent(2, 1), ent(3, 2)]);
      storage.setHardState({ term: 2 as Term, vote: 0 as NodeId, commit: 1 as LogIndex });
      const rn = rawNode(1, storage, { commitByOldTermReplicas: unsafe });
      const persist = (): void => {
        const rd = rn.ready();
        storage.append(rd.entries);
        if (rd.hardState !== undefined) storage.setHardState(rd.hardState);
        rn.advance(rd);
      };
      return { rn, persist };
    };
    for (const unsafe of [false, true]) {
      const { rn, persist } = build(unsafe);
      rn.campaign();
      persist();
      const voteResp = (from: number): Message => ({
        type: 'MsgVoteResp', from: from as NodeId, to: 1 as NodeId, term: 3 as Term, logTerm: 0 as Term, index: 0 as LogIndex,
        entries: [], commit: 0 as LogIndex, reject: false, rejectHint: 0 as LogIndex, context: new Uint8Array(0),
      });
      rn.step(voteResp(2));
      assert.equal(rn.status().softState.raftState, 'leader');
      persist();
      // Follower 2 acknowledges index 3 (the term-2 entry) but not the leader's term-3 no-op at index 4.
      rn.step({ ...voteResp(2), type: 'MsgAppResp', index: 3 as LogIndex });
      if (unsafe) assert.equal(rn.status().hardState.commit, 3, 'the mutant commits the old-term entry');
      else assert.equal(rn.status().hardState.commit, 1, 'the old-term entry must not commit by itself');
      rn.step({ ...voteResp(2), type: 'MsgAppResp', index: 4 as LogIndex });
      assert.equal(rn.status().hardState.commit, 4, 'committing the current-term entry commits everything before it');
    }
  });

  it('bounds in-flight appends to a silent follower', () => {
    const n = new Network([1, 2, 3], { maxInflightMsgs: 4 });
    n.campaign(1);
    n.propose(1, 'warm-up');
    n.stop(3);
    n.sent.length = 0;
    for (let i = 0; i < 20; i++) n.propose(1, `p${i}`);
    const toSilent = n.sent.filter((m) => m.type === 'MsgApp' && m.to === 3 && m.entries.length > 0);
    assert.equal(toSilent.length, 4);
    assert.equal(n.member(2).appliedData().length, 21);
  });

  it('refuses proposals beyond the uncommitted-bytes limit, and accepts again after commit', () => {
    const n = new Network([1, 2, 3], { maxUncommittedEntriesBytes: 100 });
    n.campaign(1);
    n.stop(2);
    n.stop(3);
    n.member(1).node.propose(new Uint8Array(60));
    assert.throws(() => n.member(1).node.propose(new Uint8Array(60)), ProposalDroppedError);
    n.heal();
    n.tickAll(2);
    n.member(1).node.propose(new Uint8Array(60));
  });

  it('refuses a proposal over maxProposalBytes', () => {
    const n = new Network([1], { maxUncommittedEntriesBytes: 1000 });
    n.campaign(1);
    assert.throws(() => n.member(1).node.propose(new Uint8Array(1001)), TooLargeError);
  });

  it('splits appends by maxSizePerMsgBytes', () => {
    const n = new Network([1, 2], { maxSizePerMsgBytes: 1000 });
    n.campaign(1);
    n.stop(2);
    for (let i = 0; i < 10; i++) n.member(1).node.propose(new Uint8Array(400));
    n.stabilize();
    n.heal();
    n.sent.length = 0;
    n.tickAll(3);
    const apps = n.sent.filter((m) => m.type === 'MsgApp' && m.entries.length > 0);
    for (const m of apps) assert.ok(m.entries.length <= 2, `MsgApp carried ${m.entries.length} entries`);
    assert.equal(n.member(2).applied.filter((e) => e.data.byteLength === 400).length, 10);
  });

  it('ready() twice without advance() is an assertion failure', () => {
    const n = new Network([1]);
    const rn = n.member(1).node;
    rn.campaign();
    rn.ready();
    assert.throws(() => rn.ready(), /before advance/);
  });
});

describe('commit notices without an answer (noAck)', () => {
  it('a commit notice to a follower that acknowledged everything asks no answer, and gets none', () => {
    const n = new Network([1, 2, 3]);
    n.campaign(1);
    n.propose(1, 'warm-up');
    n.sent.length = 0;
    n.propose(1, 'x');
    const apps = n.sent.filter((m) => m.type === 'MsgApp' && m.from === 1);
    const withEntries = apps.filter((m) => m.entries.length > 0);
    const notices = apps.filter((m) => m.entries.length === 0);
    assert.equal(withEntries.length, 2);
    assert.ok(withEntries.every((m) => m.noAck !== true), 'appends with entries are answered');
    // The leader commits on the first answer: the other follower's answer
    // may not have arrived when the notices leave, and its notice asks for one.
    assert.ok(notices.some((m) => m.noAck === true), 'a commit notice asks for no answer');
    const answers = n.sent.filter((m) => m.type === 'MsgAppResp');
    assert.equal(answers.length, withEntries.length + notices.filter((m) => m.noAck !== true).length, 'only unflagged messages are answered');
    for (const id of [1, 2, 3]) assert.deepEqual(n.member(id).appliedData(), ['warm-up', 'x']);
  });

  it('a commit notice to a follower still catching up asks for an answer', () => {
    const n = new Network([1, 2, 3]);
    n.campaign(1);
    n.stop(3);
    n.sent.length = 0;
    n.propose(1, 'a');
    const notices = n.sent.filter((m) => m.type === 'MsgApp' && m.entries.length === 0);
    assert.deepEqual(notices.map((m) => [m.to, m.noAck === true]).sort(), [[2, true], [3, false]], 'the stopped follower never acknowledged index 3');
  });

  it('a follower answers a refused append even when no answer was asked', () => {
    const rn = rawNode(2, MemoryStorage.bootstrap({ voters: [1, 2, 3] as NodeId[], learners: [] }));
    const notice = (index: number, noAck: boolean): Message => ({
      type: 'MsgApp', from: 1 as NodeId, to: 2 as NodeId, term: 2 as Term, logTerm: 2 as Term, index: index as LogIndex,
      entries: [], commit: 1 as LogIndex, reject: false, rejectHint: 0 as LogIndex, context: new Uint8Array(0), ...(noAck ? { noAck } : {}),
    });
    // Index 5 is beyond this member's log (it holds only the bootstrap index 1).
    const answers = (): Message[] => {
      if (!rn.hasReady()) return [];
      const rd = rn.ready();
      rn.advance(rd);
      return rd.messages.filter((m) => m.type === 'MsgAppResp');
    };
    rn.step(notice(5, true));
    assert.deepEqual(answers().map((m) => [m.reject, m.to]), [[true, 1]]);
    // Accepted at index 1: answered only without the flag.
    rn.step({ ...notice(1, true), logTerm: 1 as Term });
    assert.equal(answers().length, 0);
    rn.step({ ...notice(1, false), logTerm: 1 as Term });
    assert.deepEqual(answers().map((m) => [m.reject, m.index]), [[false, 1]]);
  });
});

describe('flow control regressions', () => {
  it('a heartbeat response to a follower with a full window sends an empty append, not an overflow (sim seed 3)', () => {
    const n = new Network([1, 2], { maxInflightMsgs: 1 });
    n.campaign(1);
    // Fill the window: one append in flight to 2, never answered.
    n.dropFilter = (m) => m.type === 'MsgAppResp';
    n.propose(1, 'a');
    n.member(1).node.propose(new TextEncoder().encode('b'));
    n.stabilize();
    n.dropFilter = undefined;
    // A heartbeat round unpauses the follower; the leader must not overflow Inflights.
    n.sent.length = 0;
    n.tickAll(3);
    assert.deepEqual(n.member(2).appliedData(), ['a', 'b']);
  });
});
