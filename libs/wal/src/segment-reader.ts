// Reads and verifies WAL segments. Every record must pass its chained CRC.
// The only damage tolerated is a torn or zero-filled tail of the LAST
// segment — what a crash during an unsynced append leaves behind; anything
// else is a WalCorruptError naming the file and the offset.

import { WalCorruptError } from './errors.ts';
import type { SegmentName } from './file-names.ts';
import { decodeFrame, type WalRecord } from './record-codec.ts';

export interface PositionedRecord {
  readonly record: WalRecord;
  /** Segment file name (for error messages). */
  readonly file: string;
  readonly seq: number;
  readonly offset: number;
}

export type TailKind =
  /** The segment ends exactly after its last valid record. */
  | 'clean'
  /** Only zeros follow (preallocated space, or a file extended but never written). */
  | 'zeros'
  /** A write cut short by a crash (or a batch only partly written). */
  | 'torn';

export interface SegmentScan {
  readonly records: PositionedRecord[];
  /** Offset just past the last complete batch: where the next append goes. */
  readonly validEnd: number;
  /** CRC of the last record kept (the chain's seed for the next one); 0 when there is none. */
  readonly lastCrc: number;
  /** prevCrc from the segment header; undefined when the header itself was torn away. */
  readonly prevCrc: number | undefined;
  readonly tail: TailKind;
}

const SECTOR_BYTES = 512;

function allZero(bytes: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** True when [from, to) contains a whole, sector-aligned run of zeros: a page the disk never wrote. */
function hasZeroSector(bytes: Uint8Array, from: number, to: number): boolean {
  for (let s = Math.ceil(from / SECTOR_BYTES) * SECTOR_BYTES; s + SECTOR_BYTES <= to; s += SECTOR_BYTES) {
    if (allZero(bytes, s, s + SECTOR_BYTES)) return true;
  }
  return false;
}

/**
 * Decides whether the bad frame at `off` (claimed to end at `frameEnd`) in
 * the last segment is the remains of an interrupted write. See DESIGN.md,
 * "Torn tails", for why each rule is safe.
 */
function classifyTail(bytes: Uint8Array, off: number, frameEnd: number, incomplete: boolean): TailKind | undefined {
  const len = bytes.byteLength;
  if (allZero(bytes, off, len)) return 'zeros';
  if (incomplete) return 'torn';
  // A bad frame followed only by zeros: a write into preallocated space that
  // stopped part-way. (A bad frame that ends exactly at EOF is not covered:
  // with nothing after it, that is what bit rot in the last record looks like.)
  if (frameEnd < len && allZero(bytes, frameEnd, len)) return 'torn';
  if (hasZeroSector(bytes, off, Math.min(frameEnd, len))) return 'torn';
  const sectorEnd = Math.min(len, (Math.floor(off / SECTOR_BYTES) + 1) * SECTOR_BYTES);
  if (frameEnd - off <= 8 && allZero(bytes, off, sectorEnd)) return 'torn';
  return undefined;
}

export function scanSegment(bytes: Uint8Array, seg: SegmentName, isLast: boolean): SegmentScan {
  const records: PositionedRecord[] = [];
  let off = 0;
  let crc = 0;
  let prevCrc: number | undefined;
  // Where the last complete batch ends: a crash keeps a batch whole or not at all.
  let batch = { end: 0, crc: 0, count: 0 };
  const finish = (tail: TailKind): SegmentScan => {
    if (batch.count < records.length) {
      if (!isLast) throw new WalCorruptError(seg.name, batch.end, 'segment ends inside a batch');
      records.length = batch.count;
      tail = 'torn';
    }
    return { records, validEnd: batch.end, lastCrc: batch.crc, prevCrc, tail };
  };
  while (off < bytes.byteLength) {
    const r = decodeFrame(bytes, off, crc);
    if (r.ok) {
      const rec = r.record;
      if (records.length === 0) {
        if (rec.type !== 'segment') throw new WalCorruptError(seg.name, off, `segment starts with a ${rec.type} record`);
        if (rec.seq !== seg.seq || rec.firstIndex !== seg.firstIndex) {
          throw new WalCorruptError(
            seg.name,
            off,
            `header says seq ${rec.seq} first index ${rec.firstIndex}, file name says seq ${seg.seq} first index ${seg.firstIndex}`,
          );
        }
        prevCrc = rec.prevCrc;
      } else if (rec.type === 'segment') {
        throw new WalCorruptError(seg.name, off, 'segment header in the middle of a segment');
      }
      records.push({ record: rec, file: seg.name, seq: seg.seq, offset: off });
      crc = r.crc;
      off = r.end;
      if (r.endOfBatch) batch = { end: off, crc, count: records.length };
      continue;
    }
    // The checksum matched, so these are the bytes the WAL wrote: a record it
    // cannot decode is a format bug or a version mismatch, never a torn write.
    if (r.problem === 'bad-payload') throw new WalCorruptError(seg.name, off, r.detail);
    if (!isLast) throw new WalCorruptError(seg.name, off, r.detail);
    const tail = classifyTail(bytes, off, r.frameEnd, r.problem === 'incomplete');
    if (tail === undefined) throw new WalCorruptError(seg.name, off, `${r.detail}, and the rest of the segment is not a torn write`);
    return finish(tail);
  }
  return finish('clean');
}
