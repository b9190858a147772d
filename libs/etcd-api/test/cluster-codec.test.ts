// The Cluster service's messages: round trips, etcd's field spellings
// (ID, peerURLs, clientURLs, isLearner) pinned by bytes, and uint64 member
// ids beyond 2^53 refused rather than rounded.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Member, MemberAddRequest, MembersResponse } from '../src/index.ts';
import {
  decodeMemberAddRequest,
  decodeMemberAddResponse,
  decodeMemberListRequest,
  decodeMemberListResponse,
  decodeMemberPromoteRequest,
  decodeMemberPromoteResponse,
  decodeMemberRemoveRequest,
  decodeMemberRemoveResponse,
  decodeMemberUpdateRequest,
  decodeMemberUpdateResponse,
  encodeMemberAddRequest,
  encodeMemberAddResponse,
  encodeMemberListRequest,
  encodeMemberListResponse,
  encodeMemberPromoteRequest,
  encodeMemberPromoteResponse,
  encodeMemberRemoveRequest,
  encodeMemberRemoveResponse,
  encodeMemberUpdateRequest,
  encodeMemberUpdateResponse,
} from '../src/index.ts';
import { ID, concat, expectApiError, hex, int64Field, lengthDelimited, unhex } from './fixtures.ts';

const header = (revision: number) => ({ ...ID, revision });

const m1: Member = { id: 1, name: 'store-1', peerUrls: ['https://10.0.0.1:2380'], clientUrls: ['https://10.0.0.1:2379', 'unix:///run/s1'], isLearner: false };
const m2: Member = { id: 2 ** 53 - 1, name: '', peerUrls: ['http://10.0.0.2:2380', 'http://[::1]:2380'], clientUrls: [], isLearner: true };
const members = [m1, m2];

describe('MemberAdd', () => {
  const requests: readonly MemberAddRequest[] = [{ peerUrls: [] }, { peerUrls: ['http://a:2380'] }, { peerUrls: ['http://a:2380', 'http://b:2380'], isLearner: true }];
  for (const [i, r] of requests.entries()) {
    it(`round-trips request case ${i}`, () => assert.deepStrictEqual(decodeMemberAddRequest(encodeMemberAddRequest(r)), r));
  }
  it('pins peerURLs=1 isLearner=2', () => {
    assert.equal(hex(encodeMemberAddRequest({ peerUrls: ['u'], isLearner: true })), '0a01751001');
  });
  it('round-trips the response with the new member and the list', () => {
    const r = { header: { revision: 0 }, member: m2, members };
    assert.deepStrictEqual(decodeMemberAddResponse(encodeMemberAddResponse(r, ID)), { header: header(0), response: r });
  });
  it('pins Member: ID=1 name=2 peerURLs=3 clientURLs=4 isLearner=5 (response: member=2 members=3)', () => {
    const m: Member = { id: 7, name: 'n', peerUrls: ['p'], clientUrls: ['c'], isLearner: true };
    const bytes = encodeMemberAddResponse({ header: { revision: 0 }, member: m, members: [m] }, { clusterId: 0, memberId: 0, raftTerm: 0 });
    const member = '0807' + '12016e' + '1a0170' + '220163' + '2801';
    assert.equal(hex(bytes), '0a00' + '120d' + member + '1a0d' + member);
  });
  it('refuses a response without `member` (etcd always sends it)', () => {
    expectApiError(() => decodeMemberAddResponse(unhex('0a00')), 'InvalidArgument', 'missing-field', 'member');
  });
});

