// An in-memory Storage with etcd's revision rules, for testing code above
// storage (the watch cache, the registry) without a store. One global
// revision; each key keeps createRevision and modRevision; every change is
// kept in a history so reads at an old revision and watches from an old
// resourceVersion work until compact(rev) drops what is older.
//
// Bounds: the history holds at most maxHistoryEvents changes; beyond that the
// oldest are compacted away, exactly as compact() would (watches and exact
// reads from before then get 410). Each watch buffers at most
// watchBufferEvents live events; a watcher that falls further behind is ended
// with CacherError watcherTooSlow. A periodic BOOKMARK (etcd's progress
// notify) that finds a watch's buffer full is skipped: the next one carries a
// newer revision anyway.
//
// It passes the same contract (src/testing/contract*.ts) as Etcd3Storage, so
// resourceVersion parsing, continue tokens and their errors are shared with it.

import type { CompanionWrite, GetOptions, KubeObject, ListOptions, ListResult, Preconditions, RequestContext, Storage, TryUpdate, UpdateOptions, ValidateDeletion, Watch, WatchEvent, WatchOptions } from './interface.ts';
import { StorageError } from './errors.ts';
import { decodeContinue, encodeContinue } from './continue-token.ts';
import { parseResourceVersion, tooLargeResourceVersion } from './resource-version.ts';
import { WatchChannel } from './cacher/watch-channel.ts';
import { CacherError } from './cacher/errors.ts';
import { realClock, type CacherClock, type Cancelable } from './cacher/clock.ts';
import { bookmarkEvent, errorWatch, filterChange, withResourceVersion, type ChangeEvent } from './cacher/watch-events.ts';

export interface MemoryStorageOptions {
  readonly maxHistoryEvents?: number;
  readonly watchBufferEvents?: number;
  /**
   * etcd's progress notify: every this often, each watch that asked for
   * bookmarks and was sent no event since the last tick gets a BOOKMARK at
   * the current revision. 0 turns it off (requestWatchProgress still works).
   * Default 600000, etcd's own (--experimental-watch-progress-notify-interval):
   * a shorter one would add bookmarks to the streams of every test above this
   * store; a test of bookmarks sets it low.
   */
  readonly progressNotifyIntervalMs?: number;
  /** Timer source for progress notify. Default: real timers, unref'd. */
  readonly clock?: CacherClock;
}

interface Entry {
  /** Frozen, without metadata.resourceVersion (it is never stored). */
  readonly value: KubeObject;
  readonly modRevision: number;
}

interface Change {
  readonly revision: number;
  readonly key: string;
  readonly next: Entry | undefined;
  readonly prev: Entry | undefined;
}

interface MemoryWatcher {
  readonly channel: WatchChannel;
  readonly matches: (key: string) => boolean;
  readonly opts: WatchOptions;
  /** Events at or below this revision are not this watch's (it started there, possibly in the future). */
  readonly from: number;
  /** An event was offered since the last progress tick: the watch is not idle. */
  busy: boolean;
}

const MAX_UPDATE_ATTEMPTS = 1000;

export class MemoryStorage implements Storage {
  #revision = 1; // a fresh etcd answers revision 1
  #compactRevision = 0;
  #closed = false;
  readonly #data = new Map<string, Entry>();
  #history: Change[] = [];
  readonly #watchers = new Set<MemoryWatcher>();
  readonly #maxHistoryEvents: number;
  readonly #watchBufferEvents: number;
  readonly #progressNotifyIntervalMs: number;
  readonly #clock: CacherClock;
  #progressTimer: Cancelable | undefined;

