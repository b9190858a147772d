import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crc32 } from 'node:zlib';
import type { LogIndex, NodeId, Snapshot, Term } from '@logbook/raft/core';
import {
  FRAME_HEADER_BYTES,
  RecordWriter,
  decodeFrame,
  decodeSnapshotFile,
  encodeSnapshotFile,
  recordSize,
  DecodeError,
  type WalRecord,
} from '../src/record-codec.ts';
import { parseSegmentName, parseSnapshotName, segmentName, snapshotName } from '../src/file-names.ts';

const big = Number.MAX_SAFE_INTEGER;

const samples: readonly WalRecord[] = [
  { type: 'segment', seq: 1, firstIndex: 1 as LogIndex, prevCrc: 0 },
  { type: 'segment', seq: big, firstIndex: big as LogIndex, prevCrc: 0xffffffff },
  { type: 'metadata', metadata: { memberId: 7, clusterId: 0 } },
  { type: 'metadata', metadata: { memberId: big, clusterId: 2 ** 40 + 3 } },
  { type: 'entry', entry: { index: 1 as LogIndex, term: 1 as Term, type: 'normal', data: new Uint8Array(0) } },
  { type: 'entry', entry: { index: big as LogIndex, term: 2 ** 33 as Term, type: 'conf-change', data: new Uint8Array([0, 1, 2, 255]) } },
  { type: 'entry', entry: { index: 5 as LogIndex, term: 3 as Term, type: 'normal', data: new Uint8Array(70_000).fill(9) } },
  { type: 'hard-state', hardState: { term: 0 as Term, vote: 0 as NodeId, commit: 0 as LogIndex } },
  { type: 'hard-state', hardState: { term: 9 as Term, vote: big as NodeId, commit: 2 ** 52 as LogIndex } },
  { type: 'snapshot', index: 100 as LogIndex, term: 4 as Term },
  { type: 'conf-state', confState: { voters: [], learners: [] } },
  { type: 'conf-state', confState: { voters: [1, 2, big] as NodeId[], learners: [4] as NodeId[] } },
];

function encodeAll(records: readonly WalRecord[], seed = 0): RecordWriter {
  const w = new RecordWriter(records.reduce((n, r) => n + recordSize(r), 0), seed);
  records.forEach((r, i) => w.write(r, i === records.length - 1));
  return w;
}

function decodeAll(bytes: Uint8Array, seed = 0): WalRecord[] {
  const out: WalRecord[] = [];
  let off = 0;
  let crc = seed;
  while (off < bytes.byteLength) {
    const r = decodeFrame(bytes, off, crc);
    assert.ok(r.ok, `frame at ${off}: ${r.ok ? '' : r.detail}`);
    out.push(r.record);
    off = r.end;
    crc = r.crc;
  }
  return out;
}

/** Records compare with deepEqual once entry data are plain arrays. */
function plain(r: WalRecord): unknown {
  return r.type === 'entry' ? { ...r, entry: { ...r.entry, data: [...r.entry.data] } } : r;
}

