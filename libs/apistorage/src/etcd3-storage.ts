// Storage over an etcd v3 API (real etcd or Logbook's store), in the manner
// of kube-apiserver's etcd3 store: one key per object, values are the
// object's JSON without resourceVersion, resourceVersion = mod_revision,
// every write a compare-and-swap Txn on the key's mod_revision.

import type { EtcdClient } from '@logbook/etcd-client';
import type { Compare, KeyValue, RequestOp } from '@logbook/mvcc';
import { assert } from './assert.ts';
import { toStorageError } from './etcd-errors.ts';
import { planList, runList } from './etcd3-list.ts';
import { Etcd3Watch } from './etcd3-watch.ts';
import { StorageError } from './errors.ts';
import type {
  CompanionWrite,
  GetOptions,
  KubeObject,
  ListOptions,
  ListResult,
  Preconditions,
  RequestContext,
  Storage,
  TryUpdate,
  Watch,
  WatchOptions,
} from './interface.ts';
import { decodeObject, decodePlain, encodeObject, encodePlain, keyBytes, plainValue, prefixEnd, sameBytes, type ValueTransformer } from './object-codec.ts';
import { requestContextMetadata } from './request-context.ts';
import { parseResourceVersion, tooLargeResourceVersion } from './resource-version.ts';

export interface Etcd3StorageOptions {
  readonly client: EtcdClient;
  /** Close the client in close() (when this storage owns it). Default false. */
  readonly ownsClient?: boolean;
  /** Keys per Range while listing. Default 500. */
  readonly listChunkSize?: number;
  /**
   * Compare-and-swap attempts of one guaranteedUpdate or delete. Each lost
   * race means another writer committed, so the system as a whole made
   * progress; after this many the call fails with resourceVersionConflict
   * (409 above) and the client retries. kube retries forever; a bound keeps
   * one hot key from pinning a request. Default 32.
   */
  readonly maxWriteAttempts?: number;
  /** Encryption at rest (--encryption-provider-config): applied to every value written and read; absent: plain JSON. */
  readonly transformer?: ValueTransformer;
}

export const ETCD3_STORAGE_DEFAULTS = { listChunkSize: 500, maxWriteAttempts: 32 } as const;

type DeleteOptions = Parameters<Storage['delete']>[1];
type UpdateOptions = Parameters<Storage['guaranteedUpdate']>[2];

export class Etcd3Storage implements Storage {
  readonly #client: EtcdClient;
  readonly #ownsClient: boolean;
  readonly #chunkSize: number;
  readonly #maxWriteAttempts: number;
  readonly #t: ValueTransformer | undefined;
  readonly #watches = new Set<Etcd3Watch>();
  #closed = false;