describe('MemberRemove / MemberUpdate / MemberList / MemberPromote', () => {
  it('round-trips each request', () => {
    for (const id of [0, 1, 2 ** 53 - 1]) {
      assert.deepStrictEqual(decodeMemberRemoveRequest(encodeMemberRemoveRequest({ id })), { id });
      assert.deepStrictEqual(decodeMemberPromoteRequest(encodeMemberPromoteRequest({ id })), { id });
      assert.deepStrictEqual(decodeMemberUpdateRequest(encodeMemberUpdateRequest({ id, peerUrls: ['http://x:2380'] })), { id, peerUrls: ['http://x:2380'] });
    }
    assert.deepStrictEqual(decodeMemberUpdateRequest(encodeMemberUpdateRequest({ id: 3, peerUrls: [] })), { id: 3, peerUrls: [] });
    assert.deepStrictEqual(decodeMemberListRequest(encodeMemberListRequest()), {});
    assert.deepStrictEqual(decodeMemberListRequest(encodeMemberListRequest({ linearizable: true })), { linearizable: true });
  });
  it('pins request field numbers', () => {
    assert.equal(hex(encodeMemberRemoveRequest({ id: 5 })), '0805');
    assert.equal(hex(encodeMemberPromoteRequest({ id: 5 })), '0805');
    assert.equal(hex(encodeMemberUpdateRequest({ id: 5, peerUrls: ['u'] })), '0805' + '120175');
    assert.equal(hex(encodeMemberListRequest({ linearizable: true })), '0801');
    assert.deepStrictEqual(decodeMemberListRequest(unhex('0800')), {});
  });
  it('round-trips each response (header=1 members=2)', () => {
    const r: MembersResponse = { header: { revision: 6 }, members };
    const expected = { header: header(6), response: r };
    assert.deepStrictEqual(decodeMemberRemoveResponse(encodeMemberRemoveResponse(r, ID)), expected);
    assert.deepStrictEqual(decodeMemberUpdateResponse(encodeMemberUpdateResponse(r, ID)), expected);
    assert.deepStrictEqual(decodeMemberListResponse(encodeMemberListResponse(r, ID)), expected);
    assert.deepStrictEqual(decodeMemberPromoteResponse(encodeMemberPromoteResponse(r, ID)), expected);
    const empty: MembersResponse = { header: { revision: 6 }, members: [] };
    assert.deepStrictEqual(decodeMemberListResponse(encodeMemberListResponse(empty, ID)).response, empty);
    assert.equal(hex(encodeMemberListResponse({ header: { revision: 0 }, members: [{ ...m1, name: '', peerUrls: [], clientUrls: [] }] }, { clusterId: 0, memberId: 0, raftTerm: 0 })), '0a00' + '1202' + '0801');
  });
  it('decodes a zero member (a Go server omits every zero field)', () => {
    assert.deepStrictEqual(decodeMemberListResponse(lengthDelimited(2, new Uint8Array(0))).response.members, [{ id: 0, name: '', peerUrls: [], clientUrls: [], isLearner: false }]);
  });
});

describe('uint64 member ids', () => {
  // etcd's own member ids are random 64-bit values; most are >= 2^53.
  it('refuses ids >= 2^53 in requests with InvalidArgument', () => {
    expectApiError(() => decodeMemberRemoveRequest(int64Field(1, 2n ** 53n)), 'InvalidArgument', 'unsafe-integer', 'id');
    expectApiError(() => decodeMemberPromoteRequest(int64Field(1, 0x8e9e05c52164694dn)), 'InvalidArgument', 'unsafe-integer', 'id');
    expectApiError(() => decodeMemberUpdateRequest(int64Field(1, 2n ** 64n - 1n)), 'InvalidArgument', 'unsafe-integer', 'id');
  });
  it('refuses them inside a member list, naming the member', () => {
    const bytes = concat(lengthDelimited(2, unhex('0801')), lengthDelimited(2, int64Field(1, 2n ** 60n)));
    expectApiError(() => decodeMemberListResponse(bytes), 'InvalidArgument', 'unsafe-integer', 'members[1].id');
  });
  it('refuses to encode an id that is not a safe non-negative integer (a bug on this side)', () => {
    assert.throws(() => encodeMemberRemoveRequest({ id: -1 }), (e: unknown) => e instanceof Error && e.name === 'ProtoEncodeError');
    assert.throws(() => encodeMemberListResponse({ header: { revision: 0 }, members: [{ ...m1, id: 2 ** 53 }] }, ID), (e: unknown) => e instanceof Error && e.name === 'ProtoEncodeError');
  });
  it('refuses malformed bytes with Internal', () => {
    expectApiError(() => decodeMemberAddRequest(unhex('0a0561')), 'Internal', 'truncated');
    expectApiError(() => decodeMemberListResponse(unhex('0f')), 'Internal', 'malformed');
  });
});
