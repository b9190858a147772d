// A TCP forwarder: every connection accepted on `listen` is paired with a new
// connection to `target`, bytes copied both ways with back-pressure (pipe),
// and either side closing or failing tears down both. It exists so a test
// harness can cut a store member off from its peers: `logbook cluster up
// --peer-proxies` puts one in front of each member's peer port, and SIGSTOP
// or SIGKILL of the forwarder stops every message the other members send to
// that member (see cluster-layout.ts for which direction that cuts).

import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '@logbook/raft';

export interface TcpProxyOptions {
  readonly listenHost: string;
  readonly listenPort: number;
  readonly targetHost: string;
  readonly targetPort: number;
  /**
   * Connections open at once. At the bound a new connection is closed at once
   * (the peer reconnects with backoff), never queued: a proxy that buffered
   * without limit would hide exactly the overload a test wants to see.
   */
  readonly maxConnections: number;
  /** How long a dial of the target may take before the client's connection is dropped. */
  readonly connectTimeoutMs: number;
  readonly logger: Logger;
}

export const DEFAULT_MAX_CONNECTIONS = 256;
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

export class TcpProxy {
  readonly #o: TcpProxyOptions;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #active = 0;
  #refused = 0;
  #closing: Promise<void> | undefined;
  #resolveClosed!: (err: Error | undefined) => void;
  /** Resolves when the proxy stopped: with the error that stopped it (the listener failed), if one did. */
  readonly closed: Promise<Error | undefined> = new Promise((r) => (this.#resolveClosed = r));

  private constructor(o: TcpProxyOptions, server: Server) {
    this.#o = o;
    this.#server = server;
  }

  /** Listens; rejects when the port cannot be bound. */
  static async start(o: TcpProxyOptions): Promise<TcpProxy> {
    if (!Number.isSafeInteger(o.maxConnections) || o.maxConnections < 1) throw new RangeError(`maxConnections must be a positive integer (got ${o.maxConnections})`);
    if (!(o.connectTimeoutMs > 0)) throw new RangeError(`connectTimeoutMs must be positive (got ${o.connectTimeoutMs})`);
    const server = createServer({ pauseOnConnect: true });
    const proxy = new TcpProxy(o, server);
    server.on('connection', (s) => proxy.#accept(s));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(o.listenPort, o.listenHost, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (e) => {
      o.logger.error('listener failed', { error: e.message });
      void proxy.#shutdown(e);
    });
    o.logger.info('forwarding', { listen: `${o.listenHost}:${proxy.port}`, target: `${o.targetHost}:${o.targetPort}`, maxConnections: o.maxConnections });
    return proxy;
  }

  /** The bound port (the ephemeral one when listenPort was 0). */
  get port(): number {
    const a = this.#server.address();
    if (a === null || typeof a === 'string') throw new Error('the proxy is not listening on TCP');
    return a.port;
  }

  get activeConnections(): number {
    return this.#active;
  }

  /** Connections closed at once because `maxConnections` were open. */
  get refusedConnections(): number {
    return this.#refused;
  }

  #accept(client: Socket): void {
    if (this.#closing !== undefined || this.#active >= this.#o.maxConnections) {
      this.#refused++;
      // Logged once per power of two, so a reconnect storm cannot fill the disk.
      if ((this.#refused & (this.#refused - 1)) === 0) this.#o.logger.warn('connection refused at the bound', { refused: this.#refused, maxConnections: this.#o.maxConnections });
      client.destroy();
      return;
    }
    this.#active++;
    this.#sockets.add(client);
    const upstream = connect({ host: this.#o.targetHost, port: this.#o.targetPort });
    this.#sockets.add(upstream);
    let done = false;
    const teardown = (): void => {
      if (done) return;
      done = true;
      this.#active--;
      client.destroy();
      upstream.destroy();
      this.#sockets.delete(client);
      this.#sockets.delete(upstream);
    };
    upstream.setTimeout(this.#o.connectTimeoutMs, teardown);
    upstream.once('connect', () => {
      upstream.setTimeout(0);
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    // Errors are the normal end of a peer connection here (a member killed, a reset): no log line each.
    for (const s of [client, upstream]) {
      s.once('error', teardown);
      s.once('close', teardown);
    }
  }

  async #shutdown(err: Error | undefined): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      for (const s of this.#sockets) s.destroy();
    });
    await this.#closing;
    this.#o.logger.info('stopped', { refused: this.#refused });
    this.#resolveClosed(err);
  }

  /** Stops listening and drops every forwarded connection (as a cut would). */
  close(): Promise<void> {
    return this.#shutdown(undefined);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
