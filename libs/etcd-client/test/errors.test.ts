import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { EtcdClientError, GRPC_CODE_NAMES, toEtcdClientError } from '../src/errors.ts';

describe('GRPC_CODE_NAMES', () => {
  it('indexes names by grpc-js status number', () => {
    assert.equal(GRPC_CODE_NAMES[grpc.status.UNAVAILABLE], 'Unavailable');
    assert.equal(GRPC_CODE_NAMES[grpc.status.OUT_OF_RANGE], 'OutOfRange');
    assert.equal(GRPC_CODE_NAMES[grpc.status.UNAUTHENTICATED], 'Unauthenticated');
    assert.equal(GRPC_CODE_NAMES.length, 17);
  });
});

describe('toEtcdClientError', () => {
  const serviceError = (code: number, details: string): Error & { code: number; details: string } =>
    Object.assign(new Error(`${code} ${details}`), { code, details });

  it('keeps the code and etcd\'s message, names known etcd failures, and keeps the cause', () => {
    const cause = serviceError(grpc.status.OUT_OF_RANGE, 'etcdserver: mvcc: required revision has been compacted');
    const e = toEtcdClientError(cause, '/etcdserverpb.KV/Range', '127.0.0.1:1');
    assert.equal(e.code, 'OutOfRange');
    assert.equal(e.grpcCode, 11);
    assert.equal(e.reason, 'compacted');
    assert.equal(e.details, 'etcdserver: mvcc: required revision has been compacted');
    assert.equal(e.method, '/etcdserverpb.KV/Range');
    assert.equal(e.endpoint, '127.0.0.1:1');
    assert.equal(e.cause, cause);
    assert.match(e.message, /^OutOfRange: etcdserver: mvcc.*\(127\.0\.0\.1:1\)$/);
  });

  const reasons: readonly [number, string, string | undefined][] = [
    [grpc.status.UNAVAILABLE, 'etcdserver: no leader', 'noLeader'],
    [grpc.status.UNAVAILABLE, 'etcdserver: request timed out', 'timeout'],
    [grpc.status.NOT_FOUND, 'etcdserver: requested lease not found', 'leaseNotFound'],
    [grpc.status.INVALID_ARGUMENT, 'etcdserver: duplicate key given in txn request', 'duplicateKey'],
    [grpc.status.RESOURCE_EXHAUSTED, 'etcdserver: mvcc: database space exceeded', 'noSpace'],
    [grpc.status.UNAVAILABLE, 'No connection established', undefined],
  ];
  for (const [code, details, reason] of reasons) {
    it(`"${details}" -> ${String(reason)}`, () => assert.equal(toEtcdClientError(serviceError(code, details), '', '').reason, reason));
  }

  it('maps an unknown status number and a plain Error to Unknown', () => {
    assert.equal(toEtcdClientError(serviceError(99, 'x'), '', '').code, 'Unknown');
    const e = toEtcdClientError(new Error('boom'), 'm', 'e');
    assert.equal(e.code, 'Unknown');
    assert.equal(e.details, 'boom');
  });

  it('passes an EtcdClientError through unchanged', () => {
    const e = new EtcdClientError('Canceled', 'closed', { reason: 'clientClosed' });
    assert.equal(toEtcdClientError(e, 'm', 'e'), e);
  });
});
