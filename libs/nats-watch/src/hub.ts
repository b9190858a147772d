// One apiserver's connection to NATS, shared by every watch cache feed: it
// keeps the subscriptions the feeds ask for (the client re-sends them after a
// reconnect), follows the store's `_cursor` and `_reset` announcements, and
// tells the feeds about anything that may have lost messages — a disconnect
// or reconnect (the epoch moves), a break in the cursor chain, a reset.
// It never throws for an unreachable server: it connects in the background
// and feeds read from the store meanwhile.

import { connect, type MsgHdrs, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { CONTROL_TOKENS, DEFAULT_PREFIX, PREV_REVISION_HEADER } from '@logbook/nats-publisher';
import type { Logger } from '@logbook/apistorage';

export interface NatsWatchHubOptions {
  readonly servers: readonly string[];
  /** The store's --nats-subject-prefix. */
  readonly subjectPrefix?: string;
  readonly logger: Logger;
  /** Client name the server shows. */
  readonly name?: string;
  /**
   * The store's current revision. When set, a store that moves on while no
   * cursor announcement comes (its publisher cannot reach NATS, or the last
   * announcement was lost) counts as a loss after `staleAfterMs`, so feeds
   * read the store instead of waiting.
   */
  readonly storeRevision?: (signal: AbortSignal) => Promise<number>;
  /** Default 2000 ms. */
  readonly staleAfterMs?: number;
  /** Test seam: how to connect (default: the real client). */
  readonly connect?: (opts: { servers: string[]; name: string }) => Promise<NatsConnection>;
}

/** What a feed hears from the hub. */
export type HubEvent =
  /** Every revision ≤ `revision` has been published; `continuous`: no announcement (hence no change) was missed since the previous one. */
  | { readonly type: 'cursor'; readonly revision: number; readonly continuous: boolean }
  /** Messages may have been lost (disconnect, reconnect, a reset, the hub closing). */
  | { readonly type: 'loss'; readonly why: string };

export interface HubMessage {
  readonly subject: string;
  readonly data: Uint8Array;
}

type Listener = (e: HubEvent) => void;

interface Wanted {
  readonly subject: string;
  readonly onMessage: (m: HubMessage) => void;
  sub: Subscription | undefined;
}

const decoder = new TextDecoder();

/** A decimal revision from NATS bytes, or undefined. */
function parseRevision(text: string | undefined): number | undefined {
  if (text === undefined || !/^[0-9]{1,16}$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

function header(h: MsgHdrs | undefined, name: string): string | undefined {
  const v = h?.get(name);
  return v === undefined || v === '' ? undefined : v;
}

export class NatsWatchHub {
  readonly subjectPrefix: string;
  readonly #o: NatsWatchHubOptions;
  readonly #listeners = new Set<Listener>();
  readonly #wanted = new Set<Wanted>();
  #nc: NatsConnection | undefined;
  #connected = false;
  #closed = false;
  #epoch = 0;
  #lastCursor: number | undefined;
  #lastCursorEpoch = -1;
  #lastCursorAt = 0;
  /** The cursor value a staleness loss was last declared for (once per value). */
  #staleFor: number | undefined;
  readonly #abort = new AbortController();
  #staleTimer: ReturnType<typeof setInterval> | undefined;
  readonly #connecting: Promise<void>;

  private constructor(o: NatsWatchHubOptions) {
    this.#o = o;
    this.subjectPrefix = o.subjectPrefix ?? DEFAULT_PREFIX;
    this.#connecting = this.#connect();
    if (o.storeRevision !== undefined) {
      const every = o.staleAfterMs ?? 2_000;
      this.#staleTimer = setInterval(() => void this.#checkStale(every), every / 2);
      this.#staleTimer.unref();
    }
  }

  /** No cursor for a while, yet the store has moved past the last one: what was published (if anything) is not reaching us. */
  async #checkStale(afterMs: number): Promise<void> {
    const storeRevision = this.#o.storeRevision;
    if (storeRevision === undefined || !this.connected || Date.now() - this.#lastCursorAt < afterMs) return;
    const last = this.#lastCursor ?? 0;
    if (this.#staleFor === last) return;
    let current: number;
    try {
      current = await storeRevision(this.#abort.signal);
    } catch {
      return;
    }
    if (current > last && (this.#lastCursor ?? 0) === last && this.#staleFor !== last) {
      this.#staleFor = last;
      this.#o.logger.warn('nats watch: no cursor announcement while the store moved on; reading the store', { cursor: last, store: current });
      this.#lose('cursor announcements stopped');
    }
  }

  /** Starts connecting in the background; never throws for an unreachable server. */
  static start(o: NatsWatchHubOptions): NatsWatchHub {
    return new NatsWatchHub(o);
  }

  get connected(): boolean {
    return this.#connected && !this.#closed;
  }

  /** Moves on every disconnect, reconnect and reset: a feed that saw it move may have missed messages. */
  get epoch(): number {
    return this.#epoch;
  }

  /** Subscribes now if connected, else when the connection comes; the client keeps it across reconnects. Returns the unsubscribe. */
  subscribe(subject: string, onMessage: (m: HubMessage) => void): () => void {
    const w: Wanted = { subject, onMessage, sub: undefined };
    this.#wanted.add(w);
    if (this.#nc !== undefined && this.#connected) this.#open(this.#nc, w);
    return () => {
      this.#wanted.delete(w);
      w.sub?.unsubscribe();
      w.sub = undefined;
    };
  }

  listen(l: Listener): () => void {
    this.#listeners.add(l);
    return () => this.#listeners.delete(l);
  }

  /** Resolves once the server has processed everything sent so far (our subscriptions included); rejects when not connected. */
  async flush(): Promise<void> {
    const nc = this.#nc;
    if (nc === undefined || !this.#connected) throw new Error('nats: not connected');
    await nc.flush();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#staleTimer !== undefined) clearInterval(this.#staleTimer);
    this.#abort.abort();
    this.#lose('closing');
    await this.#nc?.close().catch(() => undefined);
    await this.#connecting.catch(() => undefined);
  }

  #open(nc: NatsConnection, w: Wanted): void {
    w.sub = nc.subscribe(w.subject, {
      callback: (err, msg) => {
        if (err !== null) {
          this.#o.logger.warn('nats watch: subscription error', { subject: w.subject, error: err.message });
          this.#lose(`subscription error on ${w.subject}`);
          return;
        }
        w.onMessage({ subject: msg.subject, data: msg.data });
      },
    });
  }

  #emit(e: HubEvent): void {
    for (const l of [...this.#listeners]) l(e);
  }

  #lose(why: string): void {
    this.#epoch++;
    this.#emit({ type: 'loss', why });
  }

  #onCursor(data: Uint8Array, h: MsgHdrs | undefined): void {
    const revision = parseRevision(decoder.decode(data));
    if (revision === undefined) {
      this.#o.logger.warn('nats watch: ignoring a malformed cursor', { body: decoder.decode(data).slice(0, 40) });
      return;
    }
    // A deposed leader's late announcement: nothing new.
    if (this.#lastCursor !== undefined && revision <= this.#lastCursor) return;
    const prev = parseRevision(header(h, PREV_REVISION_HEADER));
    const continuous = prev !== undefined && prev === this.#lastCursor && this.#lastCursorEpoch === this.#epoch;
    this.#lastCursor = revision;
    this.#lastCursorEpoch = this.#epoch;
    this.#lastCursorAt = Date.now();
    this.#emit({ type: 'cursor', revision, continuous });
  }

  async #connect(): Promise<void> {
    const name = this.#o.name ?? 'logbook-apiserver';
    const servers = [...this.#o.servers];
    const dial = this.#o.connect ?? ((opts) => connect({ ...opts, reconnect: true, maxReconnectAttempts: -1, waitOnFirstConnect: true, reconnectTimeWait: 500 }));
    let nc: NatsConnection;
    try {
      nc = await dial({ servers, name });
    } catch (err) {
      if (!this.#closed) this.#o.logger.warn('nats watch: cannot connect; watch caches read from the store', { error: String(err) });
      return;
    }
    if (this.#closed) {
      await nc.close();
      return;
    }
    this.#nc = nc;
    this.#connected = true;
    this.#o.logger.info('nats watch: connected', { server: nc.getServer() });
    // Control subjects first, then whatever the feeds asked for before the connection came.
    nc.subscribe(`${this.subjectPrefix}.${CONTROL_TOKENS.cursor}`, { callback: (err, msg) => (err === null ? this.#onCursor(msg.data, msg.headers) : undefined) });
    nc.subscribe(`${this.subjectPrefix}.${CONTROL_TOKENS.reset}`, { callback: (err) => (err === null ? this.#lose('the store reset its publishing (history compacted)') : undefined) });
    for (const w of this.#wanted) this.#open(nc, w);
    this.#lose('connected');
    void this.#follow(nc);
  }

  async #follow(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') {
        this.#connected = false;
        this.#o.logger.warn('nats watch: disconnected', { server: s.server });
        this.#lose('disconnected');
      } else if (s.type === 'reconnect') {
        this.#connected = true;
        this.#o.logger.info('nats watch: reconnected', { server: s.server });
        this.#lose('reconnected');
      } else if (s.type === 'slowConsumer') {
        this.#lose('slow consumer');
      }
    }
    this.#connected = false;
    if (!this.#closed) this.#lose('connection closed');
  }
}
