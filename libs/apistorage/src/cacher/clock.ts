// What the cacher takes from its host: a timer source and a logger. Both are
// injected so tests drive bookmarks and freshness timeouts with a fake clock,
// and so nothing in this package owns a default logger.

export interface Cancelable {
  cancel(): void;
}

/** One-shot timers; the only time source the cacher uses. */
export interface CacherClock {
  setTimeout(fn: () => void, ms: number): Cancelable;
}

// The one Logger shape every Logbook library takes (raft's, which depends on nothing).
export { discardLogger, type Logger, type LogFields } from '@logbook/raft';

/** The host's real timers, for services; tests pass a fake. */
export const realClock: CacherClock = {
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    // A pending bookmark or freshness timer must not keep the process alive.
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
};
