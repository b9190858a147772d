// The changes under one resource prefix, after a revision, in revision order:
// what a watch cache follows (a Watch with bookmarks, like the store's own).
// Two sources, one at a time (DESIGN.md):
//
// - direct: an etcd watch on the store from the last delivered revision —
//   at the start, and whenever NATS may have lost something;
// - NATS: the store's published changes, buffered from the moment our
//   subscriptions reached the server and released in revision order at each
//   `_cursor` announcement, each subject's chain checked.
//
// The feed switches to NATS once the direct watch has delivered up to a
// revision X read *after* the subscriptions were confirmed (every later
// revision was published after that, so it is in the buffer), and nothing
// was lost since. It goes back to direct on a disconnect, a reconnect, a
// reset, a broken cursor chain, a chain gap, a reference message (too big for
// NATS) or a full buffer. A gap discovered behind what was already delivered
// cannot be repaired in order: the feed ends as "too old", and the cache
// relists.

import type { KubeObject, Logger, Storage, Watch, WatchEvent } from '@logbook/apistorage';
import { decodeStoredObject, StorageError, type ValueTransformer } from '@logbook/apistorage';
import { classify, decodePublishedChange, subjectForKey, type PublishedChange } from '@logbook/nats-publisher';
import type { Event } from '@logbook/mvcc';
import type { HubEvent, HubMessage, NatsWatchHub } from './hub.ts';

/** The store side a feed reads when NATS cannot be trusted. */
export interface FeedStore {
  readonly storage: Storage;
  /** Ask the store to send progress (bookmarks) on open watches. */
  requestWatchProgress(signal?: AbortSignal): Promise<void>;
}

export interface FeedLimits {
  /** Published changes held while waiting for a cursor or for the direct watch to catch up. */
  readonly maxBufferedMessages: number;
  readonly maxBufferedBytes: number;
  /** Per-subject chain positions kept; beyond, all are forgotten (false gaps, repaired, possible). */
  readonly maxTrackedSubjects: number;
  /** While the direct watch waits to reach X, progress is requested this often. */
  readonly progressIntervalMs: number;
}

export const DEFAULT_FEED_LIMITS: FeedLimits = {
  maxBufferedMessages: 10_000,
  maxBufferedBytes: 64 * 1024 * 1024,
  maxTrackedSubjects: 100_000,
  progressIntervalMs: 200,
};

export interface FeedWatchOptions {
  readonly hub: NatsWatchHub;
  readonly store: FeedStore;
  readonly prefix: string;
  readonly fromRevision: number;
  /** The cache's current object at a key: a deletion's last state (published changes carry no previous value). */
  readonly lookup: (key: string) => KubeObject | undefined;
  /** Encryption at rest: published values are the stored (encrypted) bytes. */
  readonly transformer?: ValueTransformer | undefined;
  readonly signal: AbortSignal;
  readonly limits?: Partial<FeedLimits>;
  readonly logger: Logger;
  /** Counts phase changes, for metrics and tests. */
  readonly onPhase?: (phase: 'direct' | 'nats', why: string) => void;
}

interface Buffered {
  readonly subject: string;
  readonly change: PublishedChange;
  readonly bytes: number;
}

const textDecoder = new TextDecoder();

function bookmark(revision: number): WatchEvent {
  return { type: 'BOOKMARK', object: { metadata: { resourceVersion: String(revision) } } };
}

function revisionOf(ev: WatchEvent): number {
  return Number(ev.object.metadata.resourceVersion);
}

/** What the direct phase ended with. */
type DirectEnd = { readonly kind: 'switch' } | { readonly kind: 'ended'; readonly error: Error | undefined };
/** What the NATS phase ended with. */
type NatsEnd = { readonly kind: 'direct'; readonly why: string } | { readonly kind: 'relist'; readonly why: string } | { readonly kind: 'closed' };

export class FeedWatch implements Watch {
  readonly closed: Promise<Error | undefined>;
  readonly #o: FeedWatchOptions;
  readonly #limits: FeedLimits;
  readonly #abort = new AbortController();
  readonly #subjects: readonly string[];
  #resolveClosed!: (e: Error | undefined) => void;
  #done = false;
  #iterated = false;
  #delivered: number;
  // Published changes not yet delivered, in arrival order (sorted when released).
  #buffer: Buffered[] = [];
  #bufferBytes = 0;
  #overflowed = false;
  // The highest cursor heard; every possible loss (hub loss, broken cursor chain) moves lossEpoch.
  #cursor = 0;
  #lossEpoch = 0;
  #wake: (() => void) | undefined;

