// The publisher's connection to NATS: connects in the background and keeps
// trying (capped backoff) while NATS is unreachable, never throwing at the
// caller; follows the client's own reconnects through its status stream, and
// starts over with a fresh connection if the client gives up and closes.
// It reports `up` (with whether the connection is new, so subscriptions must
// be made again); while down, `connection` is undefined.

import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '@logbook/raft';
import { NatsPublisherError } from './errors.ts';
import type { ResolvedOptions } from './options.ts';

export interface LinkListener {
  up(fresh: boolean): void;
}

export function backoffMs(base: number, max: number, failures: number): number {
  return Math.min(max, base * 2 ** Math.min(Math.max(failures - 1, 0), 30));
}

export class NatsLink {
  readonly #o: ResolvedOptions;
  readonly #logger: Logger;
  readonly #listener: LinkListener;
  #nc: NatsConnection | undefined;
  #connected = false;
  #closed = false;
  #failures = 0;
  #timer: unknown;
  #watching: Promise<void> | undefined;

  constructor(options: ResolvedOptions, logger: Logger, listener: LinkListener) {
    this.#o = options;
    this.#logger = logger;
    this.#listener = listener;
  }

  /** The connection while connected, else undefined. */
  get connection(): NatsConnection | undefined {
    return this.#connected ? this.#nc : undefined;
  }

  get connected(): boolean {
    return this.#connected;
  }

  /** One attempt now; on failure, retries continue in the background. */
  async start(): Promise<void> {
    await this.#attempt();
  }

  async #attempt(): Promise<void> {
    if (this.#closed) return;
    let nc: NatsConnection;
    try {
      nc = await connect({
        servers: this.#o.servers,
        name: this.#o.name,
        reconnect: true,
        maxReconnectAttempts: -1,
        reconnectTimeWait: this.#o.reconnectTimeWaitMs,
        timeout: this.#o.connectTimeoutMs,
      });
    } catch (cause) {
      this.#failures++;
      const delayMs = backoffMs(this.#o.retryBaseMs, this.#o.retryMaxMs, this.#failures);
      const err = new NatsPublisherError('connectFailed', `cannot connect to NATS at ${this.#o.servers.join(',')}`, { cause });
      this.#logger.warn('nats: connect failed; retrying', { error: describe(err), attempt: this.#failures, delayMs });
      this.#schedule(delayMs);
      return;
    }
    if (this.#closed) {
      await nc.close();
      return;
    }
    this.#failures = 0;
    this.#nc = nc;
    this.#connected = true;
    this.#logger.info('nats: connected', { server: nc.getServer() });
    this.#watching = this.#watch(nc);
    this.#listener.up(true);
  }

  #schedule(delayMs: number): void {
    this.#timer = this.#o.timers.setTimeout(() => {
      this.#timer = undefined;
      void this.#attempt();
    }, delayMs);
  }

  async #watch(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') {
        this.#connected = false;
        this.#logger.warn('nats: disconnected; the client is reconnecting', { server: s.server });
      } else if (s.type === 'reconnect') {
        this.#connected = true;
        this.#logger.info('nats: reconnected', { server: s.server });
        this.#listener.up(false);
      }
    }
    // The status stream ends only when the connection is closed for good.
    if (this.#nc !== nc) return;
    this.#nc = undefined;
    this.#connected = false;
    if (this.#closed) return;
    const why = await nc.closed();
    this.#logger.warn('nats: connection closed; connecting again', { error: why instanceof Error ? why.message : 'closed' });
    this.#failures++;
    this.#schedule(backoffMs(this.#o.retryBaseMs, this.#o.retryMaxMs, this.#failures));
  }

  /** Forces the client to drop its connection (and its unsent buffer) and reconnect. */
  forceReconnect(): void {
    const nc = this.#nc;
    if (nc === undefined) return;
    nc.reconnect().catch((e: unknown) => this.#logger.debug('nats: forced reconnect refused', { error: describe(e) }));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== undefined) this.#o.timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    const nc = this.#nc;
    this.#connected = false;
    if (nc !== undefined) await nc.close();
    await this.#watching;
  }
}

export function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  return e.cause instanceof Error ? `${e.message}: ${e.cause.message}` : e.message;
}
