import { after, test } from 'node:test';
import assert from 'node:assert/strict';

import {
  ClosedError,
  ManualScheduler,
  type LocalNetwork,
  MemoryPersistence,
  NotLeaderError,
  TooLargeError,
  TooManyRequestsError,
  decodeSnapshotData,
  nodeId,
} from '../src/index.ts';
import {
  GatedSnapshotMachine,
  SlowRestoreMachine,
  address,
  closeAll,
  closeStragglers,
  propose,
  startCluster,
  startMember,
  waitFor,
  waitForLeader,
  type Member,
} from './runtime-harness.ts';

after(closeStragglers);

const sameValues = (members: readonly Member[], expected: readonly string[]): boolean =>
  members.every((m) => m.sm.values().length === expected.length && m.sm.values().every((v, i) => v === expected[i]));

test('three members elect one leader and apply proposals everywhere in the same order', async () => {
  const { members } = await startCluster(3);
  try {
    const leader = await waitForLeader(members);
    const results: number[] = [];
    for (let i = 0; i < 5; i++) results.push(await propose(leader, `seq-${i}`));
    assert.deepEqual(results, [1, 2, 3, 4, 5]);
    const concurrent = await Promise.all(Array.from({ length: 50 }, (_, i) => propose(leader, `par-${i}`)));
    assert.deepEqual([...concurrent].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i + 6));
    const expected = leader.sm.values();
    assert.equal(expected.length, 55);
    await waitFor('followers to apply', () => sameValues(members, expected));
    // Applied indexes are strictly increasing on every member.
    for (const m of members) {
      const idx = m.sm.items.map((i) => i.index);
      assert.ok(idx.every((v, i) => i === 0 || v > idx[i - 1]!), `member ${m.id} applied out of order`);
    }
  } finally {
    await closeAll(members);
  }
});

test('a proposal made on a follower is forwarded and resolves there with its result', async () => {
  const { members } = await startCluster(3);
  try {
    const leader = await waitForLeader(members);
    const follower = members.find((m) => m.id !== leader.id)!;
    await propose(leader, 'from-leader');
    const r = await propose(follower, 'from-follower');
    assert.equal(r, 2);
    // Resolution means it was applied on the follower itself.
    assert.deepEqual(follower.sm.values(), ['from-leader', 'from-follower']);
    await waitFor('all members', () => sameValues(members, ['from-leader', 'from-follower']));
  } finally {
    await closeAll(members);
  }
});

test('proposals beyond maxPendingProposals are rejected with TooManyRequestsError; the rest apply', async () => {
  const { members } = await startCluster(3, { maxPendingProposals: 4 });
  try {
    const leader = await waitForLeader(members);
    const settled = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => propose(leader, `p${i}`)));
    const ok = settled.filter((s) => s.status === 'fulfilled');
    const refused = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    assert.equal(ok.length, 4);
    assert.equal(refused.length, 6);
    for (const r of refused) {
      assert.ok(r.reason instanceof TooManyRequestsError);
      assert.equal(r.reason.code, 'too-many-requests');
    }
    // Room frees up once proposals settle.
    assert.equal(leader.node.status().pendingProposals, 0);
    assert.equal(await propose(leader, 'after'), 5);
  } finally {
    await closeAll(members);
  }
});

