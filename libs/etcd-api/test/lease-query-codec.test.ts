// LeaseKeepAlive, LeaseTimeToLive and LeaseLeases: round trips, etcd's
// field spellings (ID, TTL, grantedTTL) pinned by bytes, and refusals.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LeaseLeasesResponse, LeaseTimeToLiveRequest, LeaseTimeToLiveResponse } from '../src/index.ts';
import {
  LEASE_TTL_EXPIRED,
  decodeLeaseKeepAliveRequest,
  decodeLeaseKeepAliveResponse,
  decodeLeaseLeasesRequest,
  decodeLeaseLeasesResponse,
  decodeLeaseTimeToLiveRequest,
  decodeLeaseTimeToLiveResponse,
  encodeLeaseKeepAliveRequest,
  encodeLeaseKeepAliveResponse,
  encodeLeaseLeasesRequest,
  encodeLeaseLeasesResponse,
  encodeLeaseTimeToLiveRequest,
  encodeLeaseTimeToLiveResponse,
} from '../src/index.ts';
import { ID, concat, expectApiError, hex, int64Field, lengthDelimited, te, unhex } from './fixtures.ts';

const header = (revision: number) => ({ ...ID, revision });

describe('LeaseKeepAlive', () => {
  it('round-trips requests and pins ID=1', () => {
    for (const id of [0, 1, 2 ** 53 - 1, -5]) assert.deepStrictEqual(decodeLeaseKeepAliveRequest(encodeLeaseKeepAliveRequest({ id })), { id });
    assert.equal(hex(encodeLeaseKeepAliveRequest({ id: 3 })), '0803');
  });
  it('round-trips responses (ttl 0 = lease not found) and pins ID=2 TTL=3', () => {
    for (const r of [{ header: { revision: 4 }, id: 2 ** 52, ttl: 60 }, { header: { revision: 4 }, id: 9, ttl: 0 }]) {
      assert.deepStrictEqual(decodeLeaseKeepAliveResponse(encodeLeaseKeepAliveResponse(r, ID)), { header: header(4), response: r });
    }
    const bytes = encodeLeaseKeepAliveResponse({ header: { revision: 1 }, id: 7, ttl: 5 }, { clusterId: 0, memberId: 0, raftTerm: 0 });
    assert.equal(hex(bytes), '0a021801' + '1007' + '1805');
  });
  it('refuses an unsafe id and malformed bytes', () => {
    expectApiError(() => decodeLeaseKeepAliveRequest(int64Field(1, 2n ** 62n)), 'InvalidArgument', 'unsafe-integer', 'id');
    expectApiError(() => decodeLeaseKeepAliveResponse(unhex('1a')), 'Internal', 'truncated');
  });
});

describe('LeaseTimeToLive', () => {
  const requests: readonly LeaseTimeToLiveRequest[] = [{ id: 0 }, { id: 12 }, { id: 12, keys: true }];
  for (const [i, r] of requests.entries()) {
    it(`round-trips request case ${i}`, () => assert.deepStrictEqual(decodeLeaseTimeToLiveRequest(encodeLeaseTimeToLiveRequest(r)), r));
  }
  it('pins ID=1 keys=2 and decodes keys=false to absent', () => {
    assert.equal(hex(encodeLeaseTimeToLiveRequest({ id: 12, keys: true })), '080c1001');
    assert.deepStrictEqual(decodeLeaseTimeToLiveRequest(unhex('080c1000')), { id: 12 });
  });

  const responses: readonly LeaseTimeToLiveResponse[] = [
    { header: { revision: 8 }, id: 12, ttl: 25, grantedTtl: 30, keys: [te('/registry/leases/a'), new Uint8Array([0, 255])] },
    { header: { revision: 8 }, id: 13, ttl: LEASE_TTL_EXPIRED, grantedTtl: 0, keys: [] },
    { header: { revision: 8 }, id: 14, ttl: 1, grantedTtl: 2, keys: [new Uint8Array(0)] },
  ];
  for (const [i, r] of responses.entries()) {
    it(`round-trips response case ${i}`, () => assert.deepStrictEqual(decodeLeaseTimeToLiveResponse(encodeLeaseTimeToLiveResponse(r, ID)), { header: header(8), response: r }));
  }
  it('pins ID=2 TTL=3 grantedTTL=4 keys=5, with TTL -1 as a 10-byte varint', () => {
    const bytes = encodeLeaseTimeToLiveResponse({ header: { revision: 0 }, id: 1, ttl: -1, grantedTtl: 9, keys: [te('k')] }, { clusterId: 0, memberId: 0, raftTerm: 0 });
    assert.equal(hex(bytes), '0a00' + '1001' + '18ffffffffffffffffff01' + '2009' + '2a016b');
  });
  it('refuses an unsafe grantedTTL naming the field', () => {
    expectApiError(() => decodeLeaseTimeToLiveResponse(int64Field(4, 2n ** 53n)), 'InvalidArgument', 'unsafe-integer', 'grantedTtl');
  });
});

describe('LeaseLeases', () => {
  it('round-trips the empty request and refuses garbage', () => {
    assert.equal(encodeLeaseLeasesRequest().length, 0);
    assert.deepStrictEqual(decodeLeaseLeasesRequest(encodeLeaseLeasesRequest()), {});
    // Unknown fields are skipped, as by any proto3 reader.
    assert.deepStrictEqual(decodeLeaseLeasesRequest(unhex('0801')), {});
    expectApiError(() => decodeLeaseLeasesRequest(unhex('0a05')), 'Internal', 'truncated');
  });
  it('round-trips responses and pins leases=2 {ID=1}', () => {
    const r: LeaseLeasesResponse = { header: { revision: 3 }, leases: [{ id: 1 }, { id: 2 ** 53 - 1 }, { id: 0 }] };
    assert.deepStrictEqual(decodeLeaseLeasesResponse(encodeLeaseLeasesResponse(r, ID)), { header: header(3), response: r });
    const empty: LeaseLeasesResponse = { header: { revision: 3 }, leases: [] };
    assert.deepStrictEqual(decodeLeaseLeasesResponse(encodeLeaseLeasesResponse(empty, ID)).response, empty);
    assert.equal(hex(encodeLeaseLeasesResponse({ header: { revision: 0 }, leases: [{ id: 5 }] }, { clusterId: 0, memberId: 0, raftTerm: 0 })), '0a00' + '12020805');
  });
  it('refuses an unsafe lease id in the list', () => {
    const bytes = concat(lengthDelimited(2, unhex('0801')), lengthDelimited(2, int64Field(1, -(2n ** 54n))));
    expectApiError(() => decodeLeaseLeasesResponse(bytes), 'InvalidArgument', 'unsafe-integer', 'leases[1].id');
  });
});
