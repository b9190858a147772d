import { test } from 'node:test';
import assert from 'node:assert/strict';

import { message, nodeId, type Entry, type LogIndex, type Message, type Term } from '../src/core/index.ts';
import type { Ready } from '../src/core/ready.ts';
import { splitCommitNotices } from '../src/runtime/commit-notices.ts';
import { encodeEnvelope } from '../src/runtime/envelope.ts';

const LEADER = nodeId(1);
const A = nodeId(2);
const B = nodeId(3);

function proposedBy(member: number, index: number): Entry {
  const data = encodeEnvelope({ member: nodeId(member), nonceHi: 1, nonceLo: 2 }, index, new Uint8Array([7]));
  return { term: 2 as Term, index: index as LogIndex, type: 'normal', data };
}

function notice(to: typeof A, commit: number): Message {
  return message({ type: 'MsgApp', from: LEADER, to, term: 2 as Term, logTerm: 2 as Term, index: commit as LogIndex, commit: commit as LogIndex, noAck: true });
}

function ready(committedEntries: Entry[], messages: Message[]): Ready {
  return { readStates: [], entries: [], committedEntries, messages, mustSync: false };
}

test('a commit notice to a follower that proposed none of the committed entries waits', () => {
  const rd = ready([proposedBy(2, 10)], [notice(A, 10), notice(B, 10)]);
  const { now, later } = splitCommitNotices(rd);
  assert.deepEqual(now.map((m) => m.to), [A], 'the proposer hears at once');
  assert.deepEqual(later.map((m) => m.to), [B]);
});

test('the leader\'s own entries hold back every notice', () => {
  const rd = ready([proposedBy(1, 10), { term: 2 as Term, index: 11 as LogIndex, type: 'normal', data: new Uint8Array(0) }], [notice(A, 11), notice(B, 11)]);
  const { now, later } = splitCommitNotices(rd);
  assert.deepEqual(now, []);
  assert.deepEqual(later.map((m) => m.to), [A, B]);
});

test('a follower that gets anything else in the Ready gets all of its messages at once, in order', () => {
  const append = message({ type: 'MsgApp', from: LEADER, to: B, term: 2 as Term, index: 10 as LogIndex, entries: [proposedBy(1, 11)] });
  const heartbeat = message({ type: 'MsgHeartbeat', from: LEADER, to: A, term: 2 as Term });
  const rd = ready([proposedBy(1, 10)], [notice(B, 10), notice(A, 10), append, heartbeat]);
  const { now, later } = splitCommitNotices(rd);
  assert.deepEqual(now, [notice(B, 10), notice(A, 10), append, heartbeat]);
  assert.deepEqual(later, []);
});

test('nothing waits when nothing commits or a membership change commits', () => {
  const nothing = ready([], [notice(A, 9), notice(B, 9)]);
  assert.deepEqual(splitCommitNotices(nothing), { now: nothing.messages, later: [] });
  const cc: Entry = { term: 2 as Term, index: 10 as LogIndex, type: 'conf-change', data: new Uint8Array(0) };
  const membership = ready([proposedBy(1, 9), cc], [notice(A, 10), notice(B, 10)]);
  assert.deepEqual(splitCommitNotices(membership), { now: membership.messages, later: [] });
});
