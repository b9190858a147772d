import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Event } from '@logbook/mvcc';
import { NatsPublisherAssertionError, decodePublishedChange, subjectForKey } from '../src/index.ts';
import { SubjectChain } from '../src/subject-chain.ts';
import { buildRevisionMessages, groupByRevision } from '../src/batch.ts';

const te = new TextEncoder();
const ev = (key: string, rev: number, value = 'v'): Event => ({
  type: 'PUT',
  kv: { key: te.encode(key), createRevision: rev, modRevision: rev, version: 1, value: te.encode(value), lease: 0 },
});

test('prev is the subject\'s previous revision, or the session start', () => {
  const c = new SubjectChain(10, 100);
  assert.equal(c.prevFor('a', 11), 10);
  c.stage('a', 11);
  assert.equal(c.prevFor('a', 12), 11, 'staged values are visible within the batch');
  c.discard();
  assert.equal(c.prevFor('a', 12), 10, 'a failed batch leaves no trace');
  c.stage('a', 11);
  c.commit();
  assert.equal(c.prevFor('a', 13), 11);
  assert.equal(c.prevFor('b', 13), 10);
  assert.throws(() => c.prevFor('a', 11), NatsPublisherAssertionError, 'revisions never go back');
});

test('eviction raises the floor: prev stays an upper bound of the forgotten subject\'s revision', () => {
  const c = new SubjectChain(0, 2);
  for (const [s, r] of [['a', 1], ['b', 2], ['c', 3]] as const) {
    c.stage(s, r);
    c.commit();
  }
  assert.equal(c.size, 2);
  assert.equal(c.floor, 1, 'a (least recent) was forgotten');
  assert.equal(c.prevFor('a', 4), 1);
  c.stage('b', 4);
  c.commit();
  c.stage('d', 5);
  c.commit();
  assert.equal(c.floor, 3, 'c was least recently changed');
  assert.equal(c.prevFor('c', 6), 3);
  assert.equal(c.prevFor('b', 6), 4);
});

test('the chain invariant holds on random histories: no event on a subject strictly between prev and revision', () => {
  let seed = 99;
  const rand = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  for (let round = 0; round < 50; round++) {
    const start = rand(5);
    const chain = new SubjectChain(start, 1 + rand(4));
    const history: Event[] = [];
    for (let rev = start + 1; rev < start + 60; rev++) {
      const n = 1 + rand(3);
      for (let i = 0; i < n; i++) history.push(ev(`/registry/r${rand(3)}/ns${rand(3)}/o${i}`, rev));
    }
    for (const [rev, events] of groupByRevision(history)) {
      for (const m of buildRevisionMessages('p', rev, events, chain, 1 << 20)) {
        const onSubject = history.filter((e) => subjectForKey('p', e.kv.key) === m.subject).map((e) => e.kv.modRevision);
        assert.ok(m.prevRevision < rev);
        assert.ok(!onSubject.some((r) => r > m.prevRevision && r < rev), `round ${round}: event on ${m.subject} inside (${m.prevRevision}, ${rev})`);
        const body = decodePublishedChange(m.body);
        assert.ok(!body.reference);
        assert.equal(body.events.length, events.filter((e) => subjectForKey('p', e.kv.key) === m.subject).length, 'all of the revision\'s events on the subject');
      }
      chain.commit();
    }
  }
});

test('messages too large become references, then references without keys', () => {
  const chain = new SubjectChain(0, 10);
  const big = 'x'.repeat(3000);
  const events = [ev('/registry/a/ns/one', 5, big), ev('/registry/a/ns/two', 5, 'small'), ev('/registry/b/ns/three', 5, 'small')];
  const msgs = buildRevisionMessages('p', 5, events, chain, 1000);
  assert.deepEqual(msgs.map((m) => [m.subject, m.reference]), [['p.a.ns', true], ['p.b.ns', false]]);
  const ref = decodePublishedChange(msgs[0]?.body ?? new Uint8Array());
  assert.ok(ref.reference);
  assert.deepEqual(ref.referenceKeys.map((k) => new TextDecoder().decode(k)), ['/registry/a/ns/one', '/registry/a/ns/two']);

  const many = Array.from({ length: 200 }, (_, i) => ev(`/registry/a/ns/key-with-a-long-name-${i}`, 6, big));
  const [bare] = buildRevisionMessages('p', 6, many, chain, 1000);
  assert.ok(bare !== undefined && bare.body.length <= 1000);
  const decoded = decodePublishedChange(bare.body);
  assert.ok(decoded.reference && decoded.referenceKeys.length === 0);
  assert.equal(decoded.prevRevision, 5, 'chain continues through references');
});

test('groupByRevision refuses out-of-order history', () => {
  assert.deepEqual(groupByRevision([ev('a', 2), ev('b', 2), ev('c', 3)]).map(([r, e]) => [r, e.length]), [[2, 2], [3, 1]]);
  assert.throws(() => groupByRevision([ev('a', 3), ev('b', 2)]), NatsPublisherAssertionError);
});
