// The Maintenance service's messages: round trips, field numbers pinned by
// bytes, enum orders checked against the .proto, and refusals of unknown
// enums, unsafe integers and malformed bytes.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import protobuf from 'protobufjs';
import type { AlarmRequest, AlarmResponse, HashKVResponse, SnapshotResponse, StatusResponse } from '../src/index.ts';
import {
  ALARM_ACTIONS,
  ALARM_TYPES,
  decodeAlarmRequest,
  decodeAlarmResponse,
  decodeDefragmentRequest,
  decodeDefragmentResponse,
  decodeHashKVRequest,
  decodeHashKVResponse,
  decodeHashRequest,
  decodeHashResponse,
  decodeMoveLeaderRequest,
  decodeMoveLeaderResponse,
  decodeSnapshotRequest,
  decodeSnapshotResponse,
  decodeStatusRequest,
  decodeStatusResponse,
  encodeAlarmRequest,
  encodeAlarmResponse,
  encodeDefragmentRequest,
  encodeDefragmentResponse,
  encodeHashKVRequest,
  encodeHashKVResponse,
  encodeHashRequest,
  encodeHashResponse,
  encodeMoveLeaderRequest,
  encodeMoveLeaderResponse,
  encodeSnapshotRequest,
  encodeSnapshotResponse,
  encodeStatusRequest,
  encodeStatusResponse,
} from '../src/index.ts';
import { ID, expectApiError, hex, int64Field, lengthDelimited, te, unhex } from './fixtures.ts';

const header = (revision: number) => ({ ...ID, revision });
const NOBODY = { clusterId: 0, memberId: 0, raftTerm: 0 };

describe('enum orders', () => {
  const root = protobuf.loadSync(join(import.meta.dirname, '..', '..', '..', 'proto', 'etcd', 'rpc.proto')).resolveAll();
  const names = (e: string): string[] => Object.entries(root.lookupEnum(e).values).sort((a, b) => a[1] - b[1]).map(([k]) => k);
  it('ALARM_ACTIONS and ALARM_TYPES index the wire values', () => {
    assert.deepStrictEqual(names('etcdserverpb.AlarmRequest.AlarmAction'), [...ALARM_ACTIONS]);
    assert.deepStrictEqual(names('etcdserverpb.AlarmType'), [...ALARM_TYPES]);
  });
});

describe('Alarm', () => {
  const requests: readonly AlarmRequest[] = [
    { action: 'GET', memberId: 0, alarm: 'NONE' },
    { action: 'ACTIVATE', memberId: 2 ** 53 - 1, alarm: 'NOSPACE' },
    { action: 'DEACTIVATE', memberId: 3, alarm: 'CORRUPT' },
  ];
  for (const [i, r] of requests.entries()) {
    it(`round-trips request case ${i}`, () => assert.deepStrictEqual(decodeAlarmRequest(encodeAlarmRequest(r)), r));
  }
  it('pins action=1 memberID=2 alarm=3 and decodes the empty message to GET/all/NONE', () => {
    assert.equal(hex(encodeAlarmRequest({ action: 'DEACTIVATE', memberId: 4, alarm: 'CORRUPT' })), '0802' + '1004' + '1802');
    assert.deepStrictEqual(decodeAlarmRequest(new Uint8Array(0)), { action: 'GET', memberId: 0, alarm: 'NONE' });
  });
  it('refuses an unknown action or alarm type with InvalidArgument', () => {
    expectApiError(() => decodeAlarmRequest(unhex('0803')), 'InvalidArgument', 'invalid-enum', 'action');
    expectApiError(() => decodeAlarmRequest(unhex('1805')), 'InvalidArgument', 'invalid-enum', 'alarm');
    expectApiError(() => decodeAlarmResponse(lengthDelimited(2, unhex('1003'))), 'InvalidArgument', 'invalid-enum', 'alarms[0].alarm');
  });
  it('refuses a member id >= 2^53', () => {
    expectApiError(() => decodeAlarmRequest(int64Field(2, 2n ** 53n)), 'InvalidArgument', 'unsafe-integer', 'memberId');
  });
  it('round-trips responses and pins alarms=2 {memberID=1 alarm=2}', () => {
    const r: AlarmResponse = { header: { revision: 2 }, alarms: [{ memberId: 1, alarm: 'NOSPACE' }, { memberId: 2 ** 40, alarm: 'CORRUPT' }] };
    assert.deepStrictEqual(decodeAlarmResponse(encodeAlarmResponse(r, ID)), { header: header(2), response: r });
    assert.equal(hex(encodeAlarmResponse({ header: { revision: 0 }, alarms: [{ memberId: 9, alarm: 'NOSPACE' }] }, NOBODY)), '0a00' + '1204' + '0809' + '1001');
  });
});

