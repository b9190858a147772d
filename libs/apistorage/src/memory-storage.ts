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
// with CacherError watcherTooSlow.

import type { GetOptions, KubeObject, ListOptions, ListResult, Preconditions, RequestContext, Storage, TryUpdate, ValidateDeletion, Watch, WatchEvent, WatchOptions } from './interface.ts';
import { StorageError } from './errors.ts';
import { WatchChannel } from './cacher/watch-channel.ts';
import { CacherError } from './cacher/errors.ts';
import { bookmarkEvent, errorWatch, filterChange, tooLargeError, withResourceVersion, type ChangeEvent } from './cacher/watch-events.ts';

export interface MemoryStorageOptions {
  readonly maxHistoryEvents?: number;
  readonly watchBufferEvents?: number;
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

  constructor(opts: MemoryStorageOptions = {}) {
    this.#maxHistoryEvents = opts.maxHistoryEvents ?? 10_000;
    this.#watchBufferEvents = opts.watchBufferEvents ?? 100;
    if (!(this.#maxHistoryEvents >= 1 && this.#watchBufferEvents >= 1)) throw new RangeError('maxHistoryEvents and watchBufferEvents must be at least 1');
  }

  get revision(): number {
    return this.#revision;
  }

  get compactRevision(): number {
    return this.#compactRevision;
  }

  create(key: string, obj: KubeObject, _ctx?: RequestContext, signal?: AbortSignal): Promise<KubeObject> {
    this.#check(key, signal);
    if (this.#data.has(key)) return Promise.reject(new StorageError('keyExists', key, `key exists: ${key}`));
    const value = stored(obj);
    return Promise.resolve(withResourceVersion(value, this.#write(key, value)));
  }

  get(key: string, opts: GetOptions = {}): Promise<KubeObject | undefined> {
    this.#check(key, opts.signal);
    const min = parseRevision(opts.resourceVersion);
    if (min !== undefined && min > this.#revision) return Promise.reject(tooLargeError(key, min, this.#revision));
    const entry = this.#data.get(key);
    if (entry === undefined) {
      if (opts.ignoreNotFound === true) return Promise.resolve(undefined);
      return Promise.reject(notFound(key));
    }
    return Promise.resolve(present(entry));
  }

  getList(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.#check(prefix, opts.signal);
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
      continue: more ? encodeContinue(prefix, lastKey, revision) : '',
      ...(more && opts.predicate === undefined ? { remainingItemCount: keys.length - next } : {}),
    };
    return Promise.resolve({ items: iterate(items), meta: () => meta });
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
    opts: { readonly preconditions?: Preconditions; readonly ignoreNotFound?: boolean; readonly ctx?: RequestContext; readonly signal?: AbortSignal } = {},
  ): Promise<KubeObject> {
    for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
      this.#check(key, opts.signal);
      const cur = this.#data.get(key);
      if (cur === undefined && opts.ignoreNotFound !== true) throw notFound(key);
      if (cur !== undefined) checkPreconditions(key, cur, opts.preconditions);
      const next = stored(await tryUpdate(cur === undefined ? undefined : present(cur)));
      if (this.#data.get(key) !== cur) continue; // a concurrent write won: run tryUpdate on the new state
      // etcd3's rule: an update that changes nothing writes nothing (no new revision, no event).
      if (cur !== undefined && JSON.stringify(cur.value) === JSON.stringify(next)) return present(cur);
      return withResourceVersion(next, this.#write(key, next));
    }
    throw new StorageError('resourceVersionConflict', key, `update of ${key} lost ${MAX_UPDATE_ATTEMPTS} races in a row`);
  }

  watch(key: string, opts: WatchOptions & { readonly recursive?: boolean } = {}): Promise<Watch> {
    this.#check(key, opts.signal);
    const from = parseRevision(opts.resourceVersion) ?? this.#revision;
    if (from < this.#compactRevision) return Promise.resolve(errorWatch(tooOldForWatch(key, from, this.#compactRevision)));
    const matches = opts.recursive === true ? (k: string) => k.startsWith(key) : (k: string) => k === key;
    const initial: WatchEvent[] = [];
    if (opts.sendInitialEvents === true) {
      for (const k of [...this.#data.keys()].filter(matches).sort()) {
        const entry = this.#data.get(k);
        if (entry === undefined) continue;
        const obj = present(entry);
        if (opts.predicate === undefined || opts.predicate(obj)) initial.push({ type: 'ADDED', object: obj });
      }
      initial.push(bookmarkEvent({}, this.#revision, true));
    } else {
      for (const change of this.#history) {
        if (change.revision <= from || !matches(change.key)) continue;
        const ev = filterChange(toChangeEvent(change), opts.predicate);
        if (ev !== undefined) initial.push(ev);
      }
    }
    const w: MemoryWatcher = {
      channel: new WatchChannel({ capacity: this.#watchBufferEvents, initial, signal: opts.signal, onEnd: () => this.#watchers.delete(w) }),
      matches,
      opts,
    };
    if (!w.channel.ended) this.#watchers.add(w);
    return Promise.resolve(w.channel);
  }

  currentRevision(signal?: AbortSignal): Promise<number> {
    this.#check('', signal);
    return Promise.resolve(this.#revision);
  }

  /**
   * etcd's progress request: every watch that asked for bookmarks gets a
   * BOOKMARK at the current revision, meaning "nothing you watch changed up
   * to here". The watch cache uses it to prove it is fresh for a consistent read.
   */
  requestWatchProgress(signal?: AbortSignal): Promise<void> {
    this.#check('', signal);
    for (const w of this.#watchers) if (w.opts.bookmarks === true) w.channel.offer(bookmarkEvent({}, this.#revision));
    return Promise.resolve();
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
    return Promise.resolve();
  }

  #check(key: string, signal: AbortSignal | undefined): void {
    if (this.#closed) throw new StorageError('unreachable', key, 'storage is closed');
    if (signal?.aborted === true) throw new StorageError('aborted', key, 'request aborted', { cause: signal.reason });
  }

  /** Commits one change at the next revision and returns that revision. */
  #write(key: string, value: KubeObject | undefined): number {
    const prev = this.#data.get(key);
    this.#revision += 1;
    const next = value === undefined ? undefined : { value, modRevision: this.#revision };
    if (next === undefined) this.#data.delete(key);
    else this.#data.set(key, next);
    const change: Change = { revision: this.#revision, key, next, prev };
    this.#history.push(change);
    if (this.#history.length > this.#maxHistoryEvents) this.compact(this.#history[0]?.revision ?? 0);
    const ev = toChangeEvent(change);
    for (const w of [...this.#watchers]) {
      if (!w.matches(key)) continue;
      const out = filterChange(ev, w.opts.predicate);
      if (out !== undefined && !w.channel.offer(out)) w.channel.end(new CacherError('watcherTooSlow', `watcher of ${key} fell more than ${this.#watchBufferEvents} events behind`));
    }
    return this.#revision;
  }

  /** Where a list reads: its revision and first key, from resourceVersion, resourceVersionMatch and continue. */
  #listPosition(prefix: string, opts: ListOptions): { revision: number; startKey: string } {
    if (opts.continue !== undefined && opts.continue !== '') {
      const token = decodeContinue(prefix, opts.continue);
      if (token.revision < this.#compactRevision) throw new StorageError('continueExpired', prefix, 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.', { revision: this.#compactRevision });
      return { revision: token.revision, startKey: token.startKey };
    }
    const rv = parseRevision(opts.resourceVersion);
    if (rv === undefined || rv === 0) return { revision: this.#revision, startKey: prefix };
    if (rv > this.#revision) throw tooLargeError(prefix, rv, this.#revision);
    const exact = opts.resourceVersionMatch === 'Exact' || (opts.resourceVersionMatch === undefined && (opts.limit ?? 0) > 0);
    if (!exact) return { revision: this.#revision, startKey: prefix };
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

/** "" and absent: undefined. The layer above validated the string; anything else here is a caller bug. */
function parseRevision(rv: string | undefined): number | undefined {
  if (rv === undefined || rv === '') return undefined;
  const n = Number(rv);
  if (!/^[0-9]+$/.test(rv) || !Number.isSafeInteger(n)) throw new TypeError(`resourceVersion ${JSON.stringify(rv)} is not a revision`);
  return n;
}

async function* iterate(items: readonly KubeObject[]): AsyncIterable<KubeObject> {
  await Promise.resolve();
  yield* items;
}

// Continue tokens in kube's shape (base64url of {"v","rv","start"}, start
// relative to the prefix and just past the last returned key), so a token
// reads the same whichever implementation issued it.
const CONTINUE_VERSION = 'meta.k8s.io/v1';

function encodeContinue(prefix: string, lastKey: string, revision: number): string {
  const start = `${lastKey.slice(prefix.length)}\u0000`;
  return Buffer.from(JSON.stringify({ v: CONTINUE_VERSION, rv: revision, start })).toString('base64url');
}

function decodeContinue(prefix: string, token: string): { revision: number; startKey: string } {
  const invalid = (why: string): StorageError => new StorageError('invalidContinue', prefix, `continue key is not valid: ${why}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch (err) {
    throw new StorageError('invalidContinue', prefix, 'continue key is not valid: not base64-encoded JSON', { cause: err });
  }
  if (typeof parsed !== 'object' || parsed === null) throw invalid('not an object');
  const { v, rv, start } = parsed as Record<string, unknown>;
  if (v !== CONTINUE_VERSION) throw invalid(`server does not recognize this encoding (${JSON.stringify(v)})`);
  if (typeof rv !== 'number' || !Number.isSafeInteger(rv) || rv <= 0) throw invalid('incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  if (typeof start !== 'string' || start === '') throw invalid('encoded start key empty');
  if (start.split('/').some((seg) => seg === '..' || seg === '.')) throw invalid('start key is not a clean path');
  return { revision: rv, startKey: prefix + start };
}
