// File names of WAL segments and snapshots. Fixed-width hex so that a plain
// sort of the names is the numeric order (and `ls` shows it).
//
//   <seq:16 hex>-<firstIndex:16 hex>.wal    e.g. 0000000000000001-0000000000000001.wal
//   <index:16 hex>-<term:16 hex>.snap       e.g. 00000000000003e8-0000000000000004.snap

import type { LogIndex, Term } from '@logbook/raft/core';

const hex16 = (n: number): string => {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a file-name number: ${n}`);
  return n.toString(16).padStart(16, '0');
};

export interface SegmentName {
  readonly name: string;
  readonly seq: number;
  /** Every entry in earlier segments has an index below this. */
  readonly firstIndex: LogIndex;
}

export interface SnapshotName {
  readonly name: string;
  readonly index: LogIndex;
  readonly term: Term;
}

const SEGMENT_RE = /^([0-9a-f]{16})-([0-9a-f]{16})\.wal$/;
const SNAPSHOT_RE = /^([0-9a-f]{16})-([0-9a-f]{16})\.snap$/;

export function segmentName(seq: number, firstIndex: number): SegmentName {
  return { name: `${hex16(seq)}-${hex16(firstIndex)}.wal`, seq, firstIndex: firstIndex as LogIndex };
}

export function parseSegmentName(name: string): SegmentName | undefined {
  const m = SEGMENT_RE.exec(name);
  if (m === null) return undefined;
  const seq = Number.parseInt(m[1]!, 16);
  const firstIndex = Number.parseInt(m[2]!, 16);
  if (!Number.isSafeInteger(seq) || !Number.isSafeInteger(firstIndex)) return undefined;
  return { name, seq, firstIndex: firstIndex as LogIndex };
}

export function snapshotName(index: number, term: number): SnapshotName {
  return { name: `${hex16(index)}-${hex16(term)}.snap`, index: index as LogIndex, term: term as Term };
}

export function parseSnapshotName(name: string): SnapshotName | undefined {
  const m = SNAPSHOT_RE.exec(name);
  if (m === null) return undefined;
  const index = Number.parseInt(m[1]!, 16);
  const term = Number.parseInt(m[2]!, 16);
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(term)) return undefined;
  return { name, index: index as LogIndex, term: term as Term };
}

/** Suffix of a file being written before its atomic rename into place. */
export const TMP_SUFFIX = '.tmp';
