import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodePutResponse, decodeRangeResponse, encodeRangeResponse } from '@logbook/etcd-api';
import { EtcdClientError } from '../src/errors.ts';
import { readHeader, readVarint } from '../src/wire-header.ts';

function varint(v: bigint): number[] {
  const out: number[] = [];
  let n = v < 0n ? v + (1n << 64n) : v;
  while (n >= 0x80n) {
    out.push(Number(n & 0x7fn) | 0x80);
    n >>= 7n;
  }
  out.push(Number(n));
  return out;
}

/** A ResponseHeader field (1) with the given values, encoded by hand (ids beyond 2^53). */
function headerField(h: { clusterId?: bigint; memberId?: bigint; revision?: bigint; raftTerm?: bigint }): number[] {
  const inner: number[] = [];
  if (h.clusterId !== undefined) inner.push(0x08, ...varint(h.clusterId));
  if (h.memberId !== undefined) inner.push(0x10, ...varint(h.memberId));
  if (h.revision !== undefined) inner.push(0x18, ...varint(h.revision));
  if (h.raftTerm !== undefined) inner.push(0x20, ...varint(h.raftTerm));
  return [0x0a, ...varint(BigInt(inner.length)), ...inner];
}

const BIG_CLUSTER = 14841639068965178418n; // above 2^63: a real etcd cluster id shape
const BIG_MEMBER = 10276657743932975437n;

describe('readHeader', () => {
  it('keeps uint64 ids exact, where etcd-api has only the nearest double', () => {
    // A RangeResponse (count = 3, field 4) with a header shaped like real etcd's.
    const bytes = Uint8Array.from([...headerField({ clusterId: BIG_CLUSTER, memberId: BIG_MEMBER, revision: 42n, raftTerm: 7n }), 0x20, 0x03]);
    assert.deepEqual(readHeader(bytes), { clusterId: BIG_CLUSTER, memberId: BIG_MEMBER, revision: 42, raftTerm: 7 });
    const decoded = decodeRangeResponse(bytes);
    assert.equal(decoded.response.count, 3);
    assert.equal(decoded.response.header.revision, 42);
    assert.notEqual(BigInt(decoded.header.memberId), BIG_MEMBER, 'a double cannot hold this id');
  });

  it('finds the header wherever it is and merges repeated headers field by field', () => {
    const bytes = Uint8Array.from([
      0x20, 0x05, // count = 5 first
      ...headerField({ clusterId: 1n, revision: 10n }),
      ...headerField({ memberId: 2n, revision: 11n }),
    ]);
    assert.deepEqual(readHeader(bytes), { clusterId: 1n, memberId: 2n, revision: 11, raftTerm: 0 });
    assert.equal(decodeRangeResponse(bytes).response.header.revision, 11, 'etcd-api merges the same way');
  });

  it('reads a message without a header as zeros', () => {
    assert.deepEqual(readHeader(Uint8Array.from([0x20, 0x01])), { clusterId: 0n, memberId: 0n, revision: 0, raftTerm: 0 });
    assert.deepEqual(readHeader(new Uint8Array(0)), { clusterId: 0n, memberId: 0n, revision: 0, raftTerm: 0 });
  });

  it('agrees with what etcd-api encodes', () => {
    const id = { clusterId: 9, memberId: 3, raftTerm: 2 };
    const bytes = encodeRangeResponse({ header: { revision: 77 }, kvs: [], more: true, count: 12 }, id);
    assert.deepEqual(readHeader(bytes), { clusterId: 9n, memberId: 3n, revision: 77, raftTerm: 2 });
  });

  it('skips fields of every wire type', () => {
    const bytes = Uint8Array.from([
      ...headerField({ revision: 5n }),
      0x79, 1, 2, 3, 4, 5, 6, 7, 8, // field 15, fixed64
      0x7d, 1, 2, 3, 4, // field 15, fixed32
      0x7a, 0x02, 0xaa, 0xbb, // field 15, bytes
      ...headerField({ raftTerm: 3n }),
    ]);
    assert.deepEqual(readHeader(bytes), { clusterId: 0n, memberId: 0n, revision: 5, raftTerm: 3 });
    assert.equal(decodePutResponse(bytes).response.header.revision, 5);
  });

  const malformed: readonly [string, number[]][] = [
    ['truncated header', [0x0a, 0x05, 0x18]],
    ['truncated varint', [0x0a, 0x02, 0x18, 0x80]],
    ['length past the end', [0x22, 0x09, 0x01]],
    ['unsupported wire type 3 (group)', [0x1b]],
    ['revision outside the safe range', headerField({ revision: 1n << 60n })],
  ];
  for (const [name, bytes] of malformed) {
    it(`rejects ${name} as badResponse`, () => {
      assert.throws(
        () => readHeader(Uint8Array.from(bytes)),
        (e: unknown) => e instanceof EtcdClientError && e.reason === 'badResponse' && e.code === 'Internal',
      );
    });
  }

  it('reads a negative int64 revision as two\'s complement', () => {
    assert.equal(readHeader(Uint8Array.from(headerField({ revision: -1n }))).revision, -1);
  });
});

describe('readVarint', () => {
  it('reads the full 64-bit range and rejects longer', () => {
    assert.deepEqual(readVarint(Uint8Array.from(varint((1n << 64n) - 1n)), 0), [(1n << 64n) - 1n, 10]);
    assert.deepEqual(readVarint(Uint8Array.from([0x96, 0x01]), 0), [150n, 2]);
    assert.throws(() => readVarint(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]), 0), /64 bits/);
  });
});
