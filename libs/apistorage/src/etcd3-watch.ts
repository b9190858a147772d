// A Storage watch over one etcd watch. Events are converted as the consumer
// pulls them, so this layer holds no queue of its own: the only buffer is
// the etcd client's per-watch bound (maxBufferedWatchResponses). When a
// slow consumer reaches it, the client cancels the etcd watch and this
// watch ends with `closed` = StorageError('unreachable') after the events
// already buffered: the consumer re-watches from the last resourceVersion it
// saw (a compacted one then gets 410), exactly as after any dropped stream.
//
// kube's etcd3 semantics: with a predicate, an object that stops matching is
// sent as DELETED (its previous state, at the change's revision) and one
// that starts matching as ADDED; DELETED carries the last state at the
// deletion's revision. A watch from a compacted revision yields one ERROR
// event (410 Expired) and ends.

import type { EtcdWatch } from '@logbook/etcd-client';
import type { Event } from '@logbook/mvcc';
import { assert } from './assert.ts';
import { toStorageError } from './etcd-errors.ts';
import { StorageError } from './errors.ts';
import type { KubeObject, ListResult, Predicate, Watch, WatchEvent } from './interface.ts';
import { decodeObject, keyString, type ValueTransformer } from './object-codec.ts';
import { expiredWatchStatus, internalErrorStatus } from './watch-status.ts';

/** The annotation on the BOOKMARK that ends sendInitialEvents' initial state. */
export const INITIAL_EVENTS_END_ANNOTATION = 'k8s.io/initial-events-end';

export interface WatchSetup {
  readonly key: string;
  readonly etcd: EtcdWatch;
  readonly predicate: Predicate | undefined;
  readonly bookmarks: boolean;
  /** sendInitialEvents: the state to send as ADDED first, and its revision. */
  readonly initial: { readonly list: ListResult; readonly revision: number } | undefined;
  readonly onEnd: () => void;
  readonly transformer: ValueTransformer | undefined;
}

export function bookmark(revision: number, initialEventsEnd = false): WatchEvent {
  const metadata = initialEventsEnd
    ? { resourceVersion: String(revision), annotations: { [INITIAL_EVENTS_END_ANNOTATION]: 'true' } }
    : { resourceVersion: String(revision) };
  return { type: 'BOOKMARK', object: { metadata } };
}

export class Etcd3Watch implements Watch, AsyncDisposable {
  readonly closed: Promise<Error | undefined>;
  readonly #s: WatchSetup;
  #resolveClosed!: (e: Error | undefined) => void;
  #done = false;
  #iterated = false;

  constructor(setup: WatchSetup) {
    this.#s = setup;
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
  }

  close(): void {
    this.#finish(undefined);
  }

  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    assert(!this.#iterated, 'a watch has a single consumer: iterate it once');
    this.#iterated = true;
    const gen = this.#run();
    return {
      next: () => gen.next(),
      return: async () => {
        this.close();
        return gen.return(undefined);
      },
    };
  }

  async *#run(): AsyncGenerator<WatchEvent, undefined> {
    const s = this.#s;
    try {
      if (s.initial !== undefined) {
        for await (const obj of s.initial.list.items) {
          if (this.#done) return undefined;
          yield { type: 'ADDED', object: obj };
        }
        yield bookmark(s.initial.revision, true);
      }
      for await (const r of s.etcd) {
        if (this.#done) return undefined;
        if (r.compactRevision > 0) {
          yield { type: 'ERROR', object: expiredWatchStatus() };
          this.#finish(new StorageError('resourceVersionTooOld', s.key, 'The resourceVersion for the provided watch is too old.', { revision: r.compactRevision }));
          return undefined;
        }
        if (r.canceled) {
          this.#finish(new StorageError('unreachable', s.key, `etcd canceled the watch on ${s.key}: ${r.cancelReason}`));
          return undefined;
        }
        if (r.events.length === 0) {
          if (s.bookmarks) yield bookmark(r.header.revision);
          continue;
        }
        for (const ev of r.events) {
          let out: WatchEvent | undefined;
          try {
            out = this.#convert(ev);
          } catch (e) {
            const err = e instanceof StorageError ? e : new StorageError('invalidObject', s.key, String(e), { cause: e });
            yield { type: 'ERROR', object: internalErrorStatus(err.message) };
            this.#finish(err);
            return undefined;
          }
          if (out !== undefined) yield out;
        }
      }
      this.#finish(undefined);
    } catch (e) {
      this.#finish(toStorageError(e, { key: s.key, compacted: 'resourceVersionTooOld' }));
    } finally {
      this.#finish(undefined);
    }
    return undefined;
  }

  #convert(ev: Event): WatchEvent | undefined {
    const pred = this.#s.predicate;
    const key = keyString(ev.kv.key);
    const rev = ev.kv.modRevision;
    if (ev.type === 'DELETE') {
      if (ev.prevKv === undefined) throw new StorageError('invalidObject', key, `etcd event for deleted ${key} at ${rev} carries no previous value`);
      const old = decodeObject(ev.prevKv.value, key, rev, this.#s.transformer);
      return pred === undefined || pred(old) ? { type: 'DELETED', object: old } : undefined;
    }
    const cur = decodeObject(ev.kv.value, key, rev, this.#s.transformer);
    const curPasses = pred === undefined || pred(cur);
    const created = ev.kv.createRevision === ev.kv.modRevision || ev.prevKv === undefined;
    if (created) return curPasses ? { type: 'ADDED', object: cur } : undefined;
    if (pred === undefined) return { type: 'MODIFIED', object: cur };
    const old: KubeObject = decodeObject(ev.prevKv.value, key, rev, this.#s.transformer);
    const oldPasses = pred(old);
    if (curPasses) return { type: oldPasses ? 'MODIFIED' : 'ADDED', object: cur };
    return oldPasses ? { type: 'DELETED', object: old } : undefined;
  }

  #finish(error: Error | undefined): void {
    if (this.#done) return;
    this.#done = true;
    void this.#s.etcd.cancel();
    this.#s.onEnd();
    this.#resolveClosed(error);
  }
}
