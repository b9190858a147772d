// Test helpers: an MvccStore over a MemoryBackend that publishes each
// applied entry to a WatchHub, a manual ticker, and compact renderings.

import { MemoryBackend } from '@logbook/backend';
import { MvccStore, type Event, type MvccRequest } from '@logbook/mvcc';
import { WatchHub, type Ticker, type WatchHubOptions, type WatchResponse, type Watcher } from '../src/index.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();
export const b = (s: string): Uint8Array => enc.encode(s);
export const s = (u: Uint8Array): string => dec.decode(u);

export class ManualTicker implements Ticker {
  #timers: { intervalMs: number; due: number; fn: () => void; live: boolean }[] = [];
  nowMs = 0;
  every(intervalMs: number, fn: () => void): { cancel(): void } {
    const t = { intervalMs, due: this.nowMs + intervalMs, fn, live: true };
    this.#timers.push(t);
    return { cancel: () => { t.live = false; } };
  }
  advance(ms: number): void {
    const end = this.nowMs + ms;
    for (;;) {
      const t = this.#timers.filter((x) => x.live && x.due <= end).sort((x, y) => x.due - y.due)[0];
      if (t === undefined) break;
      this.nowMs = t.due;
      t.due += t.intervalMs;
      t.fn();
    }
    this.nowMs = end;
  }
}

export class Rig {
  readonly store = new MvccStore(new MemoryBackend());
  readonly hub: WatchHub;
  /** Every event applied, in order (the ground truth for the watchers). */
  readonly log: Event[] = [];
  #index = 0;
  /** When false, apply() does not publish (a test publishes by hand). */
  autoPublish = true;
  #unpublished: { events: readonly Event[]; revision: number }[] = [];

  constructor(options: WatchHubOptions = {}) {
    this.hub = new WatchHub(this.store, options);
  }

  apply(req: MvccRequest): readonly Event[] {
    const r = this.store.apply(++this.#index, req);
    if (r === undefined || !r.ok) throw new Error(`apply failed: ${r?.ok === false ? r.error.message : 'skipped'}`);
    if (r.events.length > 0) {
      this.log.push(...r.events);
      this.#unpublished.push({ events: r.events, revision: this.store.currentRevision });
      if (this.autoPublish) this.publishPending();
    }
    return r.events;
  }

  publishPending(): void {
    for (const p of this.#unpublished.splice(0)) this.hub.publish(p.events, p.revision);
  }

  put(key: string, value: string): void {
    this.apply({ type: 'put', request: { key: b(key), value: b(value) } });
  }

  del(key: string, rangeEnd?: string): void {
    this.apply({ type: 'deleteRange', request: { key: b(key), ...(rangeEnd === undefined ? {} : { rangeEnd: b(rangeEnd) }) } });
  }

  compact(revision: number): void {
    this.apply({ type: 'compaction', request: { revision } });
  }
}

/** `PUT a=1@2`, `DELETE a@3`; with prevKv: `PUT a=2@3 (prev 1)`. */
export function fmtEvent(e: Event): string {
  const v = e.type === 'PUT' ? `=${s(e.kv.value)}` : '';
  const prev = e.prevKv === undefined ? '' : ` (prev ${s(e.prevKv.value)})`;
  return `${e.type} ${s(e.kv.key)}${v}@${e.kv.modRevision}${prev}`;
}

/** Responses drained without waiting (poll until nothing is ready). */
export function drain(w: Watcher, max = 10_000): WatchResponse[] {
  const out: WatchResponse[] = [];
  for (let r = w.poll(); r !== undefined; r = w.poll()) {
    out.push(r);
    if (out.length > max) throw new Error('watcher never ran dry');
  }
  return out;
}

export const eventsOf = (rs: readonly WatchResponse[]): string[] => rs.flatMap((r) => r.events.map(fmtEvent));
