import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LEASE_NOT_FOUND_MESSAGE, LeaseNotFoundError, Lessor, LessorAssertionError } from '../src/index.ts';

function leader(nowMs = 0, options: ConstructorParameters<typeof Lessor>[0] = {}): Lessor {
  const l = new Lessor(options);
  l.promote(nowMs, 0);
  return l;
}

test('a granted lease expires after its ttl, not before', () => {
  const l = leader();
  l.granted(7, 5, 1000);
  assert.deepEqual(l.expiredLeases(5999, 10), []);
  assert.deepEqual(l.expiredLeases(6000, 10), [7]);
  l.expired([7]);
  assert.equal(l.has(7), false);
  assert.deepEqual(l.expiredLeases(100_000, 10), []);
});

test('keepAlive restarts the full ttl', () => {
  const l = leader();
  l.granted(1, 10, 0);
  assert.deepEqual(l.keepAlive(1, 8000), { kind: 'renewed', ttl: 10 });
  assert.deepEqual(l.timeToLive(1, 10_500), { kind: 'ok', id: 1, grantedTtl: 10, remainingTtl: 7 });
  assert.deepEqual(l.expiredLeases(17_999, 10), []);
  assert.deepEqual(l.expiredLeases(18_000, 10), [1]);
});

test('keepAlive of an unknown lease throws LeaseNotFoundError with etcd text', () => {
  const l = leader();
  assert.throws(
    () => l.keepAlive(42, 0),
    (e: unknown) => e instanceof LeaseNotFoundError && e.code === 'NotFound' && e.leaseId === 42 && e.message === LEASE_NOT_FOUND_MESSAGE,
  );
  assert.equal(LEASE_NOT_FOUND_MESSAGE, 'etcdserver: requested lease not found');
  assert.throws(() => l.timeToLive(42, 0), LeaseNotFoundError);
});

test('keepAlive of a lapsed lease does not revive it', () => {
  const l = leader();
  l.granted(1, 2, 0);
  assert.deepEqual(l.keepAlive(1, 2000), { kind: 'expiring' });
  assert.deepEqual(l.timeToLive(1, 2500), { kind: 'ok', id: 1, grantedTtl: 2, remainingTtl: 0 });
  assert.deepEqual(l.expiredLeases(2500, 10), [1]);
  assert.deepEqual(l.keepAlive(1, 2600), { kind: 'expiring' });
});

test('revoke removes the lease and its pending expiry', () => {
  const l = leader();
  l.granted(1, 1, 0);
  l.granted(2, 1, 0);
  l.revoked(1);
  assert.equal(l.has(1), false);
  assert.deepEqual(l.expiredLeases(5000, 10), [2]);
  assert.throws(() => l.keepAlive(1, 5000), LeaseNotFoundError);
  assert.deepEqual(l.leaseIds(), [2]);
});

test('the mirror refuses to diverge from committed state', () => {
  const l = new Lessor();
  l.granted(1, 5, 0);
  assert.throws(() => l.granted(1, 5, 0), LessorAssertionError);
  assert.throws(() => l.revoked(2), LessorAssertionError);
  assert.throws(() => l.expired([3]), LessorAssertionError);
  assert.throws(() => l.granted(4, 0, 0), LessorAssertionError);
  assert.throws(() => l.granted(0, 5, 0), LessorAssertionError);
  assert.throws(() => l.expiredLeases(-1, 1), LessorAssertionError, 'clock went backwards');
});

test('a follower never reports expiries and forwards keepAlive/timeToLive', () => {
  const l = new Lessor();
  l.granted(1, 1, 0);
  assert.equal(l.isLeader, false);
  assert.deepEqual(l.expiredLeases(1_000_000, 10), []);
  assert.deepEqual(l.keepAlive(1, 1_000_000), { kind: 'notLeader' });
  assert.deepEqual(l.timeToLive(1, 1_000_000), { kind: 'notLeader' });
  // Not found is still a leader's answer: a follower forwards first.
  assert.deepEqual(l.keepAlive(99, 1_000_000), { kind: 'notLeader' });
});

