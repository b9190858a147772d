// WatchHub: etcd v3 watch semantics without a transport. The store calls
// publish() after each applied revision; the Watch service calls create()
// per WatchCreateRequest and relays each Watcher's responses on its stream.
// Everything is synchronous except waiting for the next response, so a
// publish and a catch-up step never interleave halfway.

import type { Event, HistoryQuery, HistoryResult, Revision } from '@logbook/mvcc';
import type { HistorySource, WatchCreateRequest, WatchHubOptions } from './types.ts';
import { WatchError, assert } from './errors.ts';
import { Watcher, type WatcherHost } from './watcher.ts';

export const WATCH_DEFAULTS = {
  progressIntervalMs: 10 * 60 * 1000,
  maxQueuedResponses: 128,
  maxQueuedBytes: 4 * 1024 * 1024,
  maxResponseBytes: 1.5 * 1024 * 1024,
  catchUpChunkEvents: 1000,
  maxWatchers: 100_000,
} as const;

const positive = (n: number, name: string): number => {
  assert(Number.isSafeInteger(n) && n > 0, () => `${name} must be a positive integer, got ${n}`);
  return n;
};

export class WatchHub {
  readonly #source: HistorySource;
  readonly #host: WatcherHost;
  readonly #maxWatchers: number;
  #currentRevision: Revision;
  /** streamId → watchId → watcher; iteration order is creation order. */
  readonly #streams = new Map<string, Map<number, Watcher>>();
  readonly #nextId = new Map<string, number>();
  #count = 0;
  #closed = false;
  readonly #tick: { cancel(): void } | undefined;

  constructor(source: HistorySource, options: WatchHubOptions = {}) {
    this.#source = source;
    this.#currentRevision = source.currentRevision;
    this.#maxWatchers = positive(options.maxWatchers ?? WATCH_DEFAULTS.maxWatchers, 'maxWatchers');
    const revision = (): Revision => this.#currentRevision;
    this.#host = {
      get currentRevision() { return revision(); },
      maxQueuedResponses: positive(options.maxQueuedResponses ?? WATCH_DEFAULTS.maxQueuedResponses, 'maxQueuedResponses'),
      maxQueuedBytes: positive(options.maxQueuedBytes ?? WATCH_DEFAULTS.maxQueuedBytes, 'maxQueuedBytes'),
      maxResponseBytes: positive(options.maxResponseBytes ?? WATCH_DEFAULTS.maxResponseBytes, 'maxResponseBytes'),
      catchUpChunkEvents: positive(options.catchUpChunkEvents ?? WATCH_DEFAULTS.catchUpChunkEvents, 'catchUpChunkEvents'),
      readHistory: (q: HistoryQuery): HistoryResult => this.#source.eventsSince(q),
      remove: (w: Watcher): void => this.#remove(w),
    };
    const interval = positive(options.progressIntervalMs ?? WATCH_DEFAULTS.progressIntervalMs, 'progressIntervalMs');
    this.#tick = options.ticker?.every(interval, () => this.sendProgressNotifications());
  }

  /** The last revision published (or the store's revision when the hub was built). */
  get currentRevision(): Revision {
    return this.#currentRevision;
  }

  get watcherCount(): number {
    return this.#count;
  }

  /**
   * The events of one applied revision, in the order apply produced them.
   * Revisions must increase; a revision without events may be skipped.
   */
  publish(events: readonly Event[], revision: Revision): void {
    assert(!this.#closed, 'publish after close');
    assert(Number.isSafeInteger(revision) && revision > this.#currentRevision, () => `published revision ${revision} is not after ${this.#currentRevision}`);
    for (const e of events) assert(e.kv.modRevision === revision, () => `event at ${e.kv.modRevision} published as revision ${revision}`);
    this.#currentRevision = revision;
    for (const stream of this.#streams.values()) {
      for (const w of stream.values()) w.offer(events, revision);
    }
  }

  /**
   * The store installed a snapshot: its revision is now `revision` (never
   * lower than before — Raft only sends a snapshot ahead of the member) and
   * every watcher catches up from history, or is cancelled with
   * compact_revision if the snapshot's history no longer reaches back to it.
   */
  restored(revision: Revision): void {
    assert(!this.#closed, 'restored after close');
    assert(Number.isSafeInteger(revision) && revision >= this.#currentRevision, () => `restored revision ${revision} is before ${this.#currentRevision}`);
    this.#currentRevision = revision;
    for (const stream of this.#streams.values()) {
      for (const w of stream.values()) w.resync();
    }
  }

  /** Throws WatchError: duplicateWatchId, tooManyWatchers, hubClosed, emptyKey. */
  create(req: WatchCreateRequest): Watcher {
    if (this.#closed) throw new WatchError('hubClosed');
    if (req.key.length === 0) throw new WatchError('emptyKey');
    if (this.#count >= this.#maxWatchers) throw new WatchError('tooManyWatchers');
    assert(req.startRevision === undefined || (Number.isSafeInteger(req.startRevision) && req.startRevision >= 0), 'startRevision must be a non-negative integer');
    const streamId = req.streamId ?? '';
    let stream = this.#streams.get(streamId);
    if (stream === undefined) {
      stream = new Map();
      this.#streams.set(streamId, stream);
    }
    let id = req.watchId ?? -1;
    if (id === -1) {
      id = this.#nextId.get(streamId) ?? 0;
      while (stream.has(id)) id++;
      this.#nextId.set(streamId, id + 1);
    } else {
      assert(Number.isSafeInteger(id) && id >= 0, 'watchId must be a non-negative integer or -1');
      if (stream.has(id)) throw new WatchError('duplicateWatchId');
    }
    const w = new Watcher(this.#host, id, streamId, req);
    stream.set(id, w);
    this.#count++;
    return w;
  }

  /**
   * etcd's WatchProgressRequest: for a stream, every watcher on it gets a
   * progress response once it is synced and has delivered its queue; for
   * one watcher, just that one.
   */
  requestProgress(target: string | Watcher): void {
    if (typeof target !== 'string') {
      target.requestProgress();
      return;
    }
    for (const w of this.#streams.get(target)?.values() ?? []) w.requestProgress();
  }

  /** The periodic tick (driven by the injected ticker, or by hand). */
  sendProgressNotifications(): void {
    for (const stream of this.#streams.values()) {
      for (const w of stream.values()) {
        // Only watchers that delivered no events during the last period, as etcd.
        if (w.progressNotify && !w.eventsSinceTick) w.requestProgress();
        w.eventsSinceTick = false;
      }
    }
  }

  /** The gRPC stream ended: cancel its watchers and forget its id counter. */
  closeStream(streamId: string): void {
    for (const w of [...(this.#streams.get(streamId)?.values() ?? [])]) w.cancel();
    this.#nextId.delete(streamId);
  }

  /** Cancel every watcher (reason hubClosed) and stop the ticker. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#tick?.cancel();
    for (const stream of [...this.#streams.values()]) {
      for (const w of [...stream.values()]) w.cancel(new WatchError('hubClosed').message);
    }
  }

  #remove(w: Watcher): void {
    const stream = this.#streams.get(w.streamId);
    if (stream?.get(w.id) !== w) return;
    stream.delete(w.id);
    this.#count--;
    if (stream.size === 0) this.#streams.delete(w.streamId);
  }
}
