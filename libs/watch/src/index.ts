// @logbook/watch: etcd v3 watch semantics over @logbook/mvcc history, with
// no transport; the store's gRPC Watch service maps a bidi stream onto it.

export type * from './types.ts';
export { WatchHub, WATCH_DEFAULTS } from './hub.ts';
export { Watcher, WATCHER_STATES, type WatcherState } from './watcher.ts';
export { WatchError, WatchAssertionError, WATCH_ERROR_CODES, WATCH_MESSAGES, type WatchErrorCode, type WatchErrorKind } from './errors.ts';
export { eventBytes, responseBytes, fragmentResponse } from './response-size.ts';
