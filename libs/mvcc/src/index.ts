// @logbook/mvcc: the etcd-v3-compatible MVCC state machine as a pure apply
// function over a @logbook/backend Backend.

export type * from './types.ts';
export { SORT_ORDERS, SORT_TARGETS, COMPARE_RESULTS, EVENT_TYPES } from './types.ts';
export { MvccError, MvccAssertionError, MVCC_MESSAGES, MVCC_ERROR_CODES, type MvccErrorCode, type MvccErrorKind } from './errors.ts';
export { MvccStore, cappedByNoSpace, type MvccOptions, type ApplyResult, type BatchItem } from './store.ts';
export type { HistoryQuery, HistoryResult } from './watch-history.ts';
export type { HashKvResult } from './hash.ts';
export { encodeKeyValueWire, varintSize, writeVarint } from './encoding.ts';