test('read() on a follower is a barrier: it resolves only after the follower applied earlier writes', async () => {
  const { network, members } = await startCluster(3);
  try {
    const leader = await waitForLeader(members);
    const follower = members.find((m) => m.id !== leader.id)!;
    for (let i = 0; i < 20; i++) await propose(leader, `w${i}`);
    await follower.node.read();
    assert.equal(follower.sm.values().length, 20, 'read resolved before the follower applied every acknowledged write');
    // Many reads in one turn share a request and all resolve.
    await Promise.all(Array.from({ length: 30 }, () => follower.node.read()));

    // Cut the follower off: it loses its leader and reads are refused (callers retry elsewhere).
    network.isolate(follower.id);
    await waitFor('follower to lose its leader', () => follower.node.status().lead === 0 || follower.node.status().raftState !== 'follower', 5000);
    await waitFor('follower to have no leader', () => follower.node.status().lead === 0, 5000);
    await assert.rejects(follower.node.read(), NotLeaderError);
    // Proposals the core refuses reject with its typed error.
    await assert.rejects(propose(follower, 'nowhere to go'), NotLeaderError);
    assert.equal(follower.node.status().pendingProposals, 0);
    network.heal(follower.id);
  } finally {
    await closeAll(members);
  }
});

test('a proposal over maxProposalBytes rejects with TooLargeError and leaves no trace', async () => {
  const { members } = await startCluster(1, { config: { maxProposalBytes: 200 } });
  const m = members[0]!;
  try {
    await waitForLeader(members);
    await assert.rejects(m.node.propose(new Uint8Array(500)), TooLargeError);
    assert.equal(m.node.status().pendingProposals, 0);
    assert.equal(await propose(m, 'small'), 1);
  } finally {
    await closeAll(members);
  }
});

test('read() rejects with the signal reason when aborted', async () => {
  const { network, members } = await startCluster(3);
  try {
    const leader = await waitForLeader(members);
    const follower = members.find((m) => m.id !== leader.id)!;
    // The leader cannot confirm reads without a quorum.
    for (const m of members) if (m.id !== leader.id) network.isolate(m.id);
    const ac = new AbortController();
    const pending = leader.node.read(ac.signal);
    ac.abort(new Error('caller gave up'));
    await assert.rejects(pending, /caller gave up/);
    assert.equal(leader.node.status().pendingReads, 0);
    for (const m of members) network.heal(m.id);
    void follower;
  } finally {
    await closeAll(members);
  }
});

test('transferLeadership hands leadership to the chosen member', async () => {
  const { members } = await startCluster(3);
  try {
    const leader = await waitForLeader(members);
    await propose(leader, 'x');
    const target = members.find((m) => m.id !== leader.id)!;
    await waitFor('target caught up', () => target.node.status().applied === leader.node.status().applied);
    await leader.node.transferLeadership(target.id);
    const next = await waitForLeader(members);
    assert.equal(next.id, target.id);
    assert.equal(await propose(target, 'y'), 2);
  } finally {
    await closeAll(members);
  }
});

/** Three members that applied 60 proposals and snapshotted past index 40 (a joiner must be sent a snapshot). */
async function compactedCluster(): Promise<{ network: LocalNetwork; members: Member[]; leader: Member }> {
  const { network, members } = await startCluster(3, { snapshotCount: 20, snapshotCatchUpEntries: 5 });
  try {
    const leader = await waitForLeader(members);
    for (let i = 0; i < 60; i++) await propose(leader, `v${i}`);
    await waitFor('leader snapshot', () => leader.node.status().lastSnapshotIndex >= 40);
    return { network, members, leader };
  } catch (err) {
    await closeAll(members);
    throw err;
  }
}

test('a fourth member added by conf change catches up through a snapshot after compaction', async () => {
  const { network, members, leader } = await compactedCluster();
  const all = [...members];
  try {
    assert.ok(leader.persistence.storage.firstIndex() > 2, 'leader log was compacted');

    const id4 = nodeId(4);
    const cs = await leader.node.addMember(id4, address(4), { signal: AbortSignal.timeout(5000) });
    assert.deepEqual([...cs.voters].sort(), [1, 2, 3, 4]);
    // Every existing member learned the new member's address from the conf change entry.
    await waitFor('peers learn member 4', () => members.every((m) => m.transport.peers.get(id4) === address(4)));

    // Member 4 joins with empty storage: it learns the configuration from the leader.
    const peers = new Map([1, 2, 3, 4].map((i) => [nodeId(i), address(i)] as const));
    const m4 = await startMember(network, id4, new MemoryPersistence(), peers);
    all.push(m4);
    await waitFor('member 4 catches up', () => sameValues([m4], leader.sm.values()), 10_000);
    assert.ok(m4.sm.restoredAt >= 40, 'member 4 should have been sent a compacted snapshot');
    assert.deepEqual([...m4.node.status().confState.voters].sort(), [1, 2, 3, 4]);

    // It takes part in replication afterwards.
    await propose(leader, 'after-join');
    await waitFor('member 4 applies new entries', () => m4.sm.values().at(-1) === 'after-join');
  } finally {
    await closeAll(all);
  }
});

