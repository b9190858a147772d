// The write-ahead log: append-only segment files of CRC-chained records.
// save() is a group commit (one write and at most one fdatasync for every
// batch that arrives while the previous group is being written); segments
// rotate at a size; open() verifies everything and cuts a torn tail off the
// last segment; release() deletes segments a snapshot has made unnecessary.
// The rules and their reasons are in DESIGN.md.

import { dirname, join } from 'node:path';
import type { ConfState, Entry, HardState, LogIndex, Logger, Term } from '@logbook/raft/core';
import { isEmptyHardState } from '@logbook/raft/core';
import { CommitQueue, type CommitItem } from './commit-queue.ts';
import { WalClosedError, WalExistsError, WalFailedError } from './errors.ts';
import { segmentName, type SegmentName } from './file-names.ts';
import type { WalFile, WalFs } from './fs/wal-fs.ts';
import { FRAME_HEADER_BYTES, RecordWriter, recordSize, type WalMetadata, type WalRecord } from './record-codec.ts';
import type { PositionedRecord } from './segment-reader.ts';
import { listSegments, readWal } from './wal-reader.ts';

export const DEFAULT_SEGMENT_SIZE_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_PENDING_BYTES = 64 * 1024 * 1024;

export interface WalOptions {
  readonly logger: Logger;
  /** A segment is closed and a new one started when the next batch would take it past this. Default 64 MiB. */
  readonly segmentSizeBytes?: number;
  /** Bound on bytes waiting for the next group commit; see CommitQueue. Default 64 MiB. */
  readonly maxPendingBytes?: number;
  /**
   * Keep zeros written ahead of the tail, `preallocateChunkBytes` at a time
   * (up to the segment size), so an append overwrites blocks the file already
   * has and its fdatasync flushes data only: no new size or block allocation
   * for the filesystem's journal. See DESIGN.md for what it measured.
   */
  readonly preallocate?: boolean;
  /** How far ahead one zero fill reaches. Default 1 MiB. */
  readonly preallocateChunkBytes?: number;
}

export const DEFAULT_PREALLOCATE_CHUNK_BYTES = 1024 * 1024;

/** One save(): written in this order, as one unit of the group commit. */
export interface WalBatch {
  /** A snapshot now covers the log up to index (recorded before the entries that follow it). */
  readonly snapshot?: { readonly index: LogIndex; readonly term: Term } | undefined;
  readonly confState?: ConfState | undefined;
  readonly entries?: readonly Entry[] | undefined;
  readonly hardState?: HardState | undefined;
}

export interface WalOpenResult {
  readonly wal: Wal;
  /** Every record of the segments in use, in order, for recovery to replay. */
  readonly records: readonly PositionedRecord[];
}

const ENTRY_OVERHEAD_BYTES = FRAME_HEADER_BYTES + 1 + 17;

function batchBytes(b: WalBatch): number {
  let n = 0;
  if (b.snapshot !== undefined) n += recordSize({ type: 'snapshot', ...b.snapshot });
  if (b.confState !== undefined) n += recordSize({ type: 'conf-state', confState: b.confState });
  for (const e of b.entries ?? []) n += ENTRY_OVERHEAD_BYTES + e.data.byteLength;
  if (b.hardState !== undefined) n += recordSize({ type: 'hard-state', hardState: b.hardState });
  return n;
}

/** Writes a batch's records in their fixed order, the last one marked as the end of the batch. */
function writeBatch(w: RecordWriter, b: WalBatch): void {
  const es = b.entries ?? [];
  const hasHs = b.hardState !== undefined;
  if (b.snapshot !== undefined) w.write({ type: 'snapshot', ...b.snapshot }, b.confState === undefined && es.length === 0 && !hasHs);
  if (b.confState !== undefined) w.write({ type: 'conf-state', confState: b.confState }, es.length === 0 && !hasHs);
  for (let i = 0; i < es.length; i++) w.write({ type: 'entry', entry: es[i]! }, i === es.length - 1 && !hasHs);
  if (b.hardState !== undefined) w.write({ type: 'hard-state', hardState: b.hardState }, true);
}

/** The records that open a segment: its header, the metadata and the current HardState (so releasing old segments never loses them). */
function segmentPreamble(seg: SegmentName, prevCrc: number, metadata: WalMetadata, hs: HardState | undefined): WalRecord[] {
  const recs: WalRecord[] = [
    { type: 'segment', seq: seg.seq, firstIndex: seg.firstIndex, prevCrc },
    { type: 'metadata', metadata },
  ];
  if (hs !== undefined && !isEmptyHardState(hs)) recs.push({ type: 'hard-state', hardState: hs });
  return recs;
}

