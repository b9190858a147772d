// Helpers shared by the WAL test files.

import type { HardState, LogIndex, NodeId, Term } from '@logbook/raft/core';
import { parseSegmentName } from '../src/file-names.ts';
import type { WalFs } from '../src/fs/wal-fs.ts';
import { RecordWriter, recordSize, type WalRecord } from '../src/record-codec.ts';
import type { PositionedRecord } from '../src/segment-reader.ts';
import { Wal, type WalOptions } from '../src/wal.ts';
import { RecordingLogger, shape } from './helpers.ts';

export const META = { memberId: 3, clusterId: 77 };
export const hs = (term: number, vote: number, commit: number): HardState => ({
  term: term as Term,
  vote: vote as NodeId,
  commit: commit as LogIndex,
});

export async function fresh(fs: WalFs, dir: string, opts: Partial<WalOptions> = {}) {
  const logger = new RecordingLogger();
  await Wal.create(fs, dir, META);
  const { wal, records } = await Wal.open(fs, dir, { logger, ...opts });
  return { wal, records, logger };
}

export async function reopen(fs: WalFs, dir: string, opts: Partial<WalOptions> = {}) {
  const logger = new RecordingLogger();
  const { wal, records } = await Wal.open(fs, dir, { logger, ...opts });
  return { wal, records, logger };
}

/** Records other than the per-segment preamble (segment header, metadata). */
export function body(records: readonly PositionedRecord[]): WalRecord[] {
  return records.map((r) => r.record).filter((r) => r.type !== 'segment' && r.type !== 'metadata');
}

export function entryShapes(records: readonly PositionedRecord[]) {
  return shape(body(records).flatMap((r) => (r.type === 'entry' ? [r.entry] : [])));
}

export async function segmentFiles(fs: WalFs, dir: string): Promise<string[]> {
  return (await fs.readdir(dir)).filter((n) => parseSegmentName(n) !== undefined).sort();
}

export async function overwrite(fs: WalFs, path: string, position: number, data: Uint8Array): Promise<void> {
  const f = await fs.open(path, 'read-write');
  await f.write(data, position);
  await f.datasync();
  await f.close();
}

export async function appendRaw(fs: WalFs, path: string, data: Uint8Array): Promise<void> {
  const f = await fs.open(path, 'read-write');
  await f.append(data);
  await f.datasync();
  await f.close();
}

export function encoded(records: readonly WalRecord[], seed = 0): Uint8Array {
  const w = new RecordWriter(records.reduce((n, r) => n + recordSize(r), 0), seed);
  for (const r of records) w.write(r, true);
  return w.bytes;
}
