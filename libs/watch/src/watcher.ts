// One watch: a bounded queue of responses fed either live (synced: the hub
// offers each published revision) or from history (unsynced: the consumer's
// pull reads the next chunk through eventsSince). `nextRevision` is the first
// revision this watcher has not yet queued; both paths advance it, and the
// live path ignores revisions below it, so the handoff between them can
// neither lose nor repeat a revision. See DESIGN.md for the rules.

import type { Bytes, Event, HistoryQuery, HistoryResult, Revision } from '@logbook/mvcc';
import { MVCC_MESSAGES } from '@logbook/mvcc';
import type { WatchCreateRequest, WatchResponse } from './types.ts';
import { assert } from './errors.ts';
import { keyMatcher, type KeyMatcher } from './key-range.ts';
import { fragmentResponse, responseBytes } from './response-size.ts';

/** What a watcher needs from its hub. */
export interface WatcherHost {
  readonly currentRevision: Revision;
  readonly maxQueuedResponses: number;
  readonly maxQueuedBytes: number;
  readonly maxResponseBytes: number;
  readonly catchUpChunkEvents: number;
  readHistory(query: HistoryQuery): HistoryResult;
  remove(w: Watcher): void;
}

export const WATCHER_STATES = ['synced', 'unsynced', 'closed'] as const;
export type WatcherState = (typeof WATCHER_STATES)[number];

const EMPTY = {
  created: false,
  canceled: false,
  compactRevision: 0,
  cancelReason: '',
  fragment: false,
  events: [] as readonly Event[],
} as const;

export class Watcher implements AsyncIterable<WatchResponse> {
  readonly id: number;
  readonly streamId: string;
  readonly progressNotify: boolean;
  readonly #host: WatcherHost;
  readonly #key: Bytes;
  readonly #rangeEnd: Bytes | undefined;
  readonly #matches: KeyMatcher;
  readonly #prevKv: boolean;
  readonly #noPut: boolean;
  readonly #noDelete: boolean;
  readonly #fragment: boolean;
  #state: WatcherState;
  #nextRevision: Revision;
  readonly #queue: WatchResponse[] = [];
  #queuedBytes = 0;
  /** Fragments of the response being delivered (at most one response's worth, outside the bound). */
  #outbox: WatchResponse[] = [];
  #waiter: (() => void) | undefined;
  #progressPending = false;
  /** Events were delivered since the last periodic tick (etcd skips the notification then). */
  eventsSinceTick = false;
  #resolveClosed!: () => void;
  /** Resolves once the watcher is canceled (its final response may still be queued). */
  readonly closed: Promise<void>;

