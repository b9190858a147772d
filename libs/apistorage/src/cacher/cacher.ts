// The watch cache for one resource: a Storage that decorates another. It
// lists the resource's prefix once, then follows the underlying watch, keeping
// the current objects and a bounded ring of recent changes. Watches and most
// reads are served from memory; writes, exact-revision reads and pages go to
// the underlying storage. Semantics follow kube-apiserver's cacher
// (k8s.io/apiserver/pkg/storage/cacher).
//
// Ordering: every change is applied, recorded and dispatched to watchers in
// one synchronous step, and a new watcher takes its initial events and
// registers in one synchronous step, so no watcher can miss or repeat a change.

import type { GetOptions, KubeObject, ListOptions, ListResult, Preconditions, RequestContext, Storage, TryUpdate, UpdateOptions, ValidateDeletion, Watch, WatchEvent, WatchOptions } from '../interface.ts';
import { StorageError } from '../errors.ts';
import type { CacherClock, Cancelable, Logger } from './clock.ts';
import { CacherError } from './errors.ts';
import { EventRing } from './event-ring.ts';
import { FreshnessWaiters } from './freshness.ts';
import { WatchChannel } from './watch-channel.ts';
import { bookmarkEvent, errorWatch, filterChange, tooLargeError, tooOldError, type BookmarkKind, type ChangeEvent } from './watch-events.ts';

/**
 * Where the cache's changes come from instead of a watch on the underlying
 * storage (the apiserver's NATS feed): changes under `prefix` after
 * `fromRevision`, in revision order, with bookmarks for progress. `lookup`
 * is the cache's current object at a key, for deletions whose last state
 * the source does not carry. Ending with resourceVersionTooOld makes the
 * cache relist.
 */
export interface WatchFeed {
  watch(prefix: string, fromRevision: number, lookup: (key: string) => KubeObject | undefined, signal: AbortSignal): Watch;
}

/** Optional capability of the underlying storage (etcd's WatchProgressRequest): without it consistent reads bypass the cache. */
export interface WatchProgressRequester {
  requestWatchProgress(signal?: AbortSignal): Promise<void>;
}

export interface CacherOptions {
  readonly underlying: Storage;
  /** The resource's key prefix, ending in "/": "/registry/pods/". */
  readonly prefix: string;
  readonly clock: CacherClock;
  readonly logger: Logger;
  /** Recent changes kept for watches that resume from a resourceVersion (--default-watch-cache-size: 100). */
  readonly eventCapacity?: number;
  /** Events one watcher may have unread before it is closed as too slow. */
  readonly watcherBufferEvents?: number;
  /** Period of BOOKMARK events to watchers that asked for them (kube: about a minute). */
  readonly bookmarkIntervalMs?: number;
  /** How long a request waits for the cache to reach a revision (kube: 3 s). */
  readonly freshnessTimeoutMs?: number;
  /** Pause before re-watching or re-listing after the underlying watch fails. */
  readonly retryIntervalMs?: number;
  /** apiVersion/kind put on bookmark objects. */
  readonly bookmarkKind?: BookmarkKind;
  /** The storage key of an object; default kube's layout: prefix + [namespace/] + name. */
  readonly keyOf?: (obj: KubeObject) => string;
  /** Follow this instead of a watch on `underlying` (reads and writes still go to `underlying`). */
  readonly feed?: WatchFeed;
}

interface CacheWatcher {
  readonly channel: WatchChannel;
  readonly matches: (key: string) => boolean;
  readonly opts: WatchOptions;
}

/** While requests wait for the cache to catch up, progress is requested this often. */
const PROGRESS_RETRY_MS = 100;

export class Cacher implements Storage {
  readonly #o: Required<Omit<CacherOptions, 'keyOf' | 'feed'>>;
  readonly #feed: WatchFeed | undefined;
  readonly #keyOf: (obj: KubeObject) => string;
  readonly #progress: WatchProgressRequester | undefined;
  readonly #objects = new Map<string, KubeObject>();
  readonly #watchers = new Set<CacheWatcher>();
  readonly #waiters: FreshnessWaiters;
  #progressTimer: Cancelable | undefined;
  readonly #abort = new AbortController();
  readonly #done: Promise<void>;
  #ring: EventRing;
  #revision = 0;
  #ready = false;
  #closed = false;
  #upstream: Watch | undefined;
  #bookmarkTimer: Cancelable | undefined;
  #sleep: { timer: Cancelable; wake: () => void } | undefined;