test('a state machine that restores asynchronously: nothing applies until it settles, at start-up and from the leader', async () => {
  const { network, members, leader } = await compactedCluster();
  const all = [...members];
  try {
    const id4 = nodeId(4);
    await leader.node.addMember(id4, address(4), { signal: AbortSignal.timeout(5000) });
    const peers = new Map([1, 2, 3, 4].map((i) => [nodeId(i), address(i)] as const));
    // Member 4 is sent the leader's snapshot; proposals keep committing while it installs it.
    const m4 = await startMember(network, id4, new MemoryPersistence(), peers, { machine: () => new SlowRestoreMachine(150) });
    all.push(m4);
    const writes = (async () => {
      for (let i = 0; i < 20; i++) await propose(leader, `w${i}`);
    })();
    await writes;
    await waitFor('member 4 catches up', () => sameValues([m4], leader.sm.values()), 10_000);
    const slow = m4.sm as SlowRestoreMachine;
    assert.ok(slow.restores >= 1 && m4.sm.restoredAt >= 40, 'member 4 installed a snapshot');
    assert.equal(slow.appliedWhileRestoring, 0);

    // Restarted, it restores its own snapshot before start() resolves and then catches up from its log.
    await m4.node.close();
    for (let i = 0; i < 5; i++) await propose(leader, `x${i}`);
    const again = await startMember(network, id4, m4.persistence.reopen(), peers, { machine: () => new SlowRestoreMachine(150) });
    all.push(again);
    const restarted = again.sm as SlowRestoreMachine;
    assert.equal(restarted.restores, 1);
    assert.equal(restarted.restoring, false, 'start() resolved before the restore finished');
    await waitFor('restarted member 4 catches up', () => sameValues([again], leader.sm.values()), 10_000);
    assert.equal(restarted.appliedWhileRestoring, 0);
  } finally {
    await closeAll(all);
  }
});

test('a learner can be added and promoted, and a member removed', async () => {
  const { network, members } = await startCluster(3);
  const all = [...members];
  try {
    const leader = await waitForLeader(members);
    await propose(leader, 'a');
    const id4 = nodeId(4);
    let cs = await leader.node.addLearner(id4, address(4), { signal: AbortSignal.timeout(5000) });
    assert.deepEqual(cs.learners, [id4]);
    const peers = new Map([1, 2, 3, 4].map((i) => [nodeId(i), address(i)] as const));
    const m4 = await startMember(network, id4, new MemoryPersistence(), peers);
    all.push(m4);
    await waitFor('learner catches up', () => m4.sm.values().join() === 'a');
    cs = await leader.node.promote(id4, { signal: AbortSignal.timeout(5000) });
    assert.deepEqual([...cs.voters].sort(), [1, 2, 3, 4]);
    assert.deepEqual(cs.learners, []);

    const victim = members.find((m) => m.id !== leader.id)!;
    cs = await leader.node.removeMember(victim.id, { signal: AbortSignal.timeout(5000) });
    assert.ok(!cs.voters.includes(victim.id));
    await waitFor('peers drop the removed member', () => !leader.transport.peers.has(victim.id));
    await propose(leader, 'b');
    await waitFor('remaining members apply', () => m4.sm.values().join() === 'a,b');
  } finally {
    await closeAll(all);
  }
});