let zeros: Uint8Array = new Uint8Array(0);

/** A shared buffer of at least `bytes` zeros (never written to). */
function zeroChunk(bytes: number): Uint8Array {
  if (zeros.byteLength < bytes) zeros = new Uint8Array(bytes);
  return zeros.subarray(0, bytes);
}

function encode(records: readonly WalRecord[], prevCrc: number): RecordWriter {
  let size = 0;
  for (const r of records) size += recordSize(r);
  const w = new RecordWriter(size, prevCrc);
  records.forEach((r, i) => w.write(r, i === records.length - 1));
  return w;
}

interface TailState {
  file: WalFile;
  seg: SegmentName;
  /** Where the next record goes. */
  offset: number;
  /** End of the preamble: a segment holding no more than it is never rotated. */
  preambleEnd: number;
  /** Written since the last fdatasync. */
  dirty: boolean;
  /** With preallocation, the file's size: zeros from `offset` up to here. Unused without it. */
  allocated: number;
}

export class Wal {
  readonly #fs: WalFs;
  readonly #dir: string;
  readonly #logger: Logger;
  readonly #segmentSizeBytes: number;
  readonly #preallocate: boolean;
  readonly #chunkBytes: number;
  readonly metadata: WalMetadata;
  readonly #segments: SegmentName[];
  readonly #queue: CommitQueue<WalBatch>;
  #tail: TailState;
  /** CRC of the last record written: the seed of the next. */
  #crc: number;
  /** Highest entry index ever written: the next segment's firstIndex is one more. */
  #maxIndex: number;
  #hardState: HardState | undefined;
  /** Segment holding the newest snapshot marker; it and later segments are never released. */
  #lastMarkerSeq: number;
  #releasing: Promise<number> = Promise.resolve(0);
  #closed = false;
  /** A write or fsync failed: the tail's on-disk state is unknown, so close() must not sync it. */
  #failed = false;