  constructor(opts: MemoryStorageOptions = {}) {
    this.#maxHistoryEvents = opts.maxHistoryEvents ?? 10_000;
    this.#watchBufferEvents = opts.watchBufferEvents ?? 100;
    this.#progressNotifyIntervalMs = opts.progressNotifyIntervalMs ?? 600_000;
    this.#clock = opts.clock ?? realClock;
    if (!(this.#maxHistoryEvents >= 1 && this.#watchBufferEvents >= 1)) throw new RangeError('maxHistoryEvents and watchBufferEvents must be at least 1');
    if (!(Number.isFinite(this.#progressNotifyIntervalMs) && this.#progressNotifyIntervalMs >= 0)) throw new RangeError(`progressNotifyIntervalMs must be a non-negative number, got ${this.#progressNotifyIntervalMs}`);
  }

  get revision(): number {
    return this.#revision;
  }

  get compactRevision(): number {
    return this.#compactRevision;
  }

  // Each method runs in settle() so that every failure is a rejection, never a
  // synchronous throw, as the interface promises (and as Etcd3Storage does).
  create(key: string, obj: KubeObject, _ctx?: RequestContext, signal?: AbortSignal, companions: readonly CompanionWrite[] = []): Promise<KubeObject> {
    return settle(() => this.#create(key, obj, signal, companions));
  }

  get(key: string, opts: GetOptions = {}): Promise<KubeObject | undefined> {
    return settle(() => this.#get(key, opts));
  }

  getList(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    return settle(() => this.#getList(prefix, opts));
  }

  #create(key: string, obj: KubeObject, signal: AbortSignal | undefined, companions: readonly CompanionWrite[]): KubeObject {
    this.#check(key, signal);
    if (obj.metadata.resourceVersion !== undefined && obj.metadata.resourceVersion !== '') {
      throw new StorageError('invalidObject', key, 'resourceVersion should not be set on objects to be created');
    }
    if (this.#data.has(key)) throw new StorageError('keyExists', key, `key exists: ${key}`);
    this.#checkCompanions(companions);
    const value = stored(obj);
    return withResourceVersion(value, this.#write(key, value, companions));
  }

  /** Every companion's key is still at the revision it names (etcd's MOD compare), or nothing is written. */
  #checkCompanions(companions: readonly CompanionWrite[]): void {
    for (const c of companions) {
      const at = this.#data.get(c.key)?.modRevision ?? 0;
      if (String(at) !== c.object.metadata.resourceVersion) {
        throw new StorageError('companionConflict', c.key, `a write that must commit with this one changed meanwhile (${c.key})`);
      }
    }
  }


  #get(key: string, opts: GetOptions): KubeObject | undefined {
    this.#check(key, opts.signal);
    const min = parseResourceVersion(opts.resourceVersion, key);
    if (min > this.#revision) throw tooLargeResourceVersion(key, min, this.#revision);
    const entry = this.#data.get(key);
    if (entry === undefined) {
      if (opts.ignoreNotFound === true) return undefined;
      throw notFound(key);
    }
    return present(entry);
  }

  #getList(listPrefix: string, opts: ListOptions): ListResult {
    this.#check(listPrefix, opts.signal);
    const prefix = asPrefix(listPrefix);
    const { revision, startKey } = this.#listPosition(prefix, opts);
    const state = this.#stateAt(revision);
    const keys = [...state.keys()].filter((k) => k.startsWith(prefix) && k >= startKey).sort();
    const limit = opts.limit ?? 0;
    const items: KubeObject[] = [];
    let next = keys.length;
    for (let i = 0; i < keys.length; i++) {
      if (limit > 0 && items.length >= limit) {
        next = i;
        break;
      }
      const entry = state.get(keys[i] ?? '');
      if (entry === undefined) continue;
      const obj = present(entry);
      if (opts.predicate === undefined || opts.predicate(obj)) items.push(obj);
    }
    const more = next < keys.length;
    const lastKey = keys[next - 1] ?? prefix;
    const meta = {
      resourceVersion: String(revision),
      // The next page starts just past the last key this one looked at (kube's rule).
      continue: more ? encodeContinue(`${lastKey}\u0000`, prefix, revision) : '',
      ...(more && opts.predicate === undefined ? { remainingItemCount: keys.length - next } : {}),
    };
    return { items: iterate(items), meta: () => meta };
  }

  async delete(
    key: string,
    opts: { readonly preconditions?: Preconditions; readonly validateDeletion?: ValidateDeletion; readonly ctx?: RequestContext; readonly signal?: AbortSignal } = {},
  ): Promise<KubeObject> {
    for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
      this.#check(key, opts.signal);
      const cur = this.#data.get(key);
      if (cur === undefined) throw notFound(key);
      checkPreconditions(key, cur, opts.preconditions);
      if (opts.validateDeletion !== undefined) await opts.validateDeletion(present(cur));
      if (this.#data.get(key) !== cur) continue; // changed while validating: decide again on the new state
      this.#write(key, undefined);
      return withResourceVersion(cur.value, this.#revision);
    }
    throw new StorageError('resourceVersionConflict', key, `delete of ${key} lost ${MAX_UPDATE_ATTEMPTS} races in a row`);
  }

  async guaranteedUpdate(
    key: string,
    tryUpdate: TryUpdate,
    opts: UpdateOptions = {},
  ): Promise<KubeObject> {
    for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
      this.#check(key, opts.signal);
      const cur = this.#data.get(key);
      if (cur === undefined && opts.ignoreNotFound !== true) throw notFound(key);
      if (cur !== undefined) checkPreconditions(key, cur, opts.preconditions);
      const next = stored(await tryUpdate(cur === undefined ? undefined : present(cur)));
      if (this.#data.get(key) !== cur) continue; // a concurrent write won: run tryUpdate on the new state
      const companions = opts.companions?.() ?? [];
      // etcd3's rule: an update that changes nothing writes nothing (no new revision, no event).
      if (cur !== undefined && companions.length === 0 && JSON.stringify(cur.value) === JSON.stringify(next)) return present(cur);
      this.#checkCompanions(companions);
      return withResourceVersion(next, this.#write(key, next, companions));
    }
    throw new StorageError('resourceVersionConflict', key, `update of ${key} lost ${MAX_UPDATE_ATTEMPTS} races in a row`);
  }

  watch(key: string, opts: WatchOptions & { readonly recursive?: boolean } = {}): Promise<Watch> {
    return settle(() => this.#watch(key, opts));
  }

  #watch(watchKey: string, opts: WatchOptions & { readonly recursive?: boolean }): Watch {
    this.#check(watchKey, opts.signal);
    const recursive = opts.recursive === true;
    const key = recursive ? asPrefix(watchKey) : watchKey;
    const rv = parseResourceVersion(opts.resourceVersion, key);
    // "" and "0" both mean "from now", as for etcd.
    let from = rv > 0 ? rv : this.#revision;
    const matches = recursive ? (k: string) => k.startsWith(key) : (k: string) => k === key;
    const initial: WatchEvent[] = [];
    if (opts.sendInitialEvents === true) {
      // The initial state is read "not older than" rv: never from the future, and compaction does not matter.
      if (rv > this.#revision) throw tooLargeResourceVersion(key, rv, this.#revision);
      from = this.#revision;
      for (const k of [...this.#data.keys()].filter(matches).sort()) {
        const entry = this.#data.get(k);
        if (entry === undefined) continue;
        const obj = present(entry);
        if (opts.predicate === undefined || opts.predicate(obj)) initial.push({ type: 'ADDED', object: obj });
      }
      initial.push(bookmarkEvent({}, this.#revision, true));
    } else {
      if (from < this.#compactRevision) return errorWatch(tooOldForWatch(key, from, this.#compactRevision));
      for (const change of this.#history) {
        if (change.revision <= from || !matches(change.key)) continue;
        const ev = filterChange(toChangeEvent(change), opts.predicate);
        if (ev !== undefined) initial.push(ev);
      }
    }
    const w: MemoryWatcher = {
      channel: new WatchChannel({ capacity: this.#watchBufferEvents, initial, signal: opts.signal, onEnd: () => this.#unregister(w) }),
      matches,
      opts,
      from,
      busy: false,
    };
    if (!w.channel.ended) {
      this.#watchers.add(w);
      if (opts.bookmarks === true) this.#armProgressNotify();
    }
    return w.channel;
  }

  currentRevision(signal?: AbortSignal): Promise<number> {
    return settle(() => {
      this.#check('', signal);
      return this.#revision;
    });
  }

  /**
   * etcd's progress request: every watch that asked for bookmarks gets a
   * BOOKMARK at the current revision, meaning "nothing you watch changed up
   * to here". The watch cache uses it to prove it is fresh for a consistent read.
   */
  requestWatchProgress(signal?: AbortSignal): Promise<void> {
    return settle(() => {
      this.#check('', signal);
      for (const w of this.#watchers) if (w.opts.bookmarks === true) w.channel.offer(bookmarkEvent({}, this.#revision));
    });
  }

  /** Drops history at and below rev (etcd keeps the state at rev readable). */
  compact(rev: number): void {
    if (!(Number.isSafeInteger(rev) && rev <= this.#revision)) throw new RangeError(`compact(${rev}): revision must be an integer not above the current revision ${this.#revision}`);
    if (rev <= this.#compactRevision) return;
    this.#compactRevision = rev;
    this.#history = this.#history.filter((c) => c.revision > rev);
  }

  /** Test hook: ends every open watch with err, as a store restart or a broken connection would. */
  failWatches(err: Error = new StorageError('unreachable', '', 'watch stream broken')): void {
    for (const w of [...this.#watchers]) w.channel.end(err);
  }

  get watcherCount(): number {
    return this.#watchers.size;
  }

  close(): Promise<void> {
    this.#closed = true;
    for (const w of [...this.#watchers]) w.channel.end();
    this.#progressTimer?.cancel();
    this.#progressTimer = undefined;
    return Promise.resolve();
  }

  #check(key: string, signal: AbortSignal | undefined): void {
    if (this.#closed) throw new StorageError('unreachable', key, 'storage is closed');
    if (signal?.aborted === true) throw new StorageError('aborted', key, 'request aborted', { cause: signal.reason });
  }

  #unregister(w: MemoryWatcher): void {
    this.#watchers.delete(w);
    if (this.#progressTimer !== undefined && ![...this.#watchers].some((o) => o.opts.bookmarks === true)) {
      this.#progressTimer.cancel();
      this.#progressTimer = undefined;
    }
  }

  /** One timer for the whole store, running while some watch wants bookmarks (etcd's interval is server-wide too). */
  #armProgressNotify(): void {
    if (this.#progressTimer !== undefined || this.#closed || this.#progressNotifyIntervalMs === 0) return;
    this.#progressTimer = this.#clock.setTimeout(() => {
      this.#progressTimer = undefined;
      let wanted = false;
      for (const w of this.#watchers) {
        if (w.opts.bookmarks !== true) continue;
        wanted = true;
        // etcd notifies only watches it sent nothing since the last tick; a full buffer skips this one.
        if (!w.busy) w.channel.offer(bookmarkEvent({}, this.#revision));
        w.busy = false;
      }
      if (wanted) this.#armProgressNotify();
    }, this.#progressNotifyIntervalMs);
  }

  /** Commits one change at the next revision and returns that revision. */
  #write(key: string, value: KubeObject | undefined, companions: readonly CompanionWrite[] = []): number {
    this.#revision += 1;
    this.#apply(key, value);
    // A transaction: its companions take the same revision, as in etcd.
    for (const c of companions) this.#apply(c.key, stored(c.object));
    return this.#revision;
  }

  #apply(key: string, value: KubeObject | undefined): void {
    const prev = this.#data.get(key);
    const next = value === undefined ? undefined : { value, modRevision: this.#revision };
    if (next === undefined) this.#data.delete(key);
    else this.#data.set(key, next);
    const change: Change = { revision: this.#revision, key, next, prev };
    this.#history.push(change);
    if (this.#history.length > this.#maxHistoryEvents) this.compact(this.#history[0]?.revision ?? 0);
    const ev = toChangeEvent(change);
    for (const w of [...this.#watchers]) {
      if (!w.matches(key) || this.#revision <= w.from) continue;
      const out = filterChange(ev, w.opts.predicate);
      if (out === undefined) continue;
      w.busy = true;
      if (!w.channel.offer(out)) w.channel.end(new CacherError('watcherTooSlow', `watcher of ${key} fell more than ${this.#watchBufferEvents} events behind`));
    }
  }

  /**
   * Where a list reads: its revision and first key, by kube's etcd3 rules.
   *   continue token     -> the token's revision (-1: the latest); resourceVersion must be "" or "0"
   *   Exact N            -> revision N
   *   NotOlderThan N     -> the latest (which is never older than N here, or N is too large)
   *   unset match, N > 0 -> revision N when paging (limit > 0), else the latest (kube's legacy rule)
   */
  #listPosition(prefix: string, opts: ListOptions): { revision: number; startKey: string } {
    const rv = parseResourceVersion(opts.resourceVersion, prefix);
    if (opts.continue !== undefined && opts.continue !== '') {
      if (rv !== 0) throw new StorageError('invalidContinue', prefix, 'specifying resource version is not allowed when using continue');
      const token = decodeContinue(opts.continue, prefix);
      const revision = token.revision > 0 ? token.revision : this.#revision;
      if (revision < this.#compactRevision) throw new StorageError('continueExpired', prefix, CONTINUE_EXPIRED, { revision: this.#compactRevision });
      if (revision > this.#revision) throw tooLargeResourceVersion(prefix, revision, this.#revision);
      return { revision, startKey: token.startKey };
    }
    let exact: boolean;
    switch (opts.resourceVersionMatch) {
      case 'Exact':
        exact = true;
        break;
      case 'NotOlderThan':
        exact = false;
        break;
      case undefined:
        exact = (opts.limit ?? 0) > 0;
        break;
      default:
        throw new StorageError('invalidResourceVersion', prefix, `unknown ResourceVersionMatch value: ${String(opts.resourceVersionMatch)}`);
    }
    if (rv > this.#revision) throw tooLargeResourceVersion(prefix, rv, this.#revision);
    if (!exact || rv === 0) return { revision: this.#revision, startKey: prefix };
    if (rv < this.#compactRevision) throw new StorageError('resourceVersionTooOld', prefix, 'The resourceVersion for the provided list is too old.', { revision: this.#compactRevision });
    return { revision: rv, startKey: prefix };
  }

  /** The keyspace as of revision (not older than the compaction): the current state with later changes undone. */
  #stateAt(revision: number): ReadonlyMap<string, Entry> {
    if (revision === this.#revision) return this.#data;
    const state = new Map(this.#data);
    for (let i = this.#history.length - 1; i >= 0; i--) {
      const c = this.#history[i];
      if (c === undefined || c.revision <= revision) break;
      if (c.prev === undefined) state.delete(c.key);
      else state.set(c.key, c.prev);
    }
    return state;
  }
}

function toChangeEvent(c: Change): ChangeEvent {
  if (c.next === undefined) {
    if (c.prev === undefined) throw new Error(`assertion failed: change at revision ${c.revision} neither writes nor deletes`);
    return { type: 'DELETED', key: c.key, object: withResourceVersion(c.prev.value, c.revision), prevObject: present(c.prev), revision: c.revision };
  }
  return { type: c.prev === undefined ? 'ADDED' : 'MODIFIED', key: c.key, object: present(c.next), prevObject: c.prev === undefined ? undefined : present(c.prev), revision: c.revision };
}

function present(entry: Entry): KubeObject {
  return withResourceVersion(entry.value, entry.modRevision);
}

/** The value as stored: a frozen deep copy without resourceVersion, so no caller can change what others read. */
function stored(obj: KubeObject): KubeObject {
  const copy = structuredClone(obj) as { metadata: Record<string, unknown> };
  if (typeof copy.metadata !== 'object' || copy.metadata === null) throw new StorageError('invalidObject', '', 'object has no metadata');
  delete copy.metadata['resourceVersion'];
  return deepFreeze(copy) as KubeObject;
}

function deepFreeze(v: unknown): unknown {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const child of Object.values(v)) deepFreeze(child);
  }
  return v;
}

function checkPreconditions(key: string, cur: Entry, p: Preconditions | undefined): void {
  if (p?.uid !== undefined && p.uid !== cur.value.metadata.uid) {
    throw new StorageError('preconditionFailed', key, `Precondition failed: UID in precondition: ${p.uid}, UID in object meta: ${cur.value.metadata.uid ?? ''}`);
  }
  if (p?.resourceVersion !== undefined && p.resourceVersion !== String(cur.modRevision)) {
    throw new StorageError('preconditionFailed', key, `Precondition failed: ResourceVersion in precondition: ${p.resourceVersion}, ResourceVersion in object meta: ${cur.modRevision}`);
  }
}

function notFound(key: string): StorageError {
  return new StorageError('keyNotFound', key, `key not found: ${key}`);
}

function tooOldForWatch(key: string, requested: number, compacted: number): StorageError {
  return new StorageError('resourceVersionTooOld', key, `too old resource version: ${requested} (${compacted})`, { revision: compacted });
}

/** fn's result, or its throw as a rejection (the Promise constructor catches it). */
function settle<T>(fn: () => T): Promise<T> {
  return new Promise<T>((resolve) => resolve(fn()));
}

async function* iterate(items: readonly KubeObject[]): AsyncIterable<KubeObject> {
  await Promise.resolve();
  yield* items;
}

const CONTINUE_EXPIRED =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.';

/** kube lists and watches recursively under "<prefix>/", so "/pods/ns" never matches "/pods/ns-other/x". */
function asPrefix(prefix: string): string {
  return prefix.endsWith('/') ? prefix : `${prefix}/`;
}