test('many concurrent proposals share fsyncs (group commit)', async () => {
  // A slow disk: each sync takes 5 ms, so proposals pile up behind it.
  const { members } = await startCluster(3, {}, { syncDelayMs: 5 });
  try {
    const leader = await waitForLeader(members);
    const before = leader.persistence.syncs;
    const n = 300;
    await Promise.all(Array.from({ length: n }, (_, i) => propose(leader, `g${i}`)));
    const syncs = leader.persistence.syncs - before;
    assert.ok(syncs < n / 5, `expected far fewer syncs than proposals, got ${syncs} for ${n}`);
  } finally {
    await closeAll(members);
  }
});

test('the periodic snapshot runs beside the loop: proposals commit while the state is serialized, close() waits for it', async () => {
  const machines = new Map<Member['sm'], GatedSnapshotMachine>();
  const { members } = await startCluster(3, {
    snapshotCount: 10,
    machine: () => {
      const m = new GatedSnapshotMachine();
      machines.set(m, m);
      return m;
    },
  });
  const gated = (m: Member): GatedSnapshotMachine => machines.get(m.sm)!;
  try {
    const leader = await waitForLeader(members);
    for (let i = 0; i < 12; i++) await propose(leader, `s${i}`);
    await waitFor('every member took its snapshot view', () => members.every((m) => gated(m).views.length === 1));
    const view = gated(leader).views[0]!;
    const before = leader.node.status().lastSnapshotIndex;

    // Held snapshots hold nothing else up: later proposals commit and apply everywhere.
    for (let i = 12; i < 40; i++) await propose(leader, `s${i}`);
    await waitFor('all applied', () => sameValues(members, leader.sm.values()));
    assert.equal(leader.node.status().lastSnapshotIndex, before, 'nothing is written until the state is ready');
    assert.equal(leader.node.status().counters.snapshotsCreated, 0);
    assert.ok(members.every((m) => gated(m).views.length === 1), 'one snapshot at a time');

    for (const m of members) gated(m).release();
    await waitFor('snapshots written', () => members.every((m) => m.node.status().counters.snapshotsCreated >= 1));
    const snap = leader.persistence.storage.snapshot();
    const items = JSON.parse(new TextDecoder().decode(decodeSnapshotData(snap.data).app)) as { index: number }[];
    assert.equal(items.length, view, 'the snapshot holds the state as of its view');
    assert.equal(items.at(-1)!.index <= snap.metadata.index, true);
    assert.ok(snap.metadata.index < leader.node.status().applied, 'the index is the one applied at the view, not at the write');

    // The next snapshot (due again: 28 more entries) is held; close() waits for it.
    await waitFor('second view', () => gated(leader).views.length === 2);
    let closed = false;
    const closing = leader.node.close().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(closed, false, 'close() waits for the snapshot being taken');
    gated(leader).release();
    await closing;
    assert.ok(leader.node.status().counters.snapshotsCreated >= 2);
  } finally {
    for (const m of members) gated(m).release();
    await closeAll(members);
  }
});

test('a restarted member rebuilds its state machine from its own log and catches up', async () => {
  const { network, members } = await startCluster(3, { snapshotCount: 15, snapshotCatchUpEntries: 2 });
  const all = [...members];
  try {
    const leader = await waitForLeader(members);
    for (let i = 0; i < 30; i++) await propose(leader, `r${i}`);
    const follower = members.find((m) => m.id !== leader.id)!;
    await waitFor('follower applied', () => follower.sm.values().length === 30);
    await follower.node.close();
    for (let i = 30; i < 40; i++) await propose(leader, `r${i}`);

    const peers = new Map([1, 2, 3].map((i) => [nodeId(i), address(i)] as const));
    const again = await startMember(network, follower.id, follower.persistence.reopen(), peers);
    all.push(again);
    await waitFor('restarted member catches up', () => sameValues([again], leader.sm.values()), 10_000);
    assert.ok(again.sm.restoredAt >= 15, 'restart restores from its own snapshot');
  } finally {
    await closeAll(all);
  }
});