  constructor(o: Etcd3StorageOptions) {
    this.#client = o.client;
    this.#ownsClient = o.ownsClient === true;
    this.#chunkSize = o.listChunkSize ?? ETCD3_STORAGE_DEFAULTS.listChunkSize;
    this.#maxWriteAttempts = o.maxWriteAttempts ?? ETCD3_STORAGE_DEFAULTS.maxWriteAttempts;
    this.#t = o.transformer;
    assert(Number.isSafeInteger(this.#chunkSize) && this.#chunkSize > 0, `listChunkSize must be a positive integer (got ${this.#chunkSize})`);
    assert(Number.isSafeInteger(this.#maxWriteAttempts) && this.#maxWriteAttempts > 0, `maxWriteAttempts must be a positive integer (got ${this.#maxWriteAttempts})`);
  }

  async create(key: string, obj: KubeObject, ctx?: RequestContext, signal?: AbortSignal, companions: readonly CompanionWrite[] = []): Promise<KubeObject> {
    checkKey(key);
    if (obj.metadata.resourceVersion !== undefined && obj.metadata.resourceVersion !== '') {
      throw new StorageError('invalidObject', key, 'resourceVersion should not be set on objects to be created');
    }
    const plain = encodePlain(obj, key);
    const value = this.#t === undefined ? plain : this.#t.toStorage(plain, key);
    const k = keyBytes(key);
    const r = await this.#call(key, signal, () =>
      this.#client.txn(
        {
          compare: [{ key: k, target: 'CREATE', result: 'EQUAL', createRevision: 0 }, ...companionCompares(companions)],
          success: [{ type: 'put', request: { key: k, value } }, ...this.#companionPuts(companions)],
          failure: companions.length > 0 ? [readOp(k)] : [],
        },
        callOptions(signal, ctx),
      ),
    );
    if (!r.response.succeeded) {
      if (companions.length === 0 || failureKv(r.response.responses) !== undefined) throw new StorageError('keyExists', key, `key ${key} already exists`);
      throw companionConflict(companions);
    }
    return decodePlain(plain, key, r.response.header.revision);
  }

  async get(key: string, opts: GetOptions = {}): Promise<KubeObject | undefined> {
    checkKey(key);
    const minRevision = parseResourceVersion(opts.resourceVersion, key);
    // "0" may be served by any member; anything else is a quorum read (then checked against the minimum).
    const r = await this.#call(key, opts.signal, () =>
      this.#client.range({ key: keyBytes(key), serializable: opts.resourceVersion === '0' }, callOptions(opts.signal)),
    );
    if (minRevision > r.response.header.revision) throw tooLargeResourceVersion(key, minRevision, r.response.header.revision);
    const kv = r.response.kvs[0];
    if (kv === undefined) {
      if (opts.ignoreNotFound === true) return undefined;
      throw new StorageError('keyNotFound', key, `key ${key} not found`);
    }
    return decodeObject(kv.value, key, kv.modRevision, this.#t);
  }

  getList(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    return this.#list(prefix, opts);
  }

  async delete(key: string, opts: DeleteOptions = {}): Promise<KubeObject> {
    checkKey(key);
    const k = keyBytes(key);
    let cur = await this.#read(key, opts.signal);
    for (let attempt = 1; ; attempt++) {
      if (cur === undefined) throw new StorageError('keyNotFound', key, `key ${key} not found`);
      const obj = decodeObject(cur.value, key, cur.modRevision, this.#t);
      checkPreconditions(key, opts.preconditions, obj);
      if (opts.validateDeletion !== undefined) await opts.validateDeletion(obj);
      const modRevision = cur.modRevision;
      const r = await this.#call(key, opts.signal, () =>
        this.#client.txn(
          {
            compare: [{ key: k, target: 'MOD', result: 'EQUAL', modRevision }],
            success: [{ type: 'deleteRange', request: { key: k } }],
            failure: [readOp(k)],
          },
          callOptions(opts.signal, opts.ctx),
        ),
      );
      // kube returns the deleted object at the deletion's revision.
      if (r.response.succeeded) return decodeObject(cur.value, key, r.response.header.revision, this.#t);
      if (attempt >= this.#maxWriteAttempts) throw conflictAfter(key, attempt);
      cur = failureKv(r.response.responses);
    }
  }

  async guaranteedUpdate(key: string, tryUpdate: TryUpdate, opts: UpdateOptions = {}): Promise<KubeObject> {
    checkKey(key);
    const k = keyBytes(key);
    let cur = await this.#read(key, opts.signal);
    for (let attempt = 1; ; attempt++) {
      if (cur === undefined && opts.ignoreNotFound !== true) throw new StorageError('keyNotFound', key, `key ${key} not found`);
      const curPlain = cur === undefined ? undefined : plainValue(cur.value, key, this.#t);
      const obj = cur === undefined || curPlain === undefined ? undefined : decodePlain(curPlain.data, key, cur.modRevision);
      checkPreconditions(key, opts.preconditions, obj ?? { metadata: {} });
      const next = await tryUpdate(obj);
      const plain = encodePlain(next, key);
      const companions = opts.companions?.() ?? [];
      // Same bytes: nothing to write, and no new revision (kube does the same) — unless the value
      // is stale under encryption at rest, when the rewrite is what re-encrypts it with the current key.
      if (curPlain !== undefined && obj !== undefined && !curPlain.stale && companions.length === 0 && sameBytes(plain, curPlain.data)) return obj;
      const value = this.#t === undefined ? plain : this.#t.toStorage(plain, key);
      const modRevision = cur?.modRevision ?? 0;
      const r = await this.#call(key, opts.signal, () =>
        this.#client.txn(
          {
            compare: [{ key: k, target: 'MOD', result: 'EQUAL', modRevision }, ...companionCompares(companions)],
            success: [{ type: 'put', request: { key: k, value } }, ...this.#companionPuts(companions)],
            failure: [readOp(k)],
          },
          callOptions(opts.signal, opts.ctx),
        ),
      );
      if (r.response.succeeded) return decodePlain(plain, key, r.response.header.revision);
      const now = failureKv(r.response.responses);
      // The object did not move: a companion did. Its writer computed it from what it read; it must decide again.
      if (companions.length > 0 && (now?.modRevision ?? 0) === modRevision) throw companionConflict(companions);
      if (attempt >= this.#maxWriteAttempts) throw conflictAfter(key, attempt);
      cur = now;
    }
  }

  #companionPuts(companions: readonly CompanionWrite[]): RequestOp[] {
    return companions.map((c) => ({ type: 'put', request: { key: keyBytes(c.key), value: encodeObject(c.object, c.key, this.#t) } }));
  }

  async watch(key: string, opts: WatchOptions & { readonly recursive?: boolean } = {}): Promise<Watch> {
    const recursive = opts.recursive === true;
    const k = recursive ? asPrefix(key) : key;
    if (!recursive) checkKey(k);
    if (this.#closed) throw new StorageError('unreachable', k, 'the storage is closed');
    let startRevision = parseResourceVersion(opts.resourceVersion, k);
    let initial: { list: ListResult; revision: number } | undefined;
    if (opts.sendInitialEvents === true) {
      // The initial state is read "not older than" the resourceVersion given ("" and "0": the latest).
      if (recursive) {
        const list = await this.#list(k, { resourceVersion: opts.resourceVersion ?? '', resourceVersionMatch: 'NotOlderThan', ...withPredicate(opts.predicate), ...withSignal(opts.signal) });
        initial = { list, revision: list.revision };
      } else {
        initial = await this.#singleKeyList(k, startRevision, opts);
      }
      startRevision = initial.revision;
    }
    const etcd = this.#client.watch(
      {
        key: keyBytes(k),
        ...(recursive ? { rangeEnd: prefixEnd(k) } : {}),
        // From the revision after the one asked for; 0: from the next revision ("now").
        startRevision: startRevision > 0 ? startRevision + 1 : 0,
        prevKv: true,
        progressNotify: opts.bookmarks === true,
      },
      opts.signal === undefined ? {} : { signal: opts.signal },
    );
    try {
      await etcd.created;
    } catch (e) {
      throw toStorageError(e, { key: k, signal: opts.signal });
    }
    const w: Etcd3Watch = new Etcd3Watch({
      key: k,
      etcd,
      predicate: opts.predicate,
      bookmarks: opts.bookmarks === true,
      initial,
      transformer: this.#t,
      onEnd: () => this.#watches.delete(w),
    });
    this.#watches.add(w);
    return w;
  }

  /**
   * Asks the store for a progress response on every open watch: watches with
   * bookmarks get a BOOKMARK at the store's revision (the watch cache uses it
   * to prove it is current for a consistent read).
   */
  requestWatchProgress(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted === true) return Promise.reject(new StorageError('aborted', '', 'aborted'));
    this.#client.requestWatchProgress();
    return Promise.resolve();
  }

  async currentRevision(signal?: AbortSignal): Promise<number> {
    const r = await this.#call('/', signal, () => this.#client.range({ key: keyBytes('/'), countOnly: true }, callOptions(signal)));
    return r.response.header.revision;
  }

  /** Ends every open watch (cleanly) and, when owned, closes the client. */
  close(): Promise<void> {
    this.#closed = true;
    for (const w of [...this.#watches]) w.close();
    if (this.#ownsClient) this.#client.close();
    return Promise.resolve();
  }

  async #read(key: string, signal: AbortSignal | undefined): Promise<KeyValue | undefined> {
    const r = await this.#call(key, signal, () => this.#client.range({ key: keyBytes(key) }, callOptions(signal)));
    return r.response.kvs[0];
  }

  async #list(prefix: string, opts: ListOptions): Promise<ListResult & { readonly revision: number }> {
    if (this.#closed) throw new StorageError('unreachable', prefix, 'the storage is closed');
    const p = asPrefix(prefix);
    return runList({ client: this.#client, chunkSize: this.#chunkSize, currentRevision: (s) => this.currentRevision(s), transformer: this.#t }, planList(p, opts), opts);
  }

  /** A single key's initial state for sendInitialEvents on a non-recursive watch. */
  async #singleKeyList(key: string, minRevision: number, opts: WatchOptions): Promise<{ list: ListResult; revision: number }> {
    const r = await this.#call(key, opts.signal, () => this.#client.range({ key: keyBytes(key), serializable: opts.resourceVersion === '0' }, callOptions(opts.signal)));
    const revision = r.response.header.revision;
    if (minRevision > revision) throw tooLargeResourceVersion(key, minRevision, revision);
    const kv = r.response.kvs[0];
    const obj = kv === undefined ? undefined : decodeObject(kv.value, key, kv.modRevision, this.#t);
    const items = obj !== undefined && (opts.predicate === undefined || opts.predicate(obj)) ? [obj] : [];
    return {
      revision,
      list: {
        items: asyncOf(items),
        meta: () => ({ resourceVersion: String(revision), continue: '' }),
      },
    };
  }

  async #call<T>(key: string, signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new StorageError('unreachable', key, 'the storage is closed');
    try {
      return await fn();
    } catch (e) {
      throw toStorageError(e, { key, signal });
    }
  }
}

function callOptions(signal: AbortSignal | undefined, ctx?: RequestContext): { signal?: AbortSignal; metadata?: Readonly<Record<string, Uint8Array>> } {
  const metadata = requestContextMetadata(ctx);
  return { ...(signal === undefined ? {} : { signal }), ...(metadata === undefined ? {} : { metadata }) };
}

function withSignal(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal === undefined ? {} : { signal };
}

function withPredicate(predicate: WatchOptions['predicate']): { predicate?: NonNullable<WatchOptions['predicate']> } {
  return predicate === undefined ? {} : { predicate };
}

/** An AsyncIterable over an array already in memory. */
function asyncOf<T>(items: readonly T[]): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]: () => {
      let i = 0;
      return { next: () => Promise.resolve(i < items.length ? { done: false, value: items[i++]! } : { done: true, value: undefined }) };
    },
  };
}

const readOp = (key: Uint8Array): RequestOp => ({ type: 'range', request: { key } });

function failureKv(responses: readonly { readonly type: string; readonly response: unknown }[]): KeyValue | undefined {
  const first = responses[0];
  assert(first !== undefined && first.type === 'range', 'a failed compare-and-swap Txn answers with its read of the key');
  return (first.response as { readonly kvs: readonly KeyValue[] }).kvs[0];
}

function companionCompares(companions: readonly CompanionWrite[]): Compare[] {
  return companions.map((c) => {
    checkKey(c.key);
    const rv = c.object.metadata.resourceVersion;
    assert(typeof rv === 'string' && /^[1-9]\d*$/.test(rv), `a companion write names the revision its key must be at (got ${String(rv)} for ${c.key})`);
    return { key: keyBytes(c.key), target: 'MOD', result: 'EQUAL', modRevision: Number(rv) };
  });
}

function companionConflict(companions: readonly CompanionWrite[]): StorageError {
  const first = companions[0]!.key;
  return new StorageError('companionConflict', first, `a write that must commit with this one changed meanwhile (one of: ${companions.map((c) => c.key).join(', ')})`);
}

function conflictAfter(key: string, attempts: number): StorageError {
  return new StorageError('resourceVersionConflict', key, `Operation cannot be fulfilled on ${key}: the object kept changing (${attempts} attempts); please retry`);
}

/** kube's wording for failed preconditions (the registry answers 409 Conflict). */
function checkPreconditions(key: string, p: Preconditions | undefined, obj: KubeObject): void {
  if (p === undefined) return;
  if (p.uid !== undefined && p.uid !== (obj.metadata.uid ?? '')) {
    throw new StorageError('preconditionFailed', key, `Precondition failed: UID in precondition: ${p.uid}, UID in object meta: ${obj.metadata.uid ?? ''}`);
  }
  if (p.resourceVersion !== undefined && p.resourceVersion !== (obj.metadata.resourceVersion ?? '')) {
    throw new StorageError(
      'preconditionFailed',
      key,
      `Precondition failed: ResourceVersion in precondition: ${p.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion ?? ''}`,
    );
  }
}

function checkKey(key: string): void {
  if (!key.startsWith('/') || key.endsWith('/')) throw new StorageError('invalidObject', key, `invalid storage key ${JSON.stringify(key)}: a key starts with "/" and names one object`);
}

/** kube lists and watches recursively under "<prefix>/" so "/pods/a" never matches "/pods/ab". */
function asPrefix(prefix: string): string {
  if (!prefix.startsWith('/')) throw new StorageError('invalidObject', prefix, `invalid storage prefix ${JSON.stringify(prefix)}: a prefix starts with "/"`);
  return prefix.endsWith('/') ? prefix : `${prefix}/`;
}
