import { test } from 'node:test';
import assert from 'node:assert/strict';

import { MemoryPersistence, OutcomeUnknownError, ProposalLostError, nodeId, persistenceContract } from '../src/index.ts';
import { decodeEnvelope, encodeEnvelope, isFrom } from '../src/runtime/envelope.ts';
import { ProposalTracker } from '../src/runtime/proposal-tracker.ts';
import { ReadTracker } from '../src/runtime/read-tracker.ts';
import { decodeSnapshotData, encodeSnapshotData } from '../src/runtime/snapshot-data.ts';
import { LeaderChangedError, ReadTimeoutError } from '../src/runtime/errors.ts';
import { Inbox } from '../src/runtime/inbox.ts';
import { Network } from './helpers/network.ts';

const me = { member: nodeId(2 ** 40 + 3), nonceHi: 0xdeadbeef, nonceLo: 7 };

test('envelope round-trips member, nonce, seq and payload, including ids above 2^32', () => {
  const payload = new TextEncoder().encode('hello');
  const env = decodeEnvelope(encodeEnvelope(me, 2 ** 45 + 9, payload));
  assert.equal(env.member, me.member);
  assert.equal(env.seq, 2 ** 45 + 9);
  assert.deepEqual(env.payload, payload);
  assert.ok(isFrom(env, me));
  assert.ok(!isFrom(env, { ...me, nonceLo: 8 }), 'another boot of the same member is someone else');
});

test('envelope decoding rejects foreign or truncated data (broken invariant)', () => {
  assert.throws(() => decodeEnvelope(new Uint8Array(3)), /too short/);
  const bad = encodeEnvelope(me, 1, new Uint8Array(0));
  bad[0] = 9;
  assert.throws(() => decodeEnvelope(bad), /unknown envelope version/);
  assert.throws(() => encodeEnvelope(me, 0, new Uint8Array(0)), /positive/);
});

test('snapshot data carries the address book; empty data is the bootstrap state', () => {
  const book = new Map([[nodeId(3), 'h3:1'], [nodeId(1), 'h1:1']]);
  const app = new Uint8Array([1, 2, 3]);
  const got = decodeSnapshotData(encodeSnapshotData(book, app));
  assert.deepEqual([...got.addresses].sort(), [...book].sort());
  assert.deepEqual(got.app, app);
  const empty = decodeSnapshotData(new Uint8Array(0));
  assert.equal(empty.addresses.size, 0);
  assert.equal(empty.app.byteLength, 0);
  assert.throws(() => decodeSnapshotData(new Uint8Array([1, 0, 0, 0, 99])), /overruns/);
});

test('proposal tracker: resolves on apply, rejects a proposal whose index got another entry', async () => {
  const t = new ProposalTracker(10);
  const a = t.add<string>(1, undefined);
  const b = t.add<string>(2, undefined);
  t.noteAppended(1, 5);
  t.noteAppended(2, 6);
  // A new leader overwrote index 6 with someone else's entry: only applying it decides.
  t.applied(5, 1, 'ok-a');
  t.applied(6, undefined, 'other');
  assert.equal(await a, 'ok-a');
  await assert.rejects(b, ProposalLostError);
  assert.equal(t.size, 0);
});

test('proposal tracker: an entry re-appended at a new index is tracked there', async () => {
  const t = new ProposalTracker(10);
  const a = t.add<string>(1, undefined);
  t.noteAppended(1, 5);
  t.noteAppended(1, 7); // the index it really got after a leader change
  t.applied(5, undefined, 'x'); // not a loss: it moved
  assert.equal(t.size, 1);
  t.applied(7, 1, 'ok');
  assert.equal(await a, 'ok');
});

test('proposal tracker: bound, abort, snapshot coverage and rejectAll', async () => {
  const t = new ProposalTracker(3);
  const ac = new AbortController();
  const a = t.add(1, ac.signal);
  const b = t.add(2, undefined);
  const c = t.add(3, undefined);
  assert.equal(t.hasRoom(), false);
  assert.throws(() => t.add(4, undefined), /beyond the limit/);
  ac.abort(new Error('gone'));
  await assert.rejects(a, /gone/);
  assert.equal(t.hasRoom(), true);
  t.noteAppended(2, 10);
  t.snapshotRestored(12);
  await assert.rejects(b, OutcomeUnknownError);
  assert.equal(t.size, 1, 'a proposal with no known index is not covered by a snapshot');
  t.rejectAll(new Error('closing'));
  await assert.rejects(c, /closing/);
});

test('read tracker: confirm then apply resolves; leader change rejects unconfirmed; timeout rejects', async () => {
  const r = new ReadTracker(10, 20);
  const confirmed = r.enqueue(undefined);
  r.issueQueued(1, 0);
  r.confirm(1, 9);
  const lost = r.enqueue(undefined);
  r.issueQueued(2, 0);
  r.leaderChanged();
  await assert.rejects(lost, LeaderChangedError);
  r.appliedTo(8);
  let done = false;
  void confirmed.then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(done, false, 'not applied far enough yet');
  r.appliedTo(9);
  await confirmed;

  const slow = r.enqueue(undefined);
  r.issueQueued(3, 100);
  r.expire(119);
  assert.equal(r.size, 1);
  r.expire(120);
  await assert.rejects(slow, ReadTimeoutError);
  assert.equal(r.size, 0);
});

test('read tracker: bound and abort', async () => {
  const r = new ReadTracker(2, 20);
  const ac = new AbortController();
  const a = r.enqueue(ac.signal);
  void r.enqueue(undefined).catch(() => {});
  assert.equal(r.hasRoom(), false);
  ac.abort();
  await assert.rejects(a, { name: 'AbortError' });
  assert.equal(r.hasRoom(), true);
  r.rejectAll(new Error('closed'));
  assert.equal(r.size, 0);
});

for (const c of persistenceContract) {
  test(`persistence contract (MemoryPersistence): ${c.name}`, () =>
    c.run({
      bootstrap: (cs) => Promise.resolve(MemoryPersistence.bootstrap(cs)),
      reopen: (p) => Promise.resolve((p as MemoryPersistence).reopen()),
    }));
}

test('inbox: a leader whose loop stalled for an election timeout hears the answers that waited before its ticks, and stays leader', () => {
  const n = new Network([1, 2, 3], { checkQuorum: true, preVote: true });
  n.campaign(1);
  const leader = n.member(1);
  // Nine ticks with everything delivered; the tenth is the leader's quorum
  // check (10-tick election timeout), and sends heartbeats.
  n.tick(1, 9);
  n.stabilize();
  n.tick(1);
  // The leader's loop now stalls: its heartbeats go out and are answered,
  // but the answers wait in its inbox together with the ticks of the stall.
  const heartbeats = leader.handleReady();
  assert.ok(heartbeats.length >= 2);
  for (const m of heartbeats) n.member(m.to).node.step(m);
  const answers = [n.member(2), n.member(3)].flatMap((f) => f.handleReady()).filter((m) => m.to === 1);
  assert.ok(answers.length >= 2, 'both followers answered');
  const inbox = new Inbox(1000, 10);
  for (let i = 0; i < 25; i++) inbox.tick();
  for (const m of answers) inbox.message(m);
  inbox.feed(leader.node, (m) => leader.node.step(m));
  assert.equal(leader.node.status().softState.raftState, 'leader', 'the answers count toward the quorum check the stalled ticks run');
});