  private constructor(fs: WalFs, dir: string, opts: WalOptions, init: {
    metadata: WalMetadata;
    segments: SegmentName[];
    tail: TailState;
    crc: number;
    maxIndex: number;
    hardState: HardState | undefined;
    lastMarkerSeq: number;
  }) {
    this.#fs = fs;
    this.#dir = dir;
    this.#logger = opts.logger;
    this.#segmentSizeBytes = opts.segmentSizeBytes ?? DEFAULT_SEGMENT_SIZE_BYTES;
    this.#preallocate = opts.preallocate ?? false;
    this.#chunkBytes = opts.preallocateChunkBytes ?? DEFAULT_PREALLOCATE_CHUNK_BYTES;
    if (!(this.#chunkBytes > 0)) throw new RangeError(`preallocateChunkBytes must be positive, got ${this.#chunkBytes}`);
    this.metadata = init.metadata;
    this.#segments = init.segments;
    this.#tail = init.tail;
    this.#crc = init.crc;
    this.#maxIndex = init.maxIndex;
    this.#hardState = init.hardState;
    this.#lastMarkerSeq = init.lastMarkerSeq;
    this.#queue = new CommitQueue<WalBatch>(
      opts.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES,
      (items, sync) => this.#flushOrFail(items, sync),
      (cause) => new WalFailedError({ cause }),
    );
  }

  static async exists(fs: WalFs, dir: string): Promise<boolean> {
    return (await listSegments(fs, dir)).length > 0;
  }

  /**
   * Creates a WAL whose first segment holds the metadata and `initial`.
   * Atomic: the segment is written and synced in `<dir>.tmp`, which is then
   * renamed to `dir` — a crash leaves either no WAL or a complete one.
   */
  static async create(fs: WalFs, dir: string, metadata: WalMetadata, initial: WalBatch = {}): Promise<void> {
    if (await Wal.exists(fs, dir)) throw new WalExistsError(dir);
    const tmp = `${dir}.tmp`;
    await fs.mkdir(tmp);
    for (const leftover of await fs.readdir(tmp)) await fs.unlink(join(tmp, leftover));
    const seg = segmentName(1, 1);
    const recs = segmentPreamble(seg, 0, metadata, undefined);
    const w = encode(recs, 0);
    const body = new RecordWriter(batchBytes(initial), w.crc);
    writeBatch(body, initial);
    const file = await fs.open(join(tmp, seg.name), 'create-new');
    await file.write(Buffer.concat([w.bytes, body.bytes]), 0);
    await file.datasync();
    await file.close();
    await fs.fsyncDir(tmp);
    await fs.mkdir(dirname(dir));
    await fs.rename(tmp, dir);
    await fs.fsyncDir(dirname(dir));
  }

  /** Opens an existing WAL: verifies every segment, truncates a torn tail, and is ready to append. */
  static async open(fs: WalFs, dir: string, opts: WalOptions): Promise<WalOpenResult> {
    const logger = opts.logger;
    const contents = await readWal(fs, dir, logger);
    const { tail, records } = contents;
    let crc = tail.lastCrc;
    let maxIndex = tail.segment.firstIndex - 1;
    let hardState: HardState | undefined;
    let lastMarkerSeq = 0;
    let preambleEnd = 0;
    for (const r of records) {
      const rec = r.record;
      if (rec.type === 'entry') maxIndex = Math.max(maxIndex, rec.entry.index);
      else if (rec.type === 'hard-state') hardState = rec.hardState;
      else if (rec.type === 'snapshot') lastMarkerSeq = r.seq;
      if (r.seq === tail.segment.seq && (rec.type === 'segment' || rec.type === 'metadata')) {
        preambleEnd = r.offset + recordSize(rec);
      }
    }
    const file = await fs.open(join(dir, tail.segment.name), 'read-write');
    let offset = tail.validEnd;
    try {
      if (tail.kind !== 'clean') {
        const fields = { file: tail.segment.name, offset: tail.validEnd, droppedBytes: tail.fileSize - tail.validEnd };
        if (tail.kind === 'torn') logger.warn('wal: truncating a torn write at the end of the log', fields);
        else logger.info('wal: truncating zero-filled space at the end of the log', fields);
        await file.truncate(tail.validEnd);
      }
      if (!tail.hasHeader) {
        // A crash tore the new segment's own preamble: write it again.
        logger.warn('wal: rewriting the torn header of the last segment', { file: tail.segment.name });
        const w = encode(segmentPreamble(tail.segment, tail.prevSegmentCrc, contents.metadata, hardState), 0);
        await file.write(w.bytes, 0);
        crc = w.crc;
        offset = preambleEnd = w.bytes.byteLength;
      }
      await file.datasync();
    } catch (err) {
      await file.close();
      throw err;
    }
    for (const s of contents.stale) await fs.unlink(join(dir, s.name));
    if (contents.stale.length > 0) await fs.fsyncDir(dir);
    const wal = new Wal(fs, dir, opts, {
      metadata: contents.metadata,
      segments: [...contents.segments],
      tail: { file, seg: tail.segment, offset, preambleEnd, dirty: false, allocated: offset },
      crc,
      maxIndex,
      hardState,
      lastMarkerSeq,
    });
    return { wal, records };
  }

  get dir(): string {
    return this.#dir;
  }

  /** Segment files in use, oldest first. */
  get segments(): readonly SegmentName[] {
    return this.#segments;
  }

  /**
   * Appends a batch; resolves when it is written — and fdatasync'ed if `sync`
   * (or if another batch in the same group asked for it). Concurrent calls
   * are written in call order and share one write and one fdatasync.
   */
  save(batch: WalBatch, sync: boolean): Promise<void> {
    if (this.#closed) return Promise.reject(new WalClosedError());
    return this.#queue.submit(batch, batchBytes(batch), sync);
  }

  async #flushOrFail(items: readonly CommitItem<WalBatch>[], sync: boolean): Promise<void> {
    try {
      await this.#flush(items, sync);
    } catch (err) {
      this.#failed = true;
      this.#logger.error('wal: write failed; refusing further writes', { error: String(err) });
      throw err;
    }
  }

  async #flush(items: readonly CommitItem<WalBatch>[], sync: boolean): Promise<void> {
    let size = 0;
    for (const it of items) size += it.bytes;
    if (size === 0 && !sync) return;
    const tail0 = this.#tail;
    if (tail0.offset > tail0.preambleEnd && tail0.offset + size > this.#segmentSizeBytes) await this.#rotate();
    const tail = this.#tail;
    const w = new RecordWriter(size, this.#crc);
    let maxIndex = this.#maxIndex;
    let hardState = this.#hardState;
    let marker = false;
    for (const { value } of items) {
      writeBatch(w, value);
      const lastEntry = value.entries?.[value.entries.length - 1];
      if (lastEntry !== undefined) maxIndex = Math.max(maxIndex, lastEntry.index);
      if (value.hardState !== undefined) hardState = value.hardState;
      if (value.snapshot !== undefined) marker = true;
    }
    if (w.offset !== size) throw new Error(`wal: batch encoded to ${w.offset} bytes, sized ${size}`);
    if (this.#preallocate && tail.offset + size > tail.allocated) await this.#zeroFill(tail, tail.offset + size);
    if (size > 0) {
      await tail.file.write(w.bytes, tail.offset);
      tail.offset += size;
      tail.dirty = true;
    }
    if (sync && tail.dirty) {
      await tail.file.datasync();
      tail.dirty = false;
    }
    this.#crc = w.crc;
    this.#maxIndex = maxIndex;
    this.#hardState = hardState;
    if (marker) this.#lastMarkerSeq = tail.seg.seq;
  }

  /**
   * Writes zeros from the end of the tail's file to at least `end`: up to the
   * next chunk boundary, within the segment size (past it only as far as
   * `end`, for the one group a segment may exceed it by). The caller's
   * fdatasync makes them durable along with its records.
   */
  async #zeroFill(tail: TailState, end: number): Promise<void> {
    const nextBoundary = (Math.floor(tail.allocated / this.#chunkBytes) + 1) * this.#chunkBytes;
    const target = Math.max(end, Math.min(nextBoundary, this.#segmentSizeBytes));
    const zeros = zeroChunk(Math.min(target - tail.allocated, this.#chunkBytes));
    for (let at = tail.allocated; at < target; at += zeros.byteLength) {
      await tail.file.write(at + zeros.byteLength <= target ? zeros : zeros.subarray(0, target - at), at);
    }
    tail.allocated = target;
    tail.dirty = true;
  }

  async #rotate(): Promise<void> {
    const old = this.#tail;
    // The old segment must be complete on disk before anything in a later one
    // can be: only the last segment may end in a torn write.
    if (this.#preallocate) await old.file.truncate(old.offset);
    if (old.dirty || this.#preallocate) await old.file.datasync();
    await old.file.close();
    const seg = segmentName(old.seg.seq + 1, this.#maxIndex + 1);
    const w = encode(segmentPreamble(seg, this.#crc, this.metadata, this.#hardState), 0);
    const file = await this.#fs.open(join(this.#dir, seg.name), 'create-new');
    await file.write(w.bytes, 0);
    const tail: TailState = { file, seg, offset: w.bytes.byteLength, preambleEnd: w.bytes.byteLength, dirty: false, allocated: w.bytes.byteLength };
    if (this.#preallocate) await this.#zeroFill(tail, tail.offset);
    await file.datasync();
    await this.#fs.fsyncDir(this.#dir);
    this.#segments.push(seg);
    tail.dirty = false;
    this.#tail = tail;
    this.#crc = w.crc;
    this.#logger.info('wal: started a new segment', { file: seg.name, index: seg.firstIndex });
  }

  /**
   * Deletes segments whose entries are all below `compactIndex`, never the
   * last one nor any from the one holding the newest snapshot marker on.
   * Strictly below: the entry at compactIndex stays, so replay knows its term
   * and can tell a snapshot that compacts the log from one that replaces it.
   * Call only once a snapshot at or above compactIndex is durable and its
   * marker saved. Returns how many segments were deleted.
   */
  release(compactIndex: number): Promise<number> {
    const run = async (): Promise<number> => {
      let n = 0;
      while (this.#segments.length > 1) {
        const first = this.#segments[0]!;
        const next = this.#segments[1]!;
        if (first.seq >= this.#lastMarkerSeq || next.firstIndex > compactIndex) break;
        await this.#fs.unlink(join(this.#dir, first.name));
        this.#segments.shift();
        n++;
      }
      if (n > 0) {
        await this.#fs.fsyncDir(this.#dir);
        this.#logger.info('wal: released segments', { count: n, index: compactIndex });
      }
      return n;
    };
    this.#releasing = this.#releasing.then(run, run);
    return this.#releasing;
  }

  /** Finishes what was saved, syncs it, and closes the segment. Later saves fail with WalClosedError. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue.close(() => new WalClosedError());
    // A failed release was already reported to its caller; close only waits for it.
    await this.#releasing.then(
      () => undefined,
      () => undefined,
    );
    const tail = this.#tail;
    try {
      if (!this.#failed && this.#preallocate) await tail.file.truncate(tail.offset);
      if (!this.#failed && (tail.dirty || this.#preallocate)) await tail.file.datasync();
    } finally {
      await tail.file.close();
    }
  }
}
