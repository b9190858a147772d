// Every byte the WAL and the snapshot files hold is encoded and decoded here,
// and only here. Hand-rolled little-endian binary via DataView: the hot path
// (entries) is a fixed 17-byte header plus the payload, copied once into the
// batch's buffer. The format is described in DESIGN.md.
//
// Frame: [length u32][crc u32][type u8][payload], little-endian. `length`
// counts type + payload. The CRC (zlib's crc32, IEEE) covers type + payload
// and is chained: it is seeded with the previous record's CRC, except for a
// segment header, which starts a fresh chain (seed 0) and stores the previous
// segment's final CRC in its payload. Chaining catches a record that is valid
// on its own but out of place (a stale or spliced region).
//
// The type byte's high bit marks the last record of a batch (one save()).
// Recovery drops records after the last such mark, so a batch survives a
// crash whole or not at all — a snapshot marker never without the HardState
// written with it.

import { crc32 } from 'node:zlib';
import type { ConfState, Entry, EntryType, HardState, LogIndex, NodeId, Snapshot, Term } from '@logbook/raft/core';

export interface WalMetadata {
  /** The member this WAL belongs to. */
  readonly memberId: number;
  /** The cluster it belongs to; 0 when not yet known (a member that joins learns it later). */
  readonly clusterId: number;
}

export type WalRecord =
  | { readonly type: 'segment'; readonly seq: number; readonly firstIndex: LogIndex; readonly prevCrc: number }
  | { readonly type: 'metadata'; readonly metadata: WalMetadata }
  | { readonly type: 'entry'; readonly entry: Entry }
  | { readonly type: 'hard-state'; readonly hardState: HardState }
  | { readonly type: 'snapshot'; readonly index: LogIndex; readonly term: Term }
  | { readonly type: 'conf-state'; readonly confState: ConfState };

export type WalRecordType = WalRecord['type'];

const TYPE_CODE = { segment: 1, metadata: 2, entry: 3, 'hard-state': 4, snapshot: 5, 'conf-state': 6 } as const;
const ENTRY_TYPE_CODE = { normal: 0, 'conf-change': 1 } as const;

export const FRAME_HEADER_BYTES = 8;
const END_OF_BATCH = 0x80;
const ENTRY_FIXED_BYTES = 17;
const MAX_SAFE_HI = 0x1fffff; // high 32 bits of Number.MAX_SAFE_INTEGER

/** A record or file that passed its checksum but does not decode, or that does not pass it. */
export class DecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecodeError';
  }
}

