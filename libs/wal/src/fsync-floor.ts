// The cost of one durable append on this disk: write a small record at the
// end of a file, fdatasync, repeat. No consensus protocol that fsyncs before
// acknowledging can commit faster than this; the raft benchmark reports
// against it.

import { join } from 'node:path';
import { isNotFound } from './errors.ts';
import { NodeFs } from './fs/node-fs.ts';
import type { WalFs } from './fs/wal-fs.ts';

export interface FsyncFloor {
  readonly iterations: number;
  readonly recordBytes: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly minUs: number;
  readonly maxUs: number;
  readonly meanUs: number;
}

export interface FsyncFloorOptions {
  /** Defaults to the real disk (NodeFs). */
  readonly fs?: WalFs;
  /** Bytes per append; default 256. */
  readonly recordBytes?: number;
  /** Monotonic clock in nanoseconds; default process.hrtime.bigint. */
  readonly now?: () => bigint;
}

const PROBE_NAME = '.fsync-floor.probe';

function percentile(sorted: readonly number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** Appends `recordBytes` and fdatasyncs, `iterations` times, in a probe file in `dir` (removed afterwards). */
export async function measureFsyncFloor(dir: string, iterations: number, opts: FsyncFloorOptions = {}): Promise<FsyncFloor> {
  if (!Number.isInteger(iterations) || iterations < 1) throw new RangeError(`iterations must be a positive integer, got ${iterations}`);
  const fs = opts.fs ?? new NodeFs();
  const now = opts.now ?? (() => process.hrtime.bigint());
  const recordBytes = opts.recordBytes ?? 256;
  const path = join(dir, PROBE_NAME);
  await fs.mkdir(dir);
  try {
    await fs.unlink(path);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  const record = new Uint8Array(recordBytes).fill(0xa5);
  const samplesUs: number[] = [];
  const file = await fs.open(path, 'create-new');
  try {
    let offset = 0;
    for (let i = 0; i < iterations; i++) {
      const t0 = now();
      await file.write(record, offset);
      await file.datasync();
      samplesUs.push(Number(now() - t0) / 1000);
      offset += recordBytes;
    }
  } finally {
    await file.close();
    await fs.unlink(path);
  }
  const sorted = [...samplesUs].sort((a, b) => a - b);
  const round = (n: number): number => Math.round(n * 10) / 10;
  return {
    iterations,
    recordBytes,
    p50Us: round(percentile(sorted, 50)),
    p99Us: round(percentile(sorted, 99)),
    minUs: round(sorted[0]!),
    maxUs: round(sorted[sorted.length - 1]!),
    meanUs: round(samplesUs.reduce((a, b) => a + b, 0) / samplesUs.length),
  };
}
