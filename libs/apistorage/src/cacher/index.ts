// The watch cache's public face (re-exported from the package's src/index.ts).
export { Cacher, type CacherOptions, type WatchFeed, type WatchProgressRequester } from './cacher.ts';
export { CacherError, CACHER_ERROR_CODES, type CacherErrorCode } from './errors.ts';
export { realClock, discardLogger, type CacherClock, type Cancelable, type Logger, type LogFields } from './clock.ts';
export { INITIAL_EVENTS_END_ANNOTATION, type BookmarkKind } from './watch-events.ts';