  constructor(o: FeedWatchOptions) {
    this.#o = o;
    this.#limits = { ...DEFAULT_FEED_LIMITS, ...o.limits };
    this.#delivered = o.fromRevision;
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
    // Cluster-scoped keys sit on `<p>.<resource>`, namespaced ones one token deeper.
    const base = subjectForKey(o.hub.subjectPrefix, `${o.prefix}x`);
    this.#subjects = [base, `${base}.>`];
    if (o.signal.aborted) this.close();
    else o.signal.addEventListener('abort', () => this.close(), { once: true });
  }

  close(): void {
    this.#finish(undefined);
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    if (this.#iterated) throw new Error('a watch has a single consumer: iterate it once');
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

  #finish(error: Error | undefined): void {
    if (this.#done) return;
    this.#done = true;
    this.#abort.abort();
    this.#wake?.();
    this.#resolveClosed(error);
  }

  #poke(): void {
    const w = this.#wake;
    this.#wake = undefined;
    w?.();
  }

  #sleep(): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = resolve;
    });
  }

  #onMessage = (m: HubMessage): void => {
    if (this.#done || this.#overflowed) return;
    let change: PublishedChange;
    try {
      change = decodePublishedChange(m.data);
    } catch (err) {
      // Not a message the store wrote: whatever it should have said is unknown.
      this.#o.logger.warn('nats watch: undecodable change message', { subject: m.subject, error: String(err) });
      this.#overflow();
      return;
    }
    if (change.revision <= this.#delivered) return;
    this.#buffer.push({ subject: m.subject, change, bytes: m.data.length });
    this.#bufferBytes += m.data.length;
    if (this.#buffer.length > this.#limits.maxBufferedMessages || this.#bufferBytes > this.#limits.maxBufferedBytes) this.#overflow();
  };

  /** The buffer cannot be trusted as complete any more: drop it; the direct phase takes over and re-arms. */
  #overflow(): void {
    this.#overflowed = true;
    this.#buffer = [];
    this.#bufferBytes = 0;
    this.#poke();
  }

  #onHub = (e: HubEvent): void => {
    if (e.type === 'loss' || !e.continuous) this.#lossEpoch++;
    if (e.type === 'cursor' && e.revision > this.#cursor) this.#cursor = e.revision;
    this.#poke();
  };

  async *#run(): AsyncGenerator<WatchEvent, undefined> {
    const unsubscribe = this.#subjects.map((s) => this.#o.hub.subscribe(s, this.#onMessage));
    const unlisten = this.#o.hub.listen(this.#onHub);
    try {
      for (;;) {
        const direct = yield* this.#direct();
        if (this.#done) return undefined;
        if (direct.kind === 'ended') {
          this.#finish(direct.error ?? new StorageError('unreachable', this.#o.prefix, 'the store watch ended'));
          return undefined;
        }
        this.#o.onPhase?.('nats', 'caught up with what NATS holds');
        const nats = yield* this.#nats();
        if (nats.kind === 'closed' || this.#done) return undefined;
        if (nats.kind === 'relist') {
          this.#o.logger.warn('nats watch: a change behind the cache was lost; relisting', { prefix: this.#o.prefix, why: nats.why });
          this.#finish(new StorageError('resourceVersionTooOld', this.#o.prefix, `a published change behind revision ${this.#delivered} was lost: ${nats.why}`));
          return undefined;
        }
        this.#o.onPhase?.('direct', nats.why);
      }
    } finally {
      for (const u of unsubscribe) u();
      unlisten();
      this.#finish(undefined);
    }
  }

  /**
   * Reads the store from the last delivered revision until NATS can be
   * trusted from there on. Returns `switch` then, or how the store watch ended.
   */
  async *#direct(): AsyncGenerator<WatchEvent, DirectEnd> {
    const hub = this.#o.hub;
    let target: number | undefined;
    let targetLoss = -1;
    let arming = false;
    const arm = (): void => {
      if (arming || !hub.connected || this.#done) return;
      arming = true;
      const loss = this.#lossEpoch;
      this.#overflowed = false;
      // Our subscriptions are at the server once the flush returns: every revision committed after X is in the buffer.
      void hub.flush()
        .then(() => this.#o.store.storage.currentRevision(this.#abort.signal))
        .then((x) => {
          if (loss === this.#lossEpoch && !this.#overflowed) {
            target = x;
            targetLoss = loss;
          }
        })
        .catch(() => undefined)
        .finally(() => {
          arming = false;
          this.#poke();
        });
    };
    const ready = (): boolean => target !== undefined && this.#delivered >= target && targetLoss === this.#lossEpoch && !this.#overflowed && hub.connected;
    const w = await this.#o.store.storage.watch(this.#o.prefix, { resourceVersion: String(this.#delivered), recursive: true, bookmarks: true, signal: this.#abort.signal });
    const timer = setInterval(() => {
      if (target === undefined || targetLoss !== this.#lossEpoch || this.#overflowed) {
        target = undefined;
        arm();
      } else if (this.#delivered < target) {
        this.#o.store.requestWatchProgress(this.#abort.signal).catch(() => undefined);
      } else if (ready()) {
        // Caught up while idle: no event will come to end the loop below.
        w.close();
      }
    }, this.#limits.progressIntervalMs);
    timer.unref();
    arm();
    try {
      for await (const ev of w) {
        if (this.#done) break;
        if (ev.type === 'ERROR') continue; // the watch ends with its error in `closed`
        const rev = revisionOf(ev);
        if (ev.type === 'BOOKMARK') {
          if (rev > this.#delivered) {
            this.#delivered = rev;
            yield ev;
          }
        } else {
          this.#delivered = rev;
          yield ev;
        }
        if (ready()) {
          w.close();
          return { kind: 'switch' };
        }
      }
      if (ready()) return { kind: 'switch' };
      return { kind: 'ended', error: await w.closed };
    } finally {
      clearInterval(timer);
      w.close();
    }
  }

  /** Releases buffered changes at each cursor, in revision order, until NATS can no longer be trusted. */
  async *#nats(): AsyncGenerator<WatchEvent, NatsEnd> {
    const start = this.#delivered;
    const loss = this.#lossEpoch;
    const lastSeen = new Map<string, number>();
    this.#buffer = this.#buffer.filter((b) => b.change.revision > start);
    this.#bufferBytes = this.#buffer.reduce((n, b) => n + b.bytes, 0);
    for (;;) {
      if (this.#done) return { kind: 'closed' };
      if (this.#lossEpoch !== loss) return { kind: 'direct', why: 'NATS may have lost changes (reconnect, reset, or a missed cursor)' };
      if (this.#overflowed) return { kind: 'direct', why: 'change buffer full' };
      const cursor = this.#cursor;
      if (cursor <= this.#delivered) {
        await this.#sleep();
        continue;
      }
      // Everything ≤ cursor was published, and reached us (no loss, no break): release it in order.
      const ready = this.#buffer.filter((b) => b.change.revision <= cursor).sort((a, b) => a.change.revision - b.change.revision);
      this.#buffer = this.#buffer.filter((b) => b.change.revision > cursor);
      this.#bufferBytes = this.#buffer.reduce((n, b) => n + b.bytes, 0);
      for (const b of ready) {
        const last = lastSeen.get(b.subject) ?? start;
        const kind = classify(last, b.change);
        if (kind === 'duplicate') continue;
        if (kind === 'gap') {
          // Missing changes on this subject in (last, prev]: ahead of us, the store can fill them in order; behind, it cannot.
          if (b.change.prevRevision > this.#delivered) return { kind: 'direct', why: `gap on ${b.subject} before ${b.change.revision}` };
          return { kind: 'relist', why: `gap on ${b.subject}: ${b.change.prevRevision} after ${last}` };
        }
        if (b.change.reference) return { kind: 'direct', why: `change ${b.change.revision} too large for NATS` };
        for (const ev of b.change.events) {
          const out = this.#convert(ev);
          if (out === 'missing') return { kind: 'relist', why: `deleted key unknown to the cache at ${ev.kv.modRevision}` };
          if (out !== undefined) yield out;
        }
        if (lastSeen.size >= this.#limits.maxTrackedSubjects) lastSeen.clear();
        lastSeen.set(b.subject, b.change.revision);
        this.#delivered = b.change.revision;
        if (this.#done) return { kind: 'closed' };
      }
      if (cursor > this.#delivered) {
        this.#delivered = cursor;
        yield bookmark(cursor);
      }
    }
  }

  /** A published event as a watch event; undefined for keys outside the prefix; 'missing' for a deletion the cache cannot describe. */
  #convert(ev: Event): WatchEvent | undefined | 'missing' {
    const key = textDecoder.decode(ev.kv.key);
    if (!key.startsWith(this.#o.prefix)) return undefined;
    const rev = ev.kv.modRevision;
    if (ev.type === 'DELETE') {
      const last = ev.prevKv !== undefined ? decodeStoredObject(ev.prevKv.value, key, rev, this.#o.transformer) : this.#o.lookup(key);
      if (last === undefined) return 'missing';
      return { type: 'DELETED', object: { ...last, metadata: { ...last.metadata, resourceVersion: String(rev) } } };
    }
    return { type: ev.kv.createRevision === rev ? 'ADDED' : 'MODIFIED', object: decodeStoredObject(ev.kv.value, key, rev, this.#o.transformer) };
  }
}