  constructor(host: WatcherHost, id: number, streamId: string, req: WatchCreateRequest) {
    this.#host = host;
    this.id = id;
    this.streamId = streamId;
    this.progressNotify = req.progressNotify === true;
    this.#key = req.key;
    this.#rangeEnd = req.rangeEnd;
    this.#matches = keyMatcher(req.key, req.rangeEnd);
    this.#prevKv = req.prevKv === true;
    this.#noPut = req.filters?.noPut === true;
    this.#noDelete = req.filters?.noDelete === true;
    this.#fragment = req.fragment === true;
    this.closed = new Promise((resolve) => { this.#resolveClosed = resolve; });
    const start = req.startRevision ?? 0;
    const current = host.currentRevision;
    // A start at or below the published revision needs history; a later
    // start (or none) is served live from the first revision it wants.
    this.#state = start > 0 && start <= current ? 'unsynced' : 'synced';
    this.#nextRevision = start > 0 ? start : current + 1;
    this.#push({ ...EMPTY, header: { revision: current }, watchId: id, created: true });
  }

  get state(): WatcherState {
    return this.#state;
  }

  /** The first revision not yet queued for this watcher. */
  get nextRevision(): Revision {
    return this.#nextRevision;
  }

  /** Canceled and every response, including the final one, has been taken. */
  get done(): boolean {
    return this.#state === 'closed' && this.#queue.length === 0 && this.#outbox.length === 0;
  }

  /** Live path: the events of one published revision (all of them, unfiltered). */
  offer(events: readonly Event[], revision: Revision): void {
    if (this.#state !== 'synced' || revision < this.#nextRevision) return;
    const mine = this.#select(events);
    if (mine.length > 0) {
      const r: WatchResponse = { ...EMPTY, header: { revision }, watchId: this.id, events: mine };
      if (!this.#fits(r)) {
        // Victim: fall back to history from this revision; the queue already
        // holds every revision before it, so order is kept.
        this.#state = 'unsynced';
        this.#wake();
        return;
      }
      this.#push(r);
    }
    this.#nextRevision = revision + 1;
  }

  /**
   * The store's state jumped (a snapshot was installed): revisions between
   * nextRevision and the new current one were never offered live, so read
   * them from history, as a watcher that fell behind does.
   */
  resync(): void {
    if (this.#state !== 'synced') return;
    this.#state = 'unsynced';
    this.#wake();
  }

  /** Ask for a progress notification; delivered once the watcher is synced and its queue is empty. */
  requestProgress(): void {
    if (this.#state === 'closed') return;
    this.#progressPending = true;
    this.#wake();
  }

  /**
   * The next response if one is ready, else undefined (see `done`). Catch-up
   * work happens here, one history chunk per call, so a consumer that does
   * not read costs no history reads and at most a full queue of memory.
   */
  poll(): WatchResponse | undefined {
    const frag = this.#outbox.shift();
    if (frag !== undefined) return frag;
    if (this.#queue.length === 0 && this.#state === 'unsynced') this.#catchUp();
    const r = this.#queue.shift();
    if (r !== undefined) {
      this.#queuedBytes -= responseBytes(r);
      if (r.events.length > 0) this.eventsSinceTick = true;
      if (!this.#fragment) return r;
      const [first, ...rest] = fragmentResponse(r, this.#host.maxResponseBytes);
      assert(first !== undefined, 'fragmenting produced nothing');
      this.#outbox = rest;
      return first;
    }
    if (this.#state === 'synced' && this.#progressPending) {
      this.#progressPending = false;
      const revision = Math.max(this.#host.currentRevision, this.#nextRevision - 1);
      return { ...EMPTY, header: { revision }, watchId: this.id };
    }
    return undefined;
  }

  async next(): Promise<IteratorResult<WatchResponse, undefined>> {
    for (;;) {
      const r = this.poll();
      if (r !== undefined) return { value: r, done: false };
      if (this.done) return { value: undefined, done: true };
      assert(this.#waiter === undefined, 'a watcher has one reader');
      await new Promise<void>((resolve) => { this.#waiter = resolve; });
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchResponse, undefined> {
    return {
      next: () => this.next(),
      return: () => {
        this.cancel();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }

  /**
   * Stop the watch: queued responses are dropped and one final `canceled`
   * response (with the reason, if any) is queued. Idempotent.
   */
  cancel(reason = ''): void {
    this.#close({ ...EMPTY, header: { revision: this.#host.currentRevision }, watchId: this.id, canceled: true, cancelReason: reason }, true);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.cancel();
    await this.closed;
  }

  #close(final: WatchResponse, dropQueued: boolean): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    if (dropQueued) {
      this.#queue.length = 0;
      this.#queuedBytes = 0;
      this.#outbox = [];
    }
    this.#progressPending = false;
    this.#push(final);
    this.#host.remove(this);
    this.#resolveClosed();
  }

  /** One bounded history read; queues at most one response. */
  #catchUp(): void {
    for (;;) {
      const query: HistoryQuery = {
        startRevision: this.#nextRevision,
        key: this.#key,
        ...(this.#rangeEnd === undefined ? {} : { rangeEnd: this.#rangeEnd }),
        limit: this.#host.catchUpChunkEvents,
        prevKv: this.#prevKv,
      };
      const h = this.#host.readHistory(query);
      if ('compactRevision' in h) {
        const revision = this.#host.currentRevision;
        this.#close({ ...EMPTY, header: { revision }, watchId: this.id, canceled: true, compactRevision: h.compactRevision, cancelReason: MVCC_MESSAGES.compacted }, false);
        return;
      }
      assert(h.nextRevision > this.#nextRevision || h.nextRevision > this.#host.currentRevision, 'history read made no progress');
      const mine = this.#select(h.events);
      const last = h.events.at(-1);
      if (last !== undefined) assert(last.kv.modRevision >= this.#nextRevision && last.kv.modRevision < h.nextRevision, 'history out of order');
      this.#nextRevision = h.nextRevision;
      // Caught up with everything published: the live path takes over at
      // nextRevision (revisions the store applied but the hub has not yet
      // published are then skipped by offer(), as already delivered).
      if (h.nextRevision > this.#host.currentRevision) this.#state = 'synced';
      if (mine.length > 0) {
        const revision = Math.max(this.#host.currentRevision, h.nextRevision - 1);
        this.#push({ ...EMPTY, header: { revision }, watchId: this.id, events: mine });
        return;
      }
      if (this.#state === 'synced') return;
    }
  }

  #select(events: readonly Event[]): Event[] {
    const out: Event[] = [];
    for (const e of events) {
      if (!this.#matches(e.kv.key)) continue;
      if (e.type === 'PUT' ? this.#noPut : this.#noDelete) continue;
      if (!this.#prevKv && e.prevKv !== undefined) out.push({ type: e.type, kv: e.kv });
      else out.push(e);
    }
    return out;
  }

  /** The queue takes a response while under both bounds; an empty queue takes anything, so progress is always possible. */
  #fits(r: WatchResponse): boolean {
    if (this.#queue.length === 0) return true;
    return this.#queue.length < this.#host.maxQueuedResponses && this.#queuedBytes + responseBytes(r) <= this.#host.maxQueuedBytes;
  }

  #push(r: WatchResponse): void {
    this.#queue.push(r);
    this.#queuedBytes += responseBytes(r);
    this.#wake();
  }

  #wake(): void {
    const w = this.#waiter;
    this.#waiter = undefined;
    w?.();
  }
}