function writeU64(view: DataView, off: number, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a u64-encodable safe integer: ${n}`);
  view.setUint32(off, n >>> 0, true);
  view.setUint32(off + 4, Math.floor(n / 0x1_0000_0000), true);
}

function readU64(view: DataView, off: number): number {
  const hi = view.getUint32(off + 4, true);
  if (hi > MAX_SAFE_HI) throw new DecodeError(`u64 at ${off} exceeds the safe integer range`);
  return hi * 0x1_0000_0000 + view.getUint32(off, true);
}

function confStateBytes(cs: ConfState): number {
  return 8 + 8 * (cs.voters.length + cs.learners.length);
}

function payloadBytes(r: WalRecord): number {
  switch (r.type) {
    case 'segment':
      return 20;
    case 'metadata':
      return 16;
    case 'entry':
      return ENTRY_FIXED_BYTES + r.entry.data.byteLength;
    case 'hard-state':
      return 24;
    case 'snapshot':
      return 16;
    case 'conf-state':
      return confStateBytes(r.confState);
  }
}

/** Encoded size of a record, frame header included. */
export function recordSize(r: WalRecord): number {
  return FRAME_HEADER_BYTES + 1 + payloadBytes(r);
}

function writeConfState(view: DataView, off: number, cs: ConfState): number {
  view.setUint32(off, cs.voters.length, true);
  off += 4;
  for (const id of cs.voters) {
    writeU64(view, off, id);
    off += 8;
  }
  view.setUint32(off, cs.learners.length, true);
  off += 4;
  for (const id of cs.learners) {
    writeU64(view, off, id);
    off += 8;
  }
  return off;
}

function readIds(view: DataView, off: number, end: number): { ids: NodeId[]; off: number } {
  if (off + 4 > end) throw new DecodeError('conf state truncated');
  const n = view.getUint32(off, true);
  off += 4;
  if (off + 8 * n > end) throw new DecodeError(`conf state lists ${n} ids past its end`);
  const ids: NodeId[] = [];
  for (let i = 0; i < n; i++, off += 8) ids.push(readU64(view, off) as NodeId);
  return { ids, off };
}

function readConfState(view: DataView, off: number, end: number): { cs: ConfState; off: number } {
  const v = readIds(view, off, end);
  const l = readIds(view, v.off, end);
  return { cs: { voters: v.ids, learners: l.ids }, off: l.off };
}

/**
 * Encodes records back to back into one buffer, chaining CRCs. The caller
 * sizes the buffer with recordSize() so a batch is one allocation and one write.
 */
export class RecordWriter {
  readonly bytes: Uint8Array;
  readonly #view: DataView;
  #off = 0;
  /** CRC of the last record written (the seed of the next). */
  crc: number;

  constructor(size: number, prevCrc: number) {
    this.bytes = Buffer.allocUnsafe(size);
    this.#view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    this.crc = prevCrc;
  }

  get offset(): number {
    return this.#off;
  }

  /** Appends one record; `endOfBatch` marks it as the last record of a save(). */
  write(r: WalRecord, endOfBatch: boolean): void {
    const view = this.#view;
    const start = this.#off;
    const len = 1 + payloadBytes(r);
    if (start + FRAME_HEADER_BYTES + len > this.bytes.byteLength) throw new RangeError('RecordWriter buffer too small');
    view.setUint32(start, len, true);
    view.setUint8(start + 8, TYPE_CODE[r.type] | (endOfBatch ? END_OF_BATCH : 0));
    const p = start + 9;
    switch (r.type) {
      case 'segment':
        writeU64(view, p, r.seq);
        writeU64(view, p + 8, r.firstIndex);
        view.setUint32(p + 16, r.prevCrc, true);
        break;
      case 'metadata':
        writeU64(view, p, r.metadata.memberId);
        writeU64(view, p + 8, r.metadata.clusterId);
        break;
      case 'entry':
        writeU64(view, p, r.entry.term);
        writeU64(view, p + 8, r.entry.index);
        view.setUint8(p + 16, ENTRY_TYPE_CODE[r.entry.type]);
        this.bytes.set(r.entry.data, p + ENTRY_FIXED_BYTES);
        break;
      case 'hard-state':
        writeU64(view, p, r.hardState.term);
        writeU64(view, p + 8, r.hardState.vote);
        writeU64(view, p + 16, r.hardState.commit);
        break;
      case 'snapshot':
        writeU64(view, p, r.index);
        writeU64(view, p + 8, r.term);
        break;
      case 'conf-state':
        writeConfState(view, p, r.confState);
        break;
    }
    const end = start + FRAME_HEADER_BYTES + len;
    const seed = r.type === 'segment' ? 0 : this.crc;
    this.crc = crc32(this.bytes.subarray(start + 8, end), seed);
    view.setUint32(start + 4, this.crc, true);
    this.#off = end;
  }
}

export type FrameProblem =
  /** The frame runs past the end of the data (a write cut short). */
  | 'incomplete'
  /** A length of 0: never written by the WAL (zeroed or preallocated space). */
  | 'zero-length'
  | 'crc-mismatch'
  /** The checksum matched but the payload is malformed: always corruption (or a format bug). */
  | 'bad-payload';

export type FrameResult =
  | { readonly ok: true; readonly record: WalRecord; readonly endOfBatch: boolean; readonly end: number; readonly crc: number }
  | { readonly ok: false; readonly problem: FrameProblem; readonly detail: string; readonly frameEnd: number };

/** Decodes the frame at `off`. Entry data are views into `buf` (no copy). */
export function decodeFrame(buf: Uint8Array, off: number, prevCrc: number): FrameResult {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (off + FRAME_HEADER_BYTES > buf.byteLength) {
    return { ok: false, problem: 'incomplete', detail: 'frame header cut short', frameEnd: off + FRAME_HEADER_BYTES };
  }
  const len = view.getUint32(off, true);
  const stored = view.getUint32(off + 4, true);
  if (len === 0) return { ok: false, problem: 'zero-length', detail: 'zero length', frameEnd: off + FRAME_HEADER_BYTES };
  const end = off + FRAME_HEADER_BYTES + len;
  if (end > buf.byteLength) {
    return { ok: false, problem: 'incomplete', detail: `frame of ${len} bytes runs past the end`, frameEnd: end };
  }
  const seed = (buf[off + 8]! & ~END_OF_BATCH) === TYPE_CODE.segment ? 0 : prevCrc;
  const crc = crc32(buf.subarray(off + 8, end), seed);
  if (crc !== stored) return { ok: false, problem: 'crc-mismatch', detail: 'checksum mismatch', frameEnd: end };
  try {
    const endOfBatch = (buf[off + 8]! & END_OF_BATCH) !== 0;
    return { ok: true, record: decodePayload(buf, view, off + 8, end), endOfBatch, end, crc };
  } catch (err) {
    if (!(err instanceof DecodeError)) throw err;
    return { ok: false, problem: 'bad-payload', detail: err.message, frameEnd: end };
  }
}

function expectLength(type: string, actual: number, expected: number): void {
  if (actual !== expected) throw new DecodeError(`${type} payload of ${actual} bytes, expected ${expected}`);
}

function decodePayload(buf: Uint8Array, view: DataView, typeOff: number, end: number): WalRecord {
  const code = buf[typeOff]! & ~END_OF_BATCH;
  const p = typeOff + 1;
  const n = end - p;
  switch (code) {
    case TYPE_CODE.segment:
      expectLength('segment', n, 20);
      return {
        type: 'segment',
        seq: readU64(view, p),
        firstIndex: readU64(view, p + 8) as LogIndex,
        prevCrc: view.getUint32(p + 16, true),
      };
    case TYPE_CODE.metadata:
      expectLength('metadata', n, 16);
      return { type: 'metadata', metadata: { memberId: readU64(view, p), clusterId: readU64(view, p + 8) } };
    case TYPE_CODE.entry: {
      if (n < ENTRY_FIXED_BYTES) throw new DecodeError(`entry payload of ${n} bytes`);
      const t = buf[p + 16];
      const type: EntryType | undefined = t === 0 ? 'normal' : t === 1 ? 'conf-change' : undefined;
      if (type === undefined) throw new DecodeError(`unknown entry type ${t}`);
      const index = readU64(view, p + 8);
      if (index < 1) throw new DecodeError('entry index 0');
      return {
        type: 'entry',
        entry: { term: readU64(view, p) as Term, index: index as LogIndex, type, data: buf.subarray(p + ENTRY_FIXED_BYTES, end) },
      };
    }
    case TYPE_CODE['hard-state']:
      expectLength('hard state', n, 24);
      return {
        type: 'hard-state',
        hardState: {
          term: readU64(view, p) as Term,
          vote: readU64(view, p + 8) as NodeId,
          commit: readU64(view, p + 16) as LogIndex,
        },
      };
    case TYPE_CODE.snapshot:
      expectLength('snapshot', n, 16);
      return { type: 'snapshot', index: readU64(view, p) as LogIndex, term: readU64(view, p + 8) as Term };
    case TYPE_CODE['conf-state']: {
      const { cs, off } = readConfState(view, p, end);
      if (off !== end) throw new DecodeError(`conf state has ${end - off} trailing bytes`);
      return { type: 'conf-state', confState: cs };
    }
    default:
      throw new DecodeError(`unknown record type ${code}`);
  }
}

// ---------------------------------------------------------------------------
// Snapshot files: [magic "LBSN"][version u32][crc u32 of everything after it]
// [index u64][term u64][conf state][data length u64][data]. The file must end
// exactly where the data does.

const SNAP_MAGIC = 0x4e53424c; // "LBSN" read little-endian
const SNAP_VERSION = 1;
const SNAP_HEADER_BYTES = 12;

export function encodeSnapshotFile(snap: Snapshot): Uint8Array {
  const { index, term, confState } = snap.metadata;
  const size = SNAP_HEADER_BYTES + 16 + confStateBytes(confState) + 8 + snap.data.byteLength;
  const bytes = Buffer.allocUnsafe(size);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  view.setUint32(0, SNAP_MAGIC, true);
  view.setUint32(4, SNAP_VERSION, true);
  writeU64(view, 12, index);
  writeU64(view, 20, term);
  let off = writeConfState(view, 28, confState);
  writeU64(view, off, snap.data.byteLength);
  off += 8;
  bytes.set(snap.data, off);
  view.setUint32(8, crc32(bytes.subarray(SNAP_HEADER_BYTES)), true);
  return bytes;
}

/** Throws DecodeError when the file is not a complete, intact snapshot. The data is a view into `bytes`. */
export function decodeSnapshotFile(bytes: Uint8Array): Snapshot {
  if (bytes.byteLength < SNAP_HEADER_BYTES + 16) throw new DecodeError(`file of ${bytes.byteLength} bytes is too short`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== SNAP_MAGIC) throw new DecodeError('bad magic');
  const version = view.getUint32(4, true);
  if (version !== SNAP_VERSION) throw new DecodeError(`unsupported version ${version}`);
  if (crc32(bytes.subarray(SNAP_HEADER_BYTES)) !== view.getUint32(8, true)) throw new DecodeError('checksum mismatch');
  const index = readU64(view, 12) as LogIndex;
  const term = readU64(view, 20) as Term;
  const { cs, off } = readConfState(view, 28, bytes.byteLength);
  if (off + 8 > bytes.byteLength) throw new DecodeError('data length missing');
  const dataLen = readU64(view, off);
  if (off + 8 + dataLen !== bytes.byteLength) throw new DecodeError(`data of ${dataLen} bytes does not end the file`);
  return { metadata: { index, term, confState: cs }, data: bytes.subarray(off + 8) };
}