test('demote stops expiry decisions; promote extends every lease from now', () => {
  const l = leader();
  l.granted(1, 10, 0);
  l.granted(2, 60, 0);
  l.demote();
  assert.deepEqual(l.expiredLeases(50_000, 10), []);
  // A new term at t=50s: lease 1 lapsed long ago by the old clock, but the
  // new leader cannot know the old leader's keep-alives.
  l.promote(50_000, 1000);
  assert.deepEqual(l.timeToLive(1, 50_000), { kind: 'ok', id: 1, grantedTtl: 10, remainingTtl: 11 });
  assert.deepEqual(l.expiredLeases(60_999, 10), []);
  assert.deepEqual(l.expiredLeases(61_000, 10), [1]);
  l.expired([1]);
  assert.deepEqual(l.expiredLeases(110_999, 10), []);
  assert.deepEqual(l.expiredLeases(111_000, 10), [2]);
  assert.throws(() => l.promote(111_000, 0), LessorAssertionError);
});

test('promote spreads leases that would lapse together', () => {
  const l = new Lessor({ leaseRevokeRatePerSec: 6 }); // floor(3/4 * 6) = 4 per second after promote
  for (let id = 1; id <= 6; id++) l.granted(id, 1, 0);
  l.promote(0, 0);
  const remaining = [1, 2, 3, 4, 5, 6].map((id) => {
    const r = l.timeToLive(id, 0);
    assert.equal(r.kind, 'ok');
    return r.kind === 'ok' ? r.remainingTtl : -1;
  });
  // gaps of 250 ms: 1000, 1250, 1500, 1750, 2000, 2250 ms
  assert.deepEqual(remaining, [1, 1, 1, 1, 2, 2]);
  assert.deepEqual(l.expiredLeases(1000, 10), [1]);
  assert.deepEqual(l.expiredLeases(1999, 10), [2, 3, 4]);
  assert.deepEqual(l.expiredLeases(2000, 10), [5]);
});

test('expiries are rate limited per call and per second', () => {
  const l = leader(0, { leaseRevokeRatePerSec: 5 });
  for (let id = 1; id <= 12; id++) l.granted(id, 1, 0);
  assert.deepEqual(l.expiredLeases(1000, 2), [1, 2]); // per-call max
  assert.deepEqual(l.expiredLeases(1000, 10), [3, 4, 5]); // rest of the bucket
  assert.deepEqual(l.expiredLeases(1000, 10), []);
  assert.deepEqual(l.expiredLeases(1400, 10), [6, 7]); // 0.4 s refills 2
  assert.deepEqual(l.expiredLeases(10_000, 100), [8, 9, 10, 11, 12]); // burst capped at one second
  assert.equal(l.options.leaseRevokeRatePerSec, 5);
});

test('an id is reported again only after the retry interval (lost proposal)', () => {
  const l = leader(0, { expiredLeaseRetryMs: 3000 });
  l.granted(1, 1, 0);
  l.granted(2, 1, 0);
  assert.deepEqual(l.expiredLeases(1000, 10), [1, 2]);
  assert.deepEqual(l.expiredLeases(3999, 10), []);
  l.expired([2]); // only 2's proposal committed
  assert.deepEqual(l.expiredLeases(4000, 10), [1]);
  assert.deepEqual(l.expiredLeases(6999, 10), []);
  assert.deepEqual(l.expiredLeases(7000, 10), [1]);
});

test('restore replaces the mirror', () => {
  const l = leader();
  l.granted(1, 5, 0);
  l.restore([{ id: 2, grantedTtl: 3 }, { id: 3, grantedTtl: 9 }], 1000);
  assert.deepEqual(l.leaseIds(), [2, 3]);
  assert.equal(l.size, 2);
  assert.deepEqual(l.expiredLeases(4000, 10), [2]);
});

test('invalid options are all reported at once', () => {
  assert.throws(
    () => new Lessor({ leaseRevokeRatePerSec: 0, expiredLeaseRetryMs: -1 }),
    (e: unknown) => e instanceof RangeError && /leaseRevokeRatePerSec/.test(e.message) && /expiredLeaseRetryMs/.test(e.message),
  );
});