test('close() is idempotent, rejects pending work, closes transport and persistence, and resolves closed', async () => {
  const { network, members } = await startCluster(3);
  const leader = await waitForLeader(members);
  for (const m of members) if (m.id !== leader.id) network.isolate(m.id);
  const pending = propose(leader, 'never-commits');
  const p1 = leader.node.close();
  const p2 = leader.node.close();
  assert.equal(p1, p2);
  await p1;
  await assert.rejects(pending, ClosedError);
  await assert.rejects(propose(leader, 'late'), ClosedError);
  await assert.rejects(leader.node.read(), ClosedError);
  assert.equal(await leader.node.closed, undefined);
  assert.ok(leader.persistence.isClosed);
  await closeAll(members);
});

test('aborting the signal given at start closes the node', async () => {
  const ac = new AbortController();
  const { members } = await startCluster(1, { signal: ac.signal });
  const m = members[0]!;
  await waitForLeader(members);
  assert.equal(await propose(m, 'solo'), 1);
  ac.abort();
  assert.equal(await m.node.closed, undefined);
  await assert.rejects(propose(m, 'late'), ClosedError);
});

test('ticks come from the injected scheduler: no election until time advances', async () => {
  const scheduler = new ManualScheduler();
  const { members } = await startCluster(1, { scheduler });
  const m = members[0]!;
  try {
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(m.node.status().raftState, 'follower', 'no time passed, so no election');
    for (let i = 0; i < 40 && m.node.status().raftState !== 'leader'; i++) {
      scheduler.advance(10); // one tick
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await waitForLeader(members, 1000);
  } finally {
    await closeAll(members);
  }
  assert.equal(scheduler.activeTimers, 0, 'close cancels the tick timer');
});

// A leader whose inflights for a slow follower are full must not crash when a
// heartbeat response unpauses the follower (the core sends an empty MsgApp then).
test(
  'a slow follower with full inflights does not crash the leader',
  async () => {
    const { members } = await startCluster(3, { config: { maxInflightMsgs: 2 } }, { syncDelayMs: 20 });
    try {
      const leader = await waitForLeader(members);
      const proposals: Promise<unknown>[] = [];
      for (let i = 0; i < 40; i++) {
        proposals.push(propose(leader, `x${i}`).catch(() => undefined));
        await new Promise((resolve) => setTimeout(resolve, 3));
      }
      await Promise.all(proposals);
      const outcome = await Promise.race([leader.node.closed, new Promise((resolve) => setTimeout(() => resolve('alive'), 100))]);
      assert.equal(outcome, 'alive', `leader failed: ${String(outcome)}`);
    } finally {
      await closeAll(members);
    }
  },
);

test('proposals queued together are proposed as one batch; one too large is refused alone', async () => {
  const { members } = await startCluster(3, { config: { maxProposalBytes: 200 } });
  try {
    const leader = await waitForLeader(members);
    const follower = members.find((m) => m.id !== leader.id)!;
    // All made in one turn of the event loop: the follower forwards them as one MsgProp.
    const values = Array.from({ length: 40 }, (_, i) => `v${i}`);
    const pending = values.map((v) => propose(follower, v));
    const tooLarge = assert.rejects(follower.node.propose(new Uint8Array(500), { signal: AbortSignal.timeout(5000) }), TooLargeError);
    const results = await Promise.all(pending);
    await tooLarge;
    assert.deepEqual(results, values.map((_, i) => i + 1));
    await waitFor('all members', () => sameValues(members, values));
  } finally {
    await closeAll(members);
  }
});

test('a state machine with applyBatch gets runs of committed entries and hands each proposer its own result', async () => {
  const { members } = await startCluster(3, { batchingMachine: true });
  try {
    const leader = await waitForLeader(members);
    const values = Array.from({ length: 60 }, (_, i) => `b${i}`);
    const results = await Promise.all(values.map((v) => propose(leader, v)));
    assert.deepEqual(results, values.map((_, i) => i + 1));
    await waitFor('all members', () => sameValues(members, values));
    for (const m of members) {
      assert.equal(m.sm.applyCalls, 0, 'apply() is not used when applyBatch exists');
      assert.ok(m.sm.batches.some((n) => n > 1), `member ${m.id} applied batches of ${m.sm.batches.join(',')}`);
    }
  } finally {
    await closeAll(members);
  }
});

// A transport on node:http2 writes in the event loop's check phase, not when
// send() is called. The leader must let that happen before it applies what
// it just committed, or the followers hear of the commit only after the apply.
test('a leader applies a follower\'s entry only after the event loop has turned since it sent that follower the commit', async () => {
  const { members } = await startCluster(3);
  try {
    const leader = await waitForLeader(members);
    const proposer = members.find((m) => m.id !== leader.id)!;
    let unflushedCommit = 0;
    let appliedBeforeFlush = 0;
    const send = leader.transport.send.bind(leader.transport);
    leader.transport.send = (messages) => {
      send(messages);
      const commit = Math.max(0, ...messages.filter((m) => m.type === 'MsgApp' && m.to === proposer.id).map((m) => m.commit));
      if (commit === 0) return;
      unflushedCommit = Math.max(unflushedCommit, commit);
      setImmediate(() => {
        if (unflushedCommit === commit) unflushedCommit = 0;
      });
    };
    const apply = leader.sm.apply.bind(leader.sm);
    leader.sm.apply = (index, data) => {
      if (index <= unflushedCommit) appliedBeforeFlush++;
      return apply(index, data);
    };
    for (let i = 0; i < 20; i++) await propose(proposer, `flush-${i}`);
    assert.equal(leader.sm.values().filter((v) => v.startsWith('flush-')).length, 20);
    assert.equal(appliedBeforeFlush, 0, 'entries applied while the message committing them to their proposer was still unwritten');
  } finally {
    await closeAll(members);
  }
});

test('a leader tells followers of the commit of its own entries after applying them, and they still apply them', async () => {
  // Manual time: after the election no tick runs, so no heartbeat shares a
  // Ready with a commit, and the followers learn each commit from the notice alone.
  const scheduler = new ManualScheduler();
  const { members } = await startCluster(3, { scheduler });
  try {
    for (let i = 0; i < 100 && !members.some((m) => m.node.status().raftState === 'leader'); i++) {
      scheduler.advance(10);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const leader = await waitForLeader(members, 1000);
    // Once a proposal of this term has applied, so has the term's no-op, whose
    // commit could otherwise share a Ready with the first entry below.
    await propose(leader, 'settle');
    await waitFor('every member to apply it', () => members.every((m) => m.node.status().applied === leader.node.status().applied));
    const appliedThrough = (): number => leader.node.status().applied;
    let early = 0;
    let notices = 0;
    const send = leader.transport.send.bind(leader.transport);
    leader.transport.send = (messages) => {
      for (const m of messages) {
        if (m.type !== 'MsgApp') continue;
        if (m.entries.length === 0) notices++;
        if (m.commit > appliedThrough()) early++;
      }
      send(messages);
    };
    for (let i = 0; i < 20; i++) await propose(leader, `own-${i}`);
    assert.ok(notices >= 20, `only ${notices} commit notices sent`);
    assert.equal(early, 0, 'a follower was told of a commit before the leader applied it');
    const expected = leader.sm.values();
    await waitFor('followers to apply the leader\'s entries', () => sameValues(members, expected));
  } finally {
    await closeAll(members);
  }
});