describe('Status', () => {
  const full: StatusResponse = {
    header: { revision: 100 },
    version: '3.5.0',
    dbSize: 2 ** 40,
    leader: 2,
    raftIndex: 2 ** 53 - 1,
    raftTerm: 9,
    raftAppliedIndex: 2 ** 53 - 2,
    errors: ['memberID:1 alarm:NOSPACE', 'x'],
    dbSizeInUse: 4096,
    isLearner: true,
    storageVersion: '3.6.0',
    dbSizeQuota: 8 * 2 ** 30,
    downgradeInfo: { enabled: true, targetVersion: '3.5.0' },
  };
  const minimal: StatusResponse = { header: { revision: 1 }, version: '', dbSize: 0, leader: 0, raftIndex: 0, raftTerm: 0, raftAppliedIndex: 0, errors: [], dbSizeInUse: 0, isLearner: false };
  it('round-trips a full and a minimal response', () => {
    assert.deepStrictEqual(decodeStatusResponse(encodeStatusResponse(full, ID)), { header: header(100), response: full });
    assert.deepStrictEqual(decodeStatusResponse(encodeStatusResponse(minimal, ID)), { header: header(1), response: minimal });
    const sentButDefault = { ...minimal, downgradeInfo: { enabled: false, targetVersion: '' } };
    assert.deepStrictEqual(decodeStatusResponse(encodeStatusResponse(sentButDefault, ID)).response, sentButDefault);
  });
  it('pins field numbers 2..13', () => {
    const bytes = encodeStatusResponse(
      { header: { revision: 0 }, version: 'v', dbSize: 1, leader: 2, raftIndex: 3, raftTerm: 4, raftAppliedIndex: 5, errors: ['e'], dbSizeInUse: 6, isLearner: true, storageVersion: 's', dbSizeQuota: 7, downgradeInfo: { enabled: true, targetVersion: 't' } },
      NOBODY,
    );
    const golden = '0a00 120176 1801 2002 2803 3004 3805 420165 4806 5001 5a0173 6007 6a05 0801 120174';
    assert.equal(hex(bytes), golden.replace(/ /g, ''));
  });
  it('the request is empty; its bytes are still checked', () => {
    assert.equal(encodeStatusRequest().length, 0);
    assert.deepStrictEqual(decodeStatusRequest(new Uint8Array(0)), {});
    expectApiError(() => decodeStatusRequest(unhex('12')), 'Internal', 'truncated');
  });
  it('refuses a leader id >= 2^53', () => {
    expectApiError(() => decodeStatusResponse(int64Field(4, 2n ** 63n)), 'InvalidArgument', 'unsafe-integer', 'leader');
  });
});

