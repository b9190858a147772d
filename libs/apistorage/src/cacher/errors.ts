// Why the watch cache ended a watch on its own (as opposed to the storage
// errors it passes through). The HTTP layer ends the stream cleanly for
// these: the client resumes from the last resourceVersion it saw.

export const CACHER_ERROR_CODES = [
  /** The watcher's buffer filled up: its consumer fell behind the cache. */
  'watcherTooSlow',
] as const;

export type CacherErrorCode = (typeof CACHER_ERROR_CODES)[number];

export class CacherError extends Error {
  override readonly name = 'CacherError';
  readonly code: CacherErrorCode;

  constructor(code: CacherErrorCode, message: string, opts: { readonly cause?: unknown } = {}) {
    super(message, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.code = code;
  }
}
