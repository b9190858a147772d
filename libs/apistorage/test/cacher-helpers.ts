// Test helpers for the cacher and memory-storage tests: a fake clock, a
// storage wrapper that can hold back watch events, and a watch reader.

import type { CacherClock, Cancelable } from '../src/cacher/clock.ts';
import type { GetOptions, KubeObject, ListOptions, ListResult, Storage, TryUpdate, Watch, WatchEvent, WatchOptions } from '../src/interface.ts';
import type { MemoryStorage } from '../src/memory-storage.ts';

export class FakeClock implements CacherClock {
  now = 0;
  #timers = new Set<{ at: number; fn: () => void }>();

  setTimeout(fn: () => void, ms: number): Cancelable {
    const t = { at: this.now + ms, fn };
    this.#timers.add(t);
    return { cancel: () => this.#timers.delete(t) };
  }

  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** Moves time forward, firing due timers in time order. */
  advance(ms: number): void {
    const target = this.now + ms;
    for (;;) {
      let due: { at: number; fn: () => void } | undefined;
      for (const t of this.#timers) if (t.at <= target && (due === undefined || t.at < due.at)) due = t;
      if (due === undefined) break;
      this.#timers.delete(due);
      this.now = due.at;
      due.fn();
    }
    this.now = target;
  }
}

export function pod(name: string, labels: Record<string, string> = {}, extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels }, ...extra };
}

export const key = (name: string, ns = 'default'): string => `/registry/pods/${ns}/${name}`;

/** Lets real async work (microtasks, setImmediate) run until cond holds; fails after ~1 s. */
export async function until(cond: () => boolean, what = 'condition'): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (cond()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** One iterator over a watch, with "next event" and "no event soon". */
export class Reader {
  readonly #it: AsyncIterator<WatchEvent>;
  #pending: Promise<IteratorResult<WatchEvent>> | undefined;

  constructor(w: Watch) {
    this.#it = w[Symbol.asyncIterator]();
  }

  async next(): Promise<WatchEvent> {
    const r = await this.#race(1000);
    if (r === 'timeout') throw new Error('no watch event within 1 s');
    if (r.done === true) throw new Error('watch ended');
    return r.value;
  }

  async take(n: number): Promise<WatchEvent[]> {
    const out: WatchEvent[] = [];
    for (let i = 0; i < n; i++) out.push(await this.next());
    return out;
  }

  /** True when the watch has ended (after delivering nothing more). */
  async ended(): Promise<boolean> {
    const r = await this.#race(1000);
    return r !== 'timeout' && r.done === true;
  }

  /** Nothing arrives within a short real-time window. */
  async quiet(ms = 20): Promise<boolean> {
    return (await this.#race(ms)) === 'timeout';
  }

  async #race(ms: number): Promise<IteratorResult<WatchEvent> | 'timeout'> {
    this.#pending ??= this.#it.next();
    let timer: NodeJS.Timeout | undefined;
    const r = await Promise.race([this.#pending, new Promise<'timeout'>((res) => (timer = setTimeout(() => res('timeout'), ms)))]);
    clearTimeout(timer);
    if (r !== 'timeout') this.#pending = undefined;
    return r;
  }
}

/** Holds a watch's events while closed; lets a test make the cache lag behind the store. */
export class Gate {
  #open = true;
  #waiters: (() => void)[] = [];
  hold(): void {
    this.#open = false;
  }
  release(): void {
    this.#open = true;
    for (const w of this.#waiters.splice(0)) w();
  }
  async pass(): Promise<void> {
    if (!this.#open) await new Promise<void>((r) => this.#waiters.push(r));
  }
}

/** MemoryStorage seen through a gate on its watch streams; counts reads that reach it. */
export class GatedStorage implements Storage {
  readonly gate = new Gate();
  reads = 0;
  readonly #inner: MemoryStorage;
  readonly #withProgress: boolean;

  constructor(inner: MemoryStorage, withProgress = true) {
    this.#inner = inner;
    this.#withProgress = withProgress;
    if (withProgress) (this as unknown as { requestWatchProgress: (s?: AbortSignal) => Promise<void> }).requestWatchProgress = (s) => inner.requestWatchProgress(s);
  }

  get hasProgress(): boolean {
    return this.#withProgress;
  }

  create(k: string, obj: KubeObject): Promise<KubeObject> {
    return this.#inner.create(k, obj);
  }
  get(k: string, opts?: GetOptions): Promise<KubeObject | undefined> {
    this.reads += 1;
    return this.#inner.get(k, opts);
  }
  getList(prefix: string, opts?: ListOptions): Promise<ListResult> {
    this.reads += 1;
    return this.#inner.getList(prefix, opts);
  }
  delete(k: string): Promise<KubeObject> {
    return this.#inner.delete(k);
  }
  guaranteedUpdate(k: string, f: TryUpdate, opts?: { readonly ignoreNotFound?: boolean }): Promise<KubeObject> {
    return this.#inner.guaranteedUpdate(k, f, opts);
  }
  currentRevision(signal?: AbortSignal): Promise<number> {
    return this.#inner.currentRevision(signal);
  }
  async watch(k: string, opts?: WatchOptions & { readonly recursive?: boolean }): Promise<Watch> {
    const inner = await this.#inner.watch(k, opts);
    const gate = this.gate;
    return {
      close: () => inner.close(),
      closed: inner.closed,
      async *[Symbol.asyncIterator]() {
        for await (const ev of inner) {
          await gate.pass();
          yield ev;
        }
      },
    };
  }
  close(): Promise<void> {
    return this.#inner.close();
  }
}

export async function collect(r: ListResult): Promise<KubeObject[]> {
  const out: KubeObject[] = [];
  for await (const o of r.items) out.push(o);
  return out;
}

export const names = (objs: readonly KubeObject[]): (string | undefined)[] => objs.map((o) => o.metadata.name);