describe('Hash and HashKV', () => {
  it('round-trips Hash with the full uint32 range', () => {
    assert.deepStrictEqual(decodeHashRequest(encodeHashRequest()), {});
    for (const hash of [0, 1, 0xffff_ffff]) {
      const r = { header: { revision: 5 }, hash };
      assert.deepStrictEqual(decodeHashResponse(encodeHashResponse(r, ID)), { header: header(5), response: r });
    }
    assert.equal(hex(encodeHashResponse({ header: { revision: 0 }, hash: 0xffff_ffff }, NOBODY)), '0a00' + '10ffffffff0f');
  });
  it('round-trips HashKV and pins revision=1; hash=2 compact_revision=3 hash_revision=4', () => {
    for (const revision of [0, 7, 2 ** 53 - 1]) assert.deepStrictEqual(decodeHashKVRequest(encodeHashKVRequest({ revision })), { revision });
    const r: HashKVResponse = { header: { revision: 9 }, hash: 0x8000_0000, compactRevision: 3, hashRevision: 9 };
    assert.deepStrictEqual(decodeHashKVResponse(encodeHashKVResponse(r, ID)), { header: header(9), response: r });
    assert.equal(hex(encodeHashKVRequest({ revision: 7 })), '0807');
    assert.equal(hex(encodeHashKVResponse({ header: { revision: 0 }, hash: 1, compactRevision: 2, hashRevision: 3 }, NOBODY)), '0a00' + '1001' + '1802' + '2003');
  });
  it('refuses to encode a hash outside uint32 (a bug on this side)', () => {
    assert.throws(() => encodeHashResponse({ header: { revision: 0 }, hash: 2 ** 32 }, ID), (e: unknown) => e instanceof Error && e.name === 'ProtoEncodeError');
    assert.throws(() => encodeHashKVResponse({ header: { revision: 0 }, hash: -1, compactRevision: 0, hashRevision: 0 }, ID), (e: unknown) => e instanceof Error && e.name === 'ProtoEncodeError');
  });
  it('refuses an unsafe HashKV revision', () => {
    expectApiError(() => decodeHashKVRequest(int64Field(1, -(2n ** 53n))), 'InvalidArgument', 'unsafe-integer', 'revision');
  });
});

describe('Defragment, Snapshot, MoveLeader', () => {
  it('round-trips Defragment', () => {
    assert.deepStrictEqual(decodeDefragmentRequest(encodeDefragmentRequest()), {});
    assert.deepStrictEqual(decodeDefragmentResponse(encodeDefragmentResponse({ header: { revision: 4 } }, ID)), { header: header(4), response: { header: { revision: 4 } } });
  });
  it('round-trips Snapshot stream messages and pins remaining_bytes=2 blob=3 version=4', () => {
    assert.deepStrictEqual(decodeSnapshotRequest(encodeSnapshotRequest()), {});
    const first: SnapshotResponse = { header: { revision: 42 }, remainingBytes: 2 ** 40, blob: new Uint8Array(64 * 1024).fill(7), version: '3.6.0' };
    const last: SnapshotResponse = { header: { revision: 42 }, remainingBytes: 0, blob: te('sha256') };
    const empty: SnapshotResponse = { header: { revision: 42 }, remainingBytes: 0, blob: new Uint8Array(0) };
    for (const r of [first, last, empty]) assert.deepStrictEqual(decodeSnapshotResponse(encodeSnapshotResponse(r, ID)), { header: header(42), response: r });
    assert.equal(hex(encodeSnapshotResponse({ header: { revision: 0 }, remainingBytes: 3, blob: te('b'), version: 'v' }, NOBODY)), '0a00' + '1003' + '1a0162' + '220176');
  });
  it('round-trips MoveLeader and pins targetID=1', () => {
    for (const targetId of [0, 2, 2 ** 53 - 1]) assert.deepStrictEqual(decodeMoveLeaderRequest(encodeMoveLeaderRequest({ targetId })), { targetId });
    assert.equal(hex(encodeMoveLeaderRequest({ targetId: 2 })), '0802');
    assert.deepStrictEqual(decodeMoveLeaderResponse(encodeMoveLeaderResponse({ header: { revision: 1 } }, ID)), { header: header(1), response: { header: { revision: 1 } } });
    expectApiError(() => decodeMoveLeaderRequest(int64Field(1, 2n ** 53n)), 'InvalidArgument', 'unsafe-integer', 'targetId');
  });
  it('refuses malformed bytes with Internal', () => {
    expectApiError(() => decodeSnapshotResponse(unhex('1a05 6162')), 'Internal', 'truncated');
    expectApiError(() => decodeDefragmentRequest(unhex('0f')), 'Internal', 'malformed');
  });
});
