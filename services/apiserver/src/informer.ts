// A local copy of one resource's objects, kept current from the watch cache,
// for the parts of the server that must read synchronously on every request
// (admission webhook and policy configurations) or follow every change (the
// Node authorizer's graph). One watch with sendInitialEvents: the initial
// ADDED events build a fresh copy which replaces the old one at the
// initial-events-end bookmark; a watch that ends is reopened after a pause.
//
// Bounds: one entry per live object of the resource (the cache already holds
// them); `items()` hands out one array per change, not per call.

import { FieldSelector, LabelSelector } from '@logbook/apimachinery';
import { INITIAL_EVENTS_END_ANNOTATION, type KubeObject, type WatchEvent } from '@logbook/apistorage';
import type { Logger } from '@logbook/raft';
import type { ResourceStore } from '@logbook/registry';

const REOPEN_DELAY_MS = 1_000;

export interface InformerHandlers {
  /** The complete current set, after a (re)list. */
  replaced?(objects: readonly KubeObject[]): void;
  changed?(type: 'added' | 'updated' | 'deleted', object: KubeObject): void;
}

export class Informer {
  readonly #store: ResourceStore;
  readonly #logger: Logger;
  readonly #handlers: InformerHandlers;
  #objects = new Map<string, KubeObject>();
  #snapshot: readonly KubeObject[] | undefined;
  #synced = false;
  #stopped = false;
  readonly #ac = new AbortController();
  #firstSync: Promise<void>;
  #resolveFirstSync: () => void = () => {};

  constructor(store: ResourceStore, logger: Logger, handlers: InformerHandlers = {}) {
    this.#store = store;
    this.#logger = logger;
    this.#handlers = handlers;
    this.#firstSync = new Promise((resolve) => (this.#resolveFirstSync = resolve));
  }

  get synced(): boolean {
    return this.#synced;
  }

  /** Resolves at the first complete list. */
  waitForSync(): Promise<void> {
    return this.#firstSync;
  }

  start(): void {
    void this.#run();
  }

  stop(): void {
    this.#stopped = true;
    this.#ac.abort();
  }

  items(): readonly KubeObject[] {
    this.#snapshot ??= [...this.#objects.values()];
    return this.#snapshot;
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      try {
        await this.#watchOnce();
      } catch (err) {
        if (this.#stopped) return;
        this.#logger.warn('informer: watch ended; reopening', { resource: this.#store.strategy.info.plural, error: err instanceof Error ? err.message : String(err) });
      }
      if (this.#stopped) return;
      await new Promise((resolve) => setTimeout(resolve, REOPEN_DELAY_MS).unref());
    }
  }

  async #watchOnce(): Promise<void> {
    const watch = await this.#store.watch({ namespace: '', signal: this.#ac.signal }, {
      labelSelector: LabelSelector.everything(), fieldSelector: FieldSelector.everything(), resourceVersion: '', allowWatchBookmarks: true, sendInitialEvents: true,
    });
    let fresh: Map<string, KubeObject> | undefined = new Map();
    for await (const ev of watch) {
      if (fresh !== undefined) {
        if (ev.type === 'ADDED') fresh.set(keyOf(ev.object), ev.object);
        else if (ev.type === 'BOOKMARK' && ev.object.metadata.annotations?.[INITIAL_EVENTS_END_ANNOTATION] === 'true') {
          this.#objects = fresh;
          this.#snapshot = undefined;
          fresh = undefined;
          this.#handlers.replaced?.(this.items());
          this.#synced = true;
          this.#resolveFirstSync();
        } else if (ev.type === 'ERROR') throw new Error(`watch error: ${JSON.stringify(ev.object)}`);
        continue;
      }
      this.#apply(ev);
    }
    const why = await watch.closed;
    if (why !== undefined) throw why;
  }

  #apply(ev: WatchEvent): void {
    const key = keyOf(ev.object);
    switch (ev.type) {
      case 'ADDED':
      case 'MODIFIED': {
        const had = this.#objects.has(key);
        this.#objects.set(key, ev.object);
        this.#snapshot = undefined;
        this.#handlers.changed?.(had ? 'updated' : 'added', ev.object);
        return;
      }
      case 'DELETED':
        this.#objects.delete(key);
        this.#snapshot = undefined;
        this.#handlers.changed?.('deleted', ev.object);
        return;
      case 'ERROR':
        throw new Error(`watch error: ${JSON.stringify(ev.object)}`);
      case 'BOOKMARK':
        return;
    }
  }
}

function keyOf(o: KubeObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
}
