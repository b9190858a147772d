// @logbook/wal: the durable write-ahead log and snapshot files of a Raft
// member, and DiskStorage, the Persistence the raft runtime runs on.

export { DiskStorage, type DiskStorageOptions } from './disk-storage.ts';
export {
  Wal,
  DEFAULT_MAX_PENDING_BYTES,
  DEFAULT_SEGMENT_SIZE_BYTES,
  type WalBatch,
  type WalOpenResult,
  type WalOptions,
} from './wal.ts';
export { SnapshotStore } from './snapshot-store.ts';
export { recover, type RecoveredState } from './recovery.ts';
export { LogView } from './log-view.ts';
export { readWal, listSegments, type WalContents, type WalTail } from './wal-reader.ts';
export { scanSegment, type PositionedRecord, type SegmentScan, type TailKind } from './segment-reader.ts';
export {
  RecordWriter,
  decodeFrame,
  recordSize,
  encodeSnapshotFile,
  decodeSnapshotFile,
  DecodeError,
  FRAME_HEADER_BYTES,
  type FrameProblem,
  type FrameResult,
  type WalMetadata,
  type WalRecord,
  type WalRecordType,
} from './record-codec.ts';
export {
  segmentName,
  parseSegmentName,
  snapshotName,
  parseSnapshotName,
  type SegmentName,
  type SnapshotName,
} from './file-names.ts';
export { CommitQueue, type CommitItem, type FlushFn } from './commit-queue.ts';
export {
  WalError,
  WalCorruptError,
  SnapshotCorruptError,
  WalNotCoveredError,
  WalInconsistentError,
  WalNotFoundError,
  WalExistsError,
  WalClosedError,
  WalFailedError,
  isNotFound,
  type WalErrorCode,
} from './errors.ts';
export type { WalFs, WalFile, OpenMode } from './fs/wal-fs.ts';
export { NodeFs } from './fs/node-fs.ts';
export { MemFs, FsError, type CrashOptions, type FaultHook, type FsOp, type FsErrorCode } from './fs/mem-fs.ts';
export { CountingFs, type FsCounts } from './fs/counting-fs.ts';
export { measureFsyncFloor, type FsyncFloor, type FsyncFloorOptions } from './fsync-floor.ts';
