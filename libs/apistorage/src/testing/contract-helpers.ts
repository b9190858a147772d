// Shared pieces of the storage contract suite: the harness an implementation
// supplies, objects to store, and a watch reader with timeouts (a broken
// implementation must fail a test, never hang it).

import assert from 'node:assert/strict';
import { StorageError } from '../errors.ts';
import type { StorageErrorCode } from '../errors.ts';
import type { KubeObject, ListOptions, Storage, Watch, WatchEvent } from '../interface.ts';

export interface ContractHarness {
  readonly storage: Storage;
  /** A key prefix ending in "/", used by this test only. */
  readonly prefix: string;
  /** Compacts the store's history up to `rev`. */
  readonly compact: (rev: number) => Promise<void>;
  readonly close: () => Promise<void>;
}

export type MakeHarness = () => Promise<ContractHarness>;

export interface ContractOptions {
  /** How long a watch with bookmarks may stay silent before the bookmark test fails. Default 5000. */
  readonly bookmarkTimeoutMs?: number;
  /** How long to wait for an expected watch event. Default 5000. */
  readonly eventTimeoutMs?: number;
  /**
   * A watch cache keeps its own window of recent events (kube's cacher): it
   * serves a watch from any revision it still holds, compacted in the store
   * or not, and answers 410 for one older than its window. Set this to the
   * window's size; the 410 test then writes past the window instead of
   * compacting.
   */
  readonly eventWindow?: number;
}

export interface ContractContext {
  readonly make: MakeHarness;
  readonly bookmarkTimeoutMs: number;
  readonly eventTimeoutMs: number;
  readonly eventWindow: number | undefined;
}

/** Runs `fn` with a fresh harness, closing it however `fn` ends. */
export async function withHarness(c: ContractContext, fn: (h: ContractHarness) => Promise<void>): Promise<void> {
  const h = await c.make();
  assert.ok(h.prefix.startsWith('/') && h.prefix.endsWith('/'), `harness prefix ${h.prefix} must start and end with "/"`);
  try {
    await fn(h);
  } finally {
    await h.close();
  }
}

/**
 * A ConfigMap in namespace `namespace`, stored (as every caller does) at
 * `<prefix><namespace>/<name>`: kube's key layout, which the watch cache
 * relies on to place objects its underlying watch reports.
 */
export function configMap(name: string, data: Record<string, string> = {}, labels: Record<string, string> = {}, namespace = 'ns'): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels }, data };
}

export const rvOf = (o: KubeObject): number => {
  const rv = Number(o.metadata.resourceVersion);
  assert.ok(Number.isSafeInteger(rv) && rv > 0, `resourceVersion ${String(o.metadata.resourceVersion)} is not a revision`);
  return rv;
};

export const dataOf = (o: KubeObject): Record<string, string> => o['data'] as Record<string, string>;

/** Asserts `p` rejects with a StorageError of `code`, and returns it. */
export async function rejectsWithCode(p: Promise<unknown>, code: StorageErrorCode): Promise<StorageError> {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof StorageError, `expected StorageError ${code}, got ${caught === undefined ? 'success' : caught instanceof Error ? `${caught.name}: ${caught.message}` : JSON.stringify(caught)}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}

/** Reads every page of a list; returns the items of each page and each page's meta. */
export async function readList(s: Storage, prefix: string, o: ListOptions = {}): Promise<{ items: KubeObject[]; meta: ReturnType<Awaited<ReturnType<Storage['getList']>>['meta']> }> {
  const r = await s.getList(prefix, o);
  const items: KubeObject[] = [];
  for await (const it of r.items) items.push(it);
  return { items, meta: r.meta() };
}

const TIMEOUT = Symbol('timeout');

/** Pulls events one at a time, each with a deadline. */
export class EventReader {
  readonly watch: Watch;
  readonly #it: AsyncIterator<WatchEvent>;
  #pending: Promise<IteratorResult<WatchEvent>> | undefined;

  constructor(watch: Watch) {
    this.watch = watch;
    this.#it = watch[Symbol.asyncIterator]();
  }

  /** The next event, `'end'` when the watch ended, `'timeout'` when none came in `ms`. */
  async next(ms: number): Promise<WatchEvent | 'end' | 'timeout'> {
    this.#pending ??= this.#it.next();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<typeof TIMEOUT>((resolve) => (timer = setTimeout(() => resolve(TIMEOUT), ms)));
    try {
      const r = await Promise.race([this.#pending, timeout]);
      if (r === TIMEOUT) return 'timeout';
      this.#pending = undefined;
      return r.done === true ? 'end' : r.value;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The next event, which must arrive within `ms`. */
  async expect(ms: number): Promise<WatchEvent> {
    const e = await this.next(ms);
    assert.ok(e !== 'timeout', `no watch event within ${ms} ms`);
    assert.ok(e !== 'end', 'the watch ended, an event was expected');
    return e;
  }

  /** The next event that is not a BOOKMARK. */
  async expectChange(ms: number): Promise<WatchEvent> {
    for (;;) {
      const e = await this.expect(ms);
      if (e.type !== 'BOOKMARK') return e;
    }
  }

  /** Asserts nothing but bookmarks arrive for `ms`. */
  async expectQuiet(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) return;
      const e = await this.next(left);
      if (e === 'timeout') return;
      assert.ok(e !== 'end' && e.type === 'BOOKMARK', `expected no event, got ${e === 'end' ? 'the end of the watch' : `${e.type} ${e.object.metadata.name ?? ''}`}`);
    }
  }
}

/** `[type, name, resourceVersion]` of a change, for compact assertions. */
export const summary = (e: WatchEvent): [string, string | undefined, string | undefined] => [e.type, e.object.metadata.name, e.object.metadata.resourceVersion];
