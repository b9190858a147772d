export type { Backend, Bytes, RangeOptions, ReadTxn, ValueSink, WriteTxn } from './backend.ts';
export { BackendClosedError, BackendError, type BackendErrorCode } from './errors.ts';
export { MAX_KEY_BYTES, compareBytes } from './keys.ts';
export { MemoryBackend } from './memory-backend.ts';
export { UndoTxn } from './undo-txn.ts';
export { LmdbBackend, fsyncPath, type LmdbBackendOptions } from './lmdb-backend.ts';
