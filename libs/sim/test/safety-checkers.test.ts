import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { logIndex, nodeId, term, type Entry, type LogIndex } from '@logbook/raft';
import { ElectionSafetyChecker } from '../src/election-safety.ts';
import { compareLogs, LogMatchingChecker } from '../src/log-matching.ts';
import { LeaderCompletenessChecker, type LogLookup } from '../src/leader-completeness.ts';
import { StateMachineSafetyChecker } from '../src/state-machine-safety.ts';

const e = (index: number, t: number, payload = `${index}@${t}`): Entry => ({
  index: logIndex(index),
  term: term(t),
  type: 'normal',
  data: new TextEncoder().encode(payload),
});

function lookupOf(entries: readonly Entry[], compactedBelow = 1): LogLookup {
  return (i: LogIndex) => {
    if (i < compactedBelow) return { kind: 'compacted' };
    const found = entries.find((x) => x.index === i);
    return found === undefined ? { kind: 'missing' } : { kind: 'entry', entry: found };
  };
}

describe('ElectionSafetyChecker', () => {
  it('accepts one leader per term, seen repeatedly, and different leaders in different terms', () => {
    const c = new ElectionSafetyChecker();
    assert.deepEqual(c.observeLeader(term(2), nodeId(1), 0), { isNew: true });
    assert.deepEqual(c.observeLeader(term(2), nodeId(1), 1), { isNew: false });
    assert.equal(c.observeLeader(term(3), nodeId(2), 2).violation, undefined);
    assert.equal(c.termsWithLeader, 2);
  });

  it('flags two leaders in one term', () => {
    const c = new ElectionSafetyChecker();
    c.observeLeader(term(5), nodeId(1), 10);
    const v = c.observeLeader(term(5), nodeId(3), 11).violation;
    assert.equal(v?.checker, 'election-safety');
    assert.match(v.message, /two leaders in term 5: 1 and 3/);
  });
});

describe('LogMatchingChecker', () => {
  it('accepts consistent copies of the same entries, in any batching', () => {
    const c = new LogMatchingChecker();
    assert.equal(c.observePersisted(nodeId(1), [e(1, 1), e(2, 1), e(3, 2)], term(0), 0), undefined);
    assert.equal(c.observePersisted(nodeId(2), [e(1, 1), e(2, 1)], term(0), 1), undefined);
    assert.equal(c.observePersisted(nodeId(2), [e(3, 2)], term(1), 2), undefined);
    // A conflicting entry of a different term at the same index is legal (it will be overwritten).
    assert.equal(c.observePersisted(nodeId(3), [e(3, 3)], term(1), 3), undefined);
    // Unknown predecessor (compacted) is not a conflict.
    assert.equal(c.observePersisted(nodeId(3), [e(3, 2)], undefined, 4), undefined);
  });

  it('flags two different payloads with the same index and term', () => {
    const c = new LogMatchingChecker();
    c.observePersisted(nodeId(1), [e(4, 2, 'a')], term(2), 0);
    const v = c.observePersisted(nodeId(2), [e(4, 2, 'b')], term(2), 1);
    assert.equal(v?.checker, 'log-matching');
    assert.match(v.message, /different payloads at index 4 term 2/);
  });

  it('flags the same entry following different predecessors', () => {
    const c = new LogMatchingChecker();
    c.observePersisted(nodeId(1), [e(4, 3)], term(2), 0);
    const v = c.observePersisted(nodeId(2), [e(4, 3)], term(1), 1);
    assert.equal(v?.checker, 'log-matching');
    assert.match(v.message, /follows different terms at index 3: 2 vs 1/);
  });

  it('checks predecessors inside one batch too', () => {
    const c = new LogMatchingChecker();
    c.observePersisted(nodeId(1), [e(5, 3)], term(3), 0);
    const v = c.observePersisted(nodeId(2), [e(4, 2), e(5, 3)], term(2), 1);
    assert.match(v!.message, /index 5 term 3.*follows different terms at index 4: 3 vs 2/);
  });

  it('compareLogs: matching logs pass, a shared entry over a differing prefix fails', () => {
    assert.equal(compareLogs([e(1, 1), e(2, 1), e(3, 2)], [e(2, 1), e(3, 2), e(4, 2)]), undefined);
    assert.equal(compareLogs([e(1, 1), e(2, 2)], [e(1, 1), e(2, 3)]), undefined, 'diverging tails are fine');
    assert.match(compareLogs([e(1, 1), e(2, 1, 'x'), e(3, 2)], [e(1, 1), e(2, 1, 'y'), e(3, 2)])!, /differ at index 2/);
    assert.match(compareLogs([e(1, 1), e(2, 1), e(3, 2)], [e(1, 1), e(2, 2), e(3, 2)])!, /differ at index 2/);
  });
});