describe('record codec', () => {
  for (const r of samples) {
    it(`round-trips a ${r.type} record (${JSON.stringify(plain(r)).slice(0, 60)})`, () => {
      const w = encodeAll([r]);
      assert.equal(w.bytes.byteLength, recordSize(r));
      assert.deepEqual(decodeAll(w.bytes).map(plain), [plain(r)]);
    });
  }

  it('round-trips a mixed sequence with a chained CRC', () => {
    const recs = samples.filter((r) => r.type !== 'segment');
    const w = encodeAll(recs, 1234);
    assert.deepEqual(decodeAll(w.bytes, 1234).map(plain), recs.map(plain));
  });

  it('frames as [length][crc][type][payload] with the CRC over type+payload seeded by the previous CRC', () => {
    const r: WalRecord = { type: 'snapshot', index: 3 as LogIndex, term: 2 as Term };
    const w = encodeAll([r], 42);
    const view = new DataView(w.bytes.buffer, w.bytes.byteOffset);
    assert.equal(view.getUint32(0, true), 1 + 16);
    assert.equal(view.getUint32(4, true), crc32(w.bytes.subarray(8), 42));
    assert.equal(w.crc, crc32(w.bytes.subarray(8), 42));
    assert.equal(w.bytes[8], 5 | 0x80); // snapshot marker, last record of its batch
  });

  it('carries the end-of-batch mark in the type byte, under the CRC', () => {
    const recs = samples.filter((r) => r.type !== 'segment').slice(0, 3);
    const w = encodeAll(recs);
    const marks: boolean[] = [];
    let off = 0;
    let crc = 0;
    while (off < w.bytes.byteLength) {
      const r = decodeFrame(w.bytes, off, crc);
      assert.ok(r.ok);
      marks.push(r.endOfBatch);
      off = r.end;
      crc = r.crc;
    }
    assert.deepEqual(marks, [false, false, true]);
    const b = Uint8Array.from(w.bytes);
    b[8]! ^= 0x80; // clear or set the mark on the first record without fixing the CRC
    assert.equal(decodeFrame(b, 0, 0).ok, false);
  });

  it('rejects a record decoded with the wrong chain seed', () => {
    const w = encodeAll([{ type: 'snapshot', index: 3 as LogIndex, term: 2 as Term }], 42);
    const r = decodeFrame(w.bytes, 0, 43);
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.problem, 'crc-mismatch');
  });

  it('a segment header starts a fresh chain whatever the seed', () => {
    const w = encodeAll([{ type: 'segment', seq: 2, firstIndex: 10 as LogIndex, prevCrc: 99 }], 0);
    assert.equal(decodeFrame(w.bytes, 0, 12345).ok, true);
  });

  it('detects a flipped bit anywhere in type or payload', () => {
    const w = encodeAll([samples[5]!]);
    for (let i = FRAME_HEADER_BYTES; i < w.bytes.byteLength; i++) {
      const b = Uint8Array.from(w.bytes);
      b[i]! ^= 0x10;
      const r = decodeFrame(b, 0, 0);
      assert.equal(r.ok, false, `flip at ${i} went unnoticed`);
    }
  });

  it('reports a frame cut short as incomplete, and a zero length as zero-length', () => {
    const w = encodeAll([samples[5]!]);
    for (const cut of [3, 8, 9, w.bytes.byteLength - 1]) {
      const r = decodeFrame(w.bytes.subarray(0, cut), 0, 0);
      assert.equal(!r.ok && r.problem, 'incomplete', `cut at ${cut}`);
    }
    const z = decodeFrame(new Uint8Array(64), 0, 0);
    assert.equal(!z.ok && z.problem, 'zero-length');
  });

  it('reports a checksum-valid but malformed payload as bad-payload', () => {
    // A hard-state record with a 23-byte payload, correctly checksummed.
    const body = new Uint8Array(1 + 23);
    body[0] = 4;
    const frame = new Uint8Array(8 + body.byteLength);
    const view = new DataView(frame.buffer);
    view.setUint32(0, body.byteLength, true);
    view.setUint32(4, crc32(body, 0), true);
    frame.set(body, 8);
    const r = decodeFrame(frame, 0, 0);
    assert.equal(!r.ok && r.problem, 'bad-payload');
    // Unknown type code.
    body[0] = 77;
    view.setUint32(4, crc32(body, 0), true);
    frame.set(body, 8);
    const u = decodeFrame(frame, 0, 0);
    assert.equal(!u.ok && u.problem, 'bad-payload');
    assert.match(!u.ok ? u.detail : '', /unknown record type 77/);
  });

  it('refuses to encode numbers that are not safe non-negative integers', () => {
    assert.throws(() => encodeAll([{ type: 'snapshot', index: -1 as LogIndex, term: 1 as Term }]), RangeError);
    assert.throws(() => encodeAll([{ type: 'snapshot', index: 2 ** 53 as LogIndex, term: 1 as Term }]), RangeError);
    assert.throws(() => encodeAll([{ type: 'snapshot', index: 1.5 as LogIndex, term: 1 as Term }]), RangeError);
  });

  it('refuses to decode a u64 beyond the safe integer range', () => {
    const w = encodeAll([{ type: 'snapshot', index: 1 as LogIndex, term: 1 as Term }]);
    const b = Uint8Array.from(w.bytes);
    new DataView(b.buffer).setUint32(9 + 4, 0x00200000, true); // high word of index
    new DataView(b.buffer).setUint32(4, crc32(b.subarray(8), 0), true);
    const r = decodeFrame(b, 0, 0);
    assert.equal(!r.ok && r.problem, 'bad-payload');
  });
});

describe('snapshot file codec', () => {
  const snap: Snapshot = {
    metadata: { index: 1000 as LogIndex, term: 7 as Term, confState: { voters: [1, 2, 3] as NodeId[], learners: [9] as NodeId[] } },
    data: new TextEncoder().encode('state machine bytes'),
  };

  it('round-trips', () => {
    const back = decodeSnapshotFile(encodeSnapshotFile(snap));
    assert.deepEqual(back.metadata, snap.metadata);
    assert.deepEqual([...back.data], [...snap.data]);
  });

  it('round-trips empty data and an empty conf state', () => {
    const s: Snapshot = { metadata: { index: 1 as LogIndex, term: 1 as Term, confState: { voters: [], learners: [] } }, data: new Uint8Array(0) };
    const back = decodeSnapshotFile(encodeSnapshotFile(s));
    assert.deepEqual(back.metadata, s.metadata);
    assert.equal(back.data.byteLength, 0);
  });

  it('rejects any flipped byte, truncation or extension', () => {
    const bytes = encodeSnapshotFile(snap);
    for (let i = 0; i < bytes.byteLength; i++) {
      const b = Uint8Array.from(bytes);
      b[i]! ^= 0x01;
      assert.throws(() => decodeSnapshotFile(b), DecodeError, `flip at ${i}`);
    }
    assert.throws(() => decodeSnapshotFile(bytes.subarray(0, bytes.byteLength - 1)), DecodeError);
    const longer = new Uint8Array(bytes.byteLength + 1);
    longer.set(bytes);
    assert.throws(() => decodeSnapshotFile(longer), DecodeError);
    assert.throws(() => decodeSnapshotFile(new Uint8Array(0)), DecodeError);
  });
});

describe('file names', () => {
  it('formats and parses segment names in fixed-width hex', () => {
    const s = segmentName(1, 1);
    assert.equal(s.name, '0000000000000001-0000000000000001.wal');
    assert.deepEqual(parseSegmentName(segmentName(255, 4096).name), segmentName(255, 4096));
    assert.equal(parseSegmentName('0000000000000001-0000000000000001.wal.tmp'), undefined);
    assert.equal(parseSegmentName('1-1.wal'), undefined);
  });

  it('formats and parses snapshot names; sorting names sorts by index', () => {
    assert.equal(snapshotName(1000, 4).name, '00000000000003e8-0000000000000004.snap');
    assert.deepEqual(parseSnapshotName(snapshotName(1000, 4).name), snapshotName(1000, 4));
    assert.equal(parseSnapshotName('00000000000003e8-0000000000000004.snap.tmp'), undefined);
    const names = [snapshotName(300, 1).name, snapshotName(20, 9).name, snapshotName(4096, 2).name].sort();
    assert.deepEqual(names.map((n) => parseSnapshotName(n)!.index), [20, 300, 4096]);
  });
});
