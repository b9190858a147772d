// Reads a WAL directory: finds the segments, verifies them in order (records,
// CRC chain within and across segments, headers against file names) and
// reports where appending must resume. Does not modify anything.

import { join } from 'node:path';
import type { Logger } from '@logbook/raft/core';
import { WalCorruptError, WalInconsistentError, WalNotFoundError, isNotFound } from './errors.ts';
import { parseSegmentName, type SegmentName } from './file-names.ts';
import type { WalFs } from './fs/wal-fs.ts';
import type { WalMetadata } from './record-codec.ts';
import { scanSegment, type PositionedRecord, type TailKind } from './segment-reader.ts';

export interface WalTail {
  readonly segment: SegmentName;
  readonly fileSize: number;
  readonly validEnd: number;
  readonly lastCrc: number;
  readonly kind: TailKind;
  /** False when a crash tore away even the segment's header: it must be rewritten before appending. */
  readonly hasHeader: boolean;
  /** Final CRC of the segment before the tail (the tail header's prevCrc), 0 if none was read. */
  readonly prevSegmentCrc: number;
}

export interface WalContents {
  /** Segments in use, in order. */
  readonly segments: readonly SegmentName[];
  /** Segments left behind by an interrupted release (before a gap in the sequence); safe to delete. */
  readonly stale: readonly SegmentName[];
  readonly records: readonly PositionedRecord[];
  readonly metadata: WalMetadata;
  readonly tail: WalTail;
}

/** Lists the segment files of `dir` in sequence order; [] when the directory does not exist. */
export async function listSegments(fs: WalFs, dir: string): Promise<SegmentName[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
  const segs: SegmentName[] = [];
  for (const n of names) {
    const s = parseSegmentName(n);
    if (s !== undefined) segs.push(s);
  }
  return segs.sort((a, b) => a.seq - b.seq);
}

export async function readWal(fs: WalFs, dir: string, logger: Logger): Promise<WalContents> {
  const all = await listSegments(fs, dir);
  if (all.length === 0) throw new WalNotFoundError(dir);
  // Releasing old segments unlinks them oldest first and then fsyncs the
  // directory; a crash in between can leave an older segment behind a gap.
  // Everything before the last gap is such a leftover. (If it was not — a
  // segment lost in the middle — recovery finds the log does not cover its
  // snapshot and fails loudly.)
  let start = 0;
  for (let i = 1; i < all.length; i++) {
    if (all[i]!.seq !== all[i - 1]!.seq + 1) start = i;
  }
  const stale = all.slice(0, start);
  const segments = all.slice(start);
  if (stale.length > 0) {
    logger.warn('wal: ignoring segments before a gap in the sequence', { count: stale.length, first: stale[0]!.name });
  }

  const records: PositionedRecord[] = [];
  let prevCrc: number | undefined;
  let tail: WalTail | undefined;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    if (i > 0 && seg.firstIndex < segments[i - 1]!.firstIndex) {
      throw new WalCorruptError(seg.name, 0, `first index ${seg.firstIndex} is below the previous segment's`);
    }
    const isLast = i === segments.length - 1;
    const bytes = await fs.readFile(join(dir, seg.name));
    const scan = scanSegment(bytes, seg, isLast);
    if (scan.prevCrc !== undefined && prevCrc !== undefined && scan.prevCrc !== prevCrc) {
      throw new WalCorruptError(seg.name, 0, 'CRC chain broken between segments');
    }
    records.push(...scan.records);
    if (isLast) {
      tail = {
        segment: seg,
        fileSize: bytes.byteLength,
        validEnd: scan.validEnd,
        lastCrc: scan.lastCrc,
        kind: scan.tail,
        hasHeader: scan.records.length > 0,
        prevSegmentCrc: prevCrc ?? scan.prevCrc ?? 0,
      };
    }
    prevCrc = scan.lastCrc;
  }
  return { segments, stale, records, metadata: findMetadata(records, dir), tail: tail! };
}

function findMetadata(records: readonly PositionedRecord[], dir: string): WalMetadata {
  let found: WalMetadata | undefined;
  for (const r of records) {
    if (r.record.type !== 'metadata') continue;
    const m = r.record.metadata;
    if (found !== undefined && (found.memberId !== m.memberId || found.clusterId !== m.clusterId)) {
      throw new WalInconsistentError(
        r.file,
        r.offset,
        `metadata (member ${m.memberId}, cluster ${m.clusterId}) differs from earlier (member ${found.memberId}, cluster ${found.clusterId})`,
      );
    }
    found = m;
  }
  if (found === undefined) throw new WalCorruptError(dir, 0, 'no metadata record in any segment');
  return found;
}