  constructor(opts: CacherOptions) {
    if (!opts.prefix.endsWith('/')) throw new RangeError(`cacher prefix must end with "/": ${opts.prefix}`);
    this.#o = {
      underlying: opts.underlying,
      prefix: opts.prefix,
      clock: opts.clock,
      logger: opts.logger,
      eventCapacity: opts.eventCapacity ?? 100,
      watcherBufferEvents: opts.watcherBufferEvents ?? 100,
      bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 60_000,
      freshnessTimeoutMs: opts.freshnessTimeoutMs ?? 3_000,
      retryIntervalMs: opts.retryIntervalMs ?? 1_000,
      bookmarkKind: opts.bookmarkKind ?? {},
    };
    this.#feed = opts.feed;
    const prefix = opts.prefix;
    this.#keyOf = opts.keyOf ?? ((obj) => `${prefix}${obj.metadata.namespace !== undefined && obj.metadata.namespace !== '' ? `${obj.metadata.namespace}/` : ''}${obj.metadata.name ?? ''}`);
    const u = opts.underlying as Partial<WatchProgressRequester>;
    this.#progress = typeof u.requestWatchProgress === 'function' ? (u as WatchProgressRequester) : undefined;
    this.#ring = new EventRing(this.#o.eventCapacity, 0);
    this.#waiters = new FreshnessWaiters(opts.clock);
    this.#armBookmarks();
    // An assertion failure inside the loop rejects this promise unhandled and crashes the process, on purpose.
    this.#done = this.#run();
  }

  /** True once the first list has loaded and while the cache follows the underlying watch. */
  get ready(): boolean {
    return this.#ready;
  }

  /** The revision the cache has reached. */
  get revision(): number {
    return this.#revision;
  }

  get watcherCount(): number {
    return this.#watchers.size;
  }

  /** Resolves once the cache is ready (false if it is not within the freshness timeout). */
  waitUntilReady(signal?: AbortSignal): Promise<boolean> {
    return this.#waitFor(0, signal);
  }

  create(...args: Parameters<Storage['create']>): Promise<KubeObject> {
    return this.#o.underlying.create(...args);
  }

  delete(
    key: string,
    opts?: { readonly preconditions?: Preconditions; readonly validateDeletion?: ValidateDeletion; readonly ctx?: RequestContext; readonly signal?: AbortSignal },
  ): Promise<KubeObject> {
    return this.#o.underlying.delete(key, opts);
  }

  guaranteedUpdate(key: string, tryUpdate: TryUpdate, opts?: UpdateOptions): Promise<KubeObject> {
    return this.#o.underlying.guaranteedUpdate(key, tryUpdate, opts);
  }

  currentRevision(signal?: AbortSignal): Promise<number> {
    return this.#o.underlying.currentRevision(signal);
  }

  async get(key: string, opts: GetOptions = {}): Promise<KubeObject | undefined> {
    const rv = parseRevision(opts.resourceVersion);
    if (!this.#covers(key) || rv === 'invalid' || !this.#ready) return this.#o.underlying.get(key, opts);
    if (rv === undefined) {
      if (!(await this.#consistentlyFresh(opts.signal))) return this.#o.underlying.get(key, opts);
    } else if (rv > this.#revision && !(await this.#waitFor(rv, opts.signal))) {
      throw tooLargeError(key, rv, this.#revision);
    }
    const obj = this.#objects.get(key);
    if (obj !== undefined || opts.ignoreNotFound === true) return obj;
    throw new StorageError('keyNotFound', key, `key not found: ${key}`);
  }

  async getList(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    const rv = parseRevision(opts.resourceVersion);
    // The cache has no pages of its own: continue tokens, exact revisions and
    // limited lists (other than kube's "limit with resourceVersion=0 is served
    // whole from the cache" rule) go to the store.
    const delegate =
      !this.#covers(prefix) ||
      rv === 'invalid' ||
      !this.#ready ||
      (opts.continue !== undefined && opts.continue !== '') ||
      opts.resourceVersionMatch === 'Exact' ||
      ((opts.limit ?? 0) > 0 && rv !== 0);
    if (delegate) return this.#o.underlying.getList(prefix, opts);
    if (rv === undefined) {
      if (!(await this.#consistentlyFresh(opts.signal))) return this.#o.underlying.getList(prefix, opts);
    } else if (rv > this.#revision && !(await this.#waitFor(rv, opts.signal))) {
      throw tooLargeError(prefix, rv, this.#revision);
    }
    // As the etcd implementation: a list prefix always ends at a "/" (ns must not match ns-other/).
    const dir = prefix.endsWith('/') ? prefix : `${prefix}/`;
    const items = this.#snapshot((k) => k.startsWith(dir), opts.predicate);
    const meta = { resourceVersion: String(this.#revision), continue: '' };
    return { items: iterate(items), meta: () => meta };
  }

  async watch(key: string, opts: WatchOptions & { readonly recursive?: boolean } = {}): Promise<Watch> {
    const rv = parseRevision(opts.resourceVersion);
    if (!this.#covers(key) || rv === 'invalid') return this.#o.underlying.watch(key, opts);
    if (!this.#ready && !(await this.#waitFor(0, opts.signal))) {
      throw new StorageError('unreachable', key, `watch cache for ${this.#o.prefix} is (re)initializing`);
    }
    const dir = key.endsWith('/') ? key : `${key}/`;
    const matches = opts.recursive === true ? (k: string) => k.startsWith(dir) : (k: string) => k === key;
    let target = rv ?? 0;
    if (opts.sendInitialEvents === true && rv === undefined) {
      // A watch-list with no resourceVersion is a consistent read: its initial state must include every committed write.
      target = await this.#o.underlying.currentRevision(opts.signal);
    }
    if (target > this.#revision && !(await this.#waitFor(target, opts.signal))) return errorWatch(tooLargeError(key, target, this.#revision));
    // From here to registration nothing awaits: the initial events and the live stream meet exactly at this.#revision.
    let initial: WatchEvent[] = [];
    if (opts.sendInitialEvents === true) {
      initial = this.#snapshot(matches, opts.predicate).map((object) => ({ type: 'ADDED', object }));
      initial.push(bookmarkEvent(this.#o.bookmarkKind, this.#revision, true));
    } else if (rv === 0) {
      if (opts.sendInitialEvents !== false) initial = this.#snapshot(matches, opts.predicate).map((object) => ({ type: 'ADDED', object }));
    } else if (rv !== undefined) {
      if (rv < this.#ring.coveredFrom) return errorWatch(tooOldError(key, rv, this.#ring.coveredFrom));
      for (const change of this.#ring.since(rv)) {
        const ev = matches(change.key) ? filterChange(change, opts.predicate) : undefined;
        if (ev !== undefined) initial.push(ev);
      }
    }
    const w: CacheWatcher = {
      channel: new WatchChannel({ capacity: this.#o.watcherBufferEvents, initial, signal: opts.signal, onEnd: () => this.#watchers.delete(w) }),
      matches,
      opts,
    };
    if (this.#closed) w.channel.end();
    else if (!w.channel.ended) this.#watchers.add(w);
    return w.channel;
  }

  /** Stops following the underlying storage and ends every watch cleanly. The underlying storage stays open (it is shared). */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#ready = false;
      this.#abort.abort();
      this.#upstream?.close();
      this.#bookmarkTimer?.cancel();
      this.#progressTimer?.cancel();
      this.#sleep?.wake();
      this.#waiters.closeAll();
      for (const w of [...this.#watchers]) w.channel.end();
    }
    await this.#done;
  }

  // --- following the underlying storage ---

  async #run(): Promise<void> {
    let needList = true;
    while (!this.#closed) {
      try {
        if (needList) {
          await this.#relist();
          needList = false;
        }
        const err = await this.#follow();
        if (err instanceof StorageError && err.code === 'resourceVersionTooOld') {
          // The store compacted past the cache: what happened in between is unknown, so start over from a list.
          this.#o.logger.warn('watch cache fell behind the store; re-listing', { resource: this.#o.prefix, revision: this.#revision });
          this.#ready = false;
          needList = true;
          continue;
        }
        if (err !== undefined && !this.#closed) this.#o.logger.warn('underlying watch ended; resuming', { resource: this.#o.prefix, revision: this.#revision, error: err.message });
      } catch (err) {
        if (isAssertion(err)) throw err;
        if (this.#closed) break;
        this.#o.logger.warn(needList ? 'watch cache list failed' : 'underlying watch failed', { resource: this.#o.prefix, revision: this.#revision, error: String(err) });
      }
      if (!this.#closed) await this.#pause(this.#o.retryIntervalMs);
    }
  }

  async #relist(): Promise<void> {
    const list = await this.#o.underlying.getList(this.#o.prefix, { signal: this.#abort.signal });
    const items: KubeObject[] = [];
    for await (const obj of list.items) items.push(obj);
    const revision = Number(list.meta().resourceVersion);
    assert(Number.isSafeInteger(revision) && revision >= this.#revision, `list revision ${list.meta().resourceVersion} must not go back from ${this.#revision}`);
    // Watchers positioned before the new list revision may have missed changes in the gap: end them, and they resume (or get 410).
    if (revision > this.#revision) for (const w of [...this.#watchers]) w.channel.end();
    this.#objects.clear();
    for (const obj of items) this.#objects.set(this.#keyOf(obj), freeze(obj));
    this.#ring = new EventRing(this.#o.eventCapacity, revision);
    this.#revision = revision;
    this.#ready = true;
    this.#o.logger.info('watch cache listed', { resource: this.#o.prefix, revision, count: items.length });
    this.#waiters.notify(revision);
  }

  /** Follows the underlying watch from the cache's revision until it ends; returns why it ended. */
  async #follow(): Promise<Error | undefined> {
    const upstream = this.#feed !== undefined
      ? this.#feed.watch(this.#o.prefix, this.#revision, (key) => this.#objects.get(key), this.#abort.signal)
      : await this.#o.underlying.watch(this.#o.prefix, {
        resourceVersion: String(this.#revision),
        recursive: true,
        bookmarks: true,
        signal: this.#abort.signal,
      });
    this.#upstream = upstream;
    for await (const ev of upstream) {
      if (this.#closed) break;
      if (ev.type === 'BOOKMARK') this.#advance(revisionOf(ev.object));
      else if (ev.type !== 'ERROR') this.#apply(ev);
    }
    return upstream.closed;
  }

  #apply(ev: WatchEvent): void {
    const revision = revisionOf(ev.object);
    assert(revision > this.#revision, `event at revision ${revision} arrived after revision ${this.#revision}`);
    const key = this.#keyOf(ev.object);
    const object = freeze(ev.object);
    const prevObject = this.#objects.get(key);
    let change: ChangeEvent;
    if (ev.type === 'DELETED') {
      this.#objects.delete(key);
      change = { type: 'DELETED', key, object, prevObject, revision };
    } else {
      this.#objects.set(key, object);
      change = { type: prevObject === undefined ? 'ADDED' : 'MODIFIED', key, object, prevObject, revision };
    }
    this.#ring.push(change);
    this.#revision = revision;
    for (const w of [...this.#watchers]) {
      if (!w.matches(key)) continue;
      const out = filterChange(change, w.opts.predicate);
      if (out !== undefined && !w.channel.offer(out)) {
        this.#o.logger.warn('closing a watcher that fell behind', { resource: this.#o.prefix, revision });
        w.channel.end(new CacherError('watcherTooSlow', `watcher of ${this.#o.prefix} fell more than ${this.#o.watcherBufferEvents} events behind; resume from the last resourceVersion`));
      }
    }
    this.#waiters.notify(revision);
  }

  /** A progress notification: nothing under the prefix changed up to revision. */
  #advance(revision: number): void {
    if (revision <= this.#revision) return;
    this.#revision = revision;
    this.#waiters.notify(revision);
  }

  #pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        this.#sleep?.timer.cancel();
        this.#sleep = undefined;
        resolve();
      };
      this.#sleep = { timer: this.#o.clock.setTimeout(wake, ms), wake };
    });
  }

  #armBookmarks(): void {
    this.#bookmarkTimer = this.#o.clock.setTimeout(() => {
      if (this.#closed) return;
      if (this.#ready) {
        const ev = bookmarkEvent(this.#o.bookmarkKind, this.#revision);
        // A bookmark is only a hint: a full buffer skips it rather than closing the watcher.
        for (const w of this.#watchers) if (w.opts.bookmarks === true) w.channel.offer(ev);
      }
      this.#armBookmarks();
    }, this.#o.bookmarkIntervalMs);
  }

  // --- serving ---

  #covers(key: string): boolean {
    if (this.#closed) throw new StorageError('unreachable', key, `watch cache for ${this.#o.prefix} is closed`);
    return key.startsWith(this.#o.prefix);
  }

  /** For a consistent read: has the cache caught up with the store's current revision (asking the store for progress)? */
  async #consistentlyFresh(signal: AbortSignal | undefined): Promise<boolean> {
    if (this.#progress === undefined) return false;
    const target = await this.#o.underlying.currentRevision(signal);
    return this.#waitFor(target, signal);
  }

  #waitFor(target: number, signal: AbortSignal | undefined): Promise<boolean> {
    if (this.#ready && this.#revision >= target) return Promise.resolve(true);
    if (this.#closed) return Promise.resolve(false);
    const waited = this.#waiters.wait(target, this.#o.freshnessTimeoutMs, signal);
    this.#askProgress();
    return waited;
  }

  /**
   * Asks the store for progress, and again every PROGRESS_RETRY_MS while
   * anyone waits (kube's conditional progress requester): the member serving
   * the watch may answer with a revision just behind the one a read learned
   * from another member, and nothing else would move an idle cache forward.
   */
  #askProgress(): void {
    if (this.#progressTimer !== undefined || !this.#ready || this.#progress === undefined || this.#closed) return;
    this.#progress.requestWatchProgress().catch((err: unknown) => this.#o.logger.warn('watch progress request failed', { resource: this.#o.prefix, error: String(err) }));
    this.#progressTimer = this.#o.clock.setTimeout(() => {
      this.#progressTimer = undefined;
      if (this.#waiters.size > 0) this.#askProgress();
    }, PROGRESS_RETRY_MS);
  }

  #snapshot(matches: (key: string) => boolean, predicate: ListOptions['predicate']): KubeObject[] {
    const out: KubeObject[] = [];
    for (const key of [...this.#objects.keys()].filter(matches).sort()) {
      const obj = this.#objects.get(key);
      if (obj !== undefined && (predicate === undefined || predicate(obj))) out.push(obj);
    }
    return out;
  }
}

class CacherAssertionError extends Error {
  override readonly name = 'CacherAssertionError';
}

function assert(cond: boolean, msg: string): asserts cond {
  if (!cond) throw new CacherAssertionError(`assertion failed: ${msg}`);
}

function isAssertion(err: unknown): boolean {
  return err instanceof CacherAssertionError || (err instanceof Error && err.message.startsWith('assertion failed:'));
}

function revisionOf(obj: KubeObject): number {
  const n = Number(obj.metadata.resourceVersion);
  assert(Number.isSafeInteger(n) && n > 0, `object from the store has resourceVersion ${JSON.stringify(obj.metadata.resourceVersion)}`);
  return n;
}

/** "" or absent: undefined (a consistent read / "from now"); not a decimal revision: 'invalid' (left to the store to reject). */
function parseRevision(rv: string | undefined): number | 'invalid' | undefined {
  if (rv === undefined || rv === '') return undefined;
  if (!/^[0-9]+$/.test(rv)) return 'invalid';
  const n = Number(rv);
  return Number.isSafeInteger(n) ? n : 'invalid';
}

function freeze(obj: KubeObject): KubeObject {
  const walk = (v: unknown): void => {
    if (typeof v !== 'object' || v === null || Object.isFrozen(v)) return;
    Object.freeze(v);
    for (const child of Object.values(v)) walk(child);
  };
  walk(obj);
  return obj;
}

async function* iterate(items: readonly KubeObject[]): AsyncIterable<KubeObject> {
  await Promise.resolve();
  yield* items;
}