describe('LeaderCompletenessChecker', () => {
  it('accepts a later leader that holds every committed entry (compacted ones count as held)', () => {
    const c = new LeaderCompletenessChecker();
    c.observeCommitted(nodeId(1), term(2), [e(1, 1), e(2, 2)], 0);
    assert.equal(c.checkNewLeader(nodeId(2), term(3), lookupOf([e(1, 1), e(2, 2), e(3, 3)]), 1), undefined);
    assert.equal(c.checkNewLeader(nodeId(3), term(4), lookupOf([e(2, 2)], 2), 2), undefined);
  });

  it('flags a later leader missing a committed entry', () => {
    const c = new LeaderCompletenessChecker();
    c.observeCommitted(nodeId(1), term(2), [e(1, 1), e(2, 2)], 0);
    const v = c.checkNewLeader(nodeId(3), term(3), lookupOf([e(1, 1)]), 5);
    assert.equal(v?.checker, 'leader-completeness');
    assert.match(v.message, /leader 3 of term 3 lacks entry index 2 term 2/);
  });

  it('flags a later leader holding a different entry at a committed index', () => {
    const c = new LeaderCompletenessChecker();
    c.observeCommitted(nodeId(1), term(2), [e(1, 2)], 0);
    const v = c.checkNewLeader(nodeId(2), term(4), lookupOf([e(1, 3)]), 1);
    assert.match(v!.message, /has term 3 instead of entry index 1 term 2/);
  });

  it('does not hold leaders of the commit term or earlier to it (they may legally lack it)', () => {
    const c = new LeaderCompletenessChecker();
    c.observeCommitted(nodeId(1), term(5), [e(1, 5)], 0);
    assert.equal(c.checkNewLeader(nodeId(2), term(5), lookupOf([]), 1), undefined);
    assert.equal(c.checkNewLeader(nodeId(2), term(4), lookupOf([]), 1), undefined);
    // Seen committed at an earlier term later on: the bound tightens.
    c.observeCommitted(nodeId(3), term(3), [e(1, 5)], 2);
    assert.ok(c.checkNewLeader(nodeId(2), term(4), lookupOf([]), 3) !== undefined);
  });

  it('flags two different entries committed at one index', () => {
    const c = new LeaderCompletenessChecker();
    c.observeCommitted(nodeId(1), term(2), [e(7, 2)], 0);
    const v = c.observeCommitted(nodeId(2), term(3), [e(7, 3)], 1);
    assert.match(v!.message, /two different entries committed at index 7/);
  });
});

describe('StateMachineSafetyChecker', () => {
  it('accepts the same entries and states applied by several members', () => {
    const c = new StateMachineSafetyChecker();
    assert.equal(c.observeApplied(nodeId(1), e(1, 1), 's1', 0), undefined);
    assert.equal(c.observeApplied(nodeId(2), e(1, 1), 's1', 1), undefined);
    assert.equal(c.observeSnapshotRestored(nodeId(3), 1, 's1', 2), undefined);
    assert.equal(c.observeSnapshotRestored(nodeId(3), 9, 's9', 3), undefined);
    assert.equal(c.observeApplied(nodeId(1), e(9, 2), 's9', 4), undefined);
  });

  it('flags different entries applied at one index', () => {
    const c = new StateMachineSafetyChecker();
    c.observeApplied(nodeId(1), e(3, 1, 'a'), 'x', 0);
    const v = c.observeApplied(nodeId(2), e(3, 2, 'b'), 'y', 1);
    assert.equal(v?.checker, 'state-machine-safety');
    assert.match(v.message, /members 1 and 2 applied different entries at index 3/);
  });

  it('flags diverging states after the same index, including via snapshots', () => {
    const c = new StateMachineSafetyChecker();
    c.observeApplied(nodeId(1), e(3, 1), 'x', 0);
    assert.match(c.observeApplied(nodeId(2), e(3, 1), 'y', 1)!.message, /state after index 3 differs/);
    assert.match(c.observeSnapshotRestored(nodeId(3), 3, 'z', 2)!.message, /member 1 had x, member 3 has z/);
  });
});
