// etcd's well-known server errors: every name has a gRPC code and an
// "etcdserver: " message, messages are unique (clients map them back by
// text), and the strings clients match on are pinned exactly.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EtcdErrorName } from '../src/index.ts';
import { ETCD_ERRORS, ETCD_ERROR_NAMES, GRPC_CODES, GRPC_STATUS, INVALID_SORT_OPTION, etcdError, etcdErrorName } from '../src/index.ts';

describe('etcd server errors', () => {
  it('covers every name with a known gRPC code and an etcdserver message', () => {
    const codes = new Set<number>(Object.values(GRPC_CODES));
    assert.ok(ETCD_ERROR_NAMES.length >= 40);
    assert.deepStrictEqual([...ETCD_ERROR_NAMES].sort(), Object.keys(ETCD_ERRORS).sort());
    for (const name of ETCD_ERROR_NAMES) {
      const e = etcdError(name);
      assert.ok(codes.has(e.code), `${name}: code ${e.code}`);
      assert.equal(e.code, GRPC_CODES[e.codeName], name);
      assert.notEqual(e.code, GRPC_CODES.OK, name);
      assert.match(e.message, /^etcdserver: \S/, name);
      assert.equal(etcdErrorName(e.message), name, `${name} must map back from its message`);
    }
  });

  it('has the names the store needs', () => {
    const needed: readonly EtcdErrorName[] = [
      'emptyKey', 'keyNotFound', 'valueProvided', 'leaseProvided', 'tooManyOps', 'duplicateKey', 'compacted', 'futureRev', 'noSpace',
      'leaseNotFound', 'leaseExist', 'leaseTtlTooLarge', 'memberExist', 'peerUrlExist', 'memberNotEnoughStarted', 'memberNotFound',
      'memberBadUrls', 'badLeaderTransferee', 'notLeader', 'noLeader', 'notCapable', 'stopped', 'timeout', 'timeoutDueToLeaderFail',
      'unhealthy', 'corrupt', 'requestTooLarge', 'tooManyRequests', 'memberNotLearner', 'learnerNotReady', 'notSupportedForLearner',
      'leaderChanged', 'permissionDenied', 'invalidAuthToken', 'authNotEnabled',
    ];
    for (const n of needed) assert.ok(ETCD_ERROR_NAMES.includes(n), n);
  });

  it('pins the strings and codes clients depend on', () => {
    assert.deepStrictEqual(etcdError('compacted'), { code: 11, codeName: 'OutOfRange', message: 'etcdserver: mvcc: required revision has been compacted' });
    assert.deepStrictEqual(etcdError('futureRev'), { code: 11, codeName: 'OutOfRange', message: 'etcdserver: mvcc: required revision is a future revision' });
    assert.deepStrictEqual(etcdError('emptyKey'), { code: 3, codeName: 'InvalidArgument', message: 'etcdserver: key is not provided' });
    assert.deepStrictEqual(etcdError('leaseNotFound'), { code: 5, codeName: 'NotFound', message: 'etcdserver: requested lease not found' });
    assert.deepStrictEqual(etcdError('noLeader'), { code: 14, codeName: 'Unavailable', message: 'etcdserver: no leader' });
    assert.deepStrictEqual(etcdError('notLeader'), { code: 9, codeName: 'FailedPrecondition', message: 'etcdserver: not leader' });
    assert.deepStrictEqual(etcdError('noSpace'), { code: 8, codeName: 'ResourceExhausted', message: 'etcdserver: mvcc: database space exceeded' });
    assert.deepStrictEqual(etcdError('corrupt'), { code: 15, codeName: 'DataLoss', message: 'etcdserver: corrupt cluster' });
    assert.equal(etcdError('memberExist').message, 'etcdserver: member ID already exist');
    assert.equal(etcdError('peerUrlExist').message, 'etcdserver: Peer URLs already exists');
    assert.equal(etcdError('timeoutDueToLeaderFail').message, 'etcdserver: request timed out, possibly due to previous leader failure');
    assert.equal(etcdError('learnerNotReady').message, 'etcdserver: can only promote a learner member which is in sync with leader');
    assert.equal(etcdError('invalidAuthToken').code, 16);
  });

  it('agrees with the decode errors of this package', () => {
    assert.deepStrictEqual(etcdError('invalidSortOption'), { code: GRPC_STATUS.InvalidArgument, codeName: 'InvalidArgument', message: INVALID_SORT_OPTION });
    assert.equal(GRPC_CODES.Internal, GRPC_STATUS.Internal);
  });

  it('knows no other text, and the table is frozen', () => {
    assert.equal(etcdErrorName('etcdserver: no leader '), undefined);
    assert.equal(etcdErrorName('rpc error: code = Unavailable desc = etcdserver: no leader'), undefined);
    assert.ok(Object.isFrozen(ETCD_ERRORS) && Object.isFrozen(ETCD_ERRORS.noLeader) && Object.isFrozen(ETCD_ERROR_NAMES));
  });
});
