// A gRPC server: the gRPC-over-HTTP/2 wire protocol on
// h2-connection.ts (HTTP/2 framing of our own over the socket), for the etcd
// store's client port and the members' peer port (raw bytes in and out;
// the caller decodes).
//
// Why not @grpc/grpc-js's server: profiling a member under the bench showed
// its per-message layers (interceptors, filters, per-call objects) costing
// more CPU than the rest of a put's apply, and it writes every message of a
// stream separately, so a watch stream carrying 100 watchers paid 100 writes
// per revision. Why not node:http2 underneath: see h2-connection.ts (its
// per-stream JavaScript cost ~3.5x the CPU of a small call). Here each call
// is a thin object over its HTTP/2 stream, and a stream's messages produced
// in one turn of the event loop go out as one write. What a gRPC server must
// do is all here: length-prefixed messages (gzip/deflate accepted, identity sent), the receive limit, grpc-timeout,
// metadata incl. -bin headers, status and percent-encoded message in the
// trailers (trailers-only for an error before any message), cancellation,
// back-pressure, keepalive pings, graceful and forced shutdown.
//
// Limits: a message larger than maxReceiveMessageBytes fails its call with
// RESOURCE_EXHAUSTED (grpc-go's text) and nothing of it is buffered past the
// limit; a connection holds at most maxConcurrentStreams calls (more are
// refused) and its header blocks are bounded (h2-connection.ts); a stream's
// unsent writes are reported through write() returning false.
//
// Any :authority is accepted, as Go's HTTP/2 server does: etcdctl 3.4 puts
// the endpoint URL there ("http://127.0.0.1:2379") for per-endpoint commands.

import { lookup } from 'node:dns/promises';
import { createServer as createNetServer, isIP, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { createServer as createTlsServer, type SecureContextOptions, type TLSSocket } from 'node:tls';
import { gunzipSync, inflateSync } from 'node:zlib';
import { GRPC_FRAME_COPY_LIMIT as COPY_LIMIT, GRPC_FRAME_HEADER_BYTES as FRAME_HEADER, grpcFrame } from './grpc-frame.ts';
import { H2Connection, encodeHeaderBlock, type H2Headers, type H2Stream } from './h2-connection.ts';
import type { HeaderField } from './hpack.ts';

export const GRPC_STATUS = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

export interface GrpcStatus {
  readonly code: number;
  readonly message: string;
}

/** Request metadata: the request's headers minus HTTP/2 and gRPC's own; `-bin` values base64-decoded. */
export class CallMetadata {
  readonly #headers: Readonly<Record<string, string | string[] | undefined>>;

  constructor(headers: Readonly<Record<string, string | string[] | undefined>>) {
    this.#headers = headers;
  }

  /** Every value sent under `key` (case-insensitive); Buffers for `-bin` keys, strings otherwise. */
  get(key: string): (string | Buffer)[] {
    const k = key.toLowerCase();
    if (k.startsWith(':') || k.startsWith('grpc-')) return [];
    const raw = this.#headers[k];
    if (raw === undefined) return [];
    const values = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => (k.endsWith('-bin') ? v.split(',') : [v]));
    return k.endsWith('-bin') ? values.map((v) => Buffer.from(v.trim(), 'base64')) : values;
  }
}

export interface CallContext {
  readonly metadata: CallMetadata;
  /** Aborted when the client cancels, the deadline passes, the connection goes or the server shuts down. */
  readonly signal: AbortSignal;
}

/**
 * A unary response whose bytes the handler wants back: the server writes
 * them without a copy and calls sent() once it reads them no more (they
 * reached the kernel, or the call or connection went away). Once.
 */
export interface UnaryReply {
  readonly bytes: Uint8Array;
  readonly sent: () => void;
}

export type UnaryHandler = (request: Buffer, call: CallContext) => Promise<Uint8Array | UnaryReply> | Uint8Array | UnaryReply;

export interface StreamCall extends CallContext {
  /** Each request message, in order. */
  onMessage(fn: (message: Buffer) => void): void;
  /** The client half-closed (it sends nothing more). */
  onHalfClose(fn: () => void): void;
  /** The call is over: ended by end(), cancelled, or failed. Once. */
  onClose(fn: () => void): void;
  /**
   * Delivers no more messages (nor the half-close) until resume(), and stops
   * crediting the client's flow-control window: it can send at most one
   * stream window (1 MiB) more, which waits here.
   */
  pause(): void;
  /** Delivers what waited, on a later tick, and lets the client send again. */
  resume(): void;
  /** Queues a response message; false once the stream's unsent bytes pass its high-water mark (wait for drained()). */
  write(message: Uint8Array): boolean;
  /** Resolves when write() may be called again without growing the backlog (or the call is over). */
  drained(): Promise<void>;
  /** Ends the call: OK, or the error's status (a GrpcStatusError's own, else mapped by the server's toStatus). */
  end(error?: unknown): void;
  readonly closed: boolean;
}

export type StreamHandler = (call: StreamCall) => void;

export type GrpcMethod =
  | { readonly kind: 'unary'; readonly handler: UnaryHandler }
  /** Client-streaming or not, the handler sees each request message; a server-streaming call's single request is its first. */
  | { readonly kind: 'stream'; readonly handler: StreamHandler };

export interface GrpcServerOptions {
  /** Largest request message accepted (grpc's max receive message length). */
  readonly maxReceiveMessageBytes: number;
  /** Maps any error a handler throws to the status the client sees. */
  readonly toStatus: (err: unknown) => GrpcStatus;
  /** Ping an idle-looking connection this often; 0 disables. */
  readonly keepaliveTimeMs?: number;
  /** Close the connection when a ping is not answered within this. */
  readonly keepaliveTimeoutMs?: number;
  /** Unsent response bytes per stream before write() reports back-pressure. Default 1 MiB. */
  readonly streamHighWaterMarkBytes?: number;
  /** Calls open at once on one connection (SETTINGS_MAX_CONCURRENT_STREAMS); more are refused. Default 10,000. */
  readonly maxConcurrentStreams?: number;
  readonly onError?: (what: string, err: unknown) => void;
}

export interface GrpcTls extends SecureContextOptions {
  /** Ask for and require a client certificate signed by `ca`. */
  readonly clientCertAuth: boolean;
}

const DEFAULT_HIGH_WATER_MARK = 1024 * 1024;
const DEFAULT_MAX_CONCURRENT_STREAMS = 10_000;
/** The response headers and the OK trailers never change: encoded once. */
const RESPONSE_HEADERS = encodeHeaderBlock([[':status', '200'], ['content-type', 'application/grpc'], ['grpc-accept-encoding', 'identity,deflate,gzip']]);
const OK_TRAILERS = encodeHeaderBlock([['grpc-status', '0']]);
const EMPTY = Buffer.alloc(0);
const TIMEOUT_UNITS_MS: Readonly<Record<string, number>> = { H: 3_600_000, M: 60_000, S: 1_000, m: 1, u: 0.001, n: 0.000001 };
/** Node timers hold at most 2^31-1 ms; a longer deadline is as good as none. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** grpc-message: percent-encode everything outside printable ASCII and '%' itself (the gRPC spec's rule). */
export function encodeGrpcMessage(message: string): string {
  let out = '';
  for (const byte of Buffer.from(message, 'utf8')) {
    out += byte >= 0x20 && byte <= 0x7e && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The grpc-timeout header in ms, or undefined when absent or malformed (then no deadline, as grpc-go). */
export function parseGrpcTimeout(value: string | string[] | undefined): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{1,8})([HMSmun])$/.exec(value);
  if (m === null) return undefined;
  return Number(m[1]) * TIMEOUT_UNITS_MS[m[2]!]!;
}

function isUnavailableAddress(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;
  return code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT';
}

/** Thrown or passed to end(): the call fails with exactly this status (the server's toStatus is not consulted). */
export class GrpcStatusError extends Error {
  readonly status: GrpcStatus;
  constructor(code: number, message: string) {
    super(message);
    this.status = { code, message };
  }
}

/** One call on one HTTP/2 stream. */
class Call implements StreamCall {
  readonly metadata: CallMetadata;
  readonly #stream: H2Stream;
  readonly #server: GrpcServer;
  readonly #ac = new AbortController();
  readonly #encoding: string;
  readonly #maxMessage: number;
  readonly #hwm: number;
  #timer: NodeJS.Timeout | undefined;
  #headersSent = false;
  #done = false;
  #trailers: readonly HeaderField[] | Buffer = OK_TRAILERS;
  // Receive side: buffered chunks of the message being assembled.
  #chunks: Buffer[] = [];
  #chunkBytes = 0;
  /** Length of the message being assembled, once its 5-byte prefix is in. */
  #need: number | undefined;
  #compressed = false;
  #onMessage: ((m: Buffer) => void) | undefined;
  #early: Buffer[] = [];
  #onHalfClose: (() => void) | undefined;
  /** The client's END_STREAM arrived. */
  #remoteEnded = false;
  /** The half-close was delivered: after every message before it. */
  #halfClosed = false;
  #paused = false;
  readonly #onClose: (() => void)[] = [];
  // Send side: framed messages waiting for this turn's single write.
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #flushScheduled = false;
  /** The HTTP/2 stream's last write() returned false: wait for its 'drain'. */
  #needDrain = false;
  #drainWait: Promise<void> | undefined;
  #wakeDrained: (() => void) | undefined;

  constructor(server: GrpcServer, stream: H2Stream, headers: H2Headers, maxMessage: number, hwm: number) {
    this.#server = server;
    this.#stream = stream;
    this.metadata = new CallMetadata(headers);
    this.#encoding = typeof headers['grpc-encoding'] === 'string' ? headers['grpc-encoding'] : 'identity';
    this.#maxMessage = maxMessage;
    this.#hwm = hwm;
    const timeoutMs = parseGrpcTimeout(headers['grpc-timeout']);
    if (timeoutMs !== undefined && timeoutMs < MAX_TIMER_MS) {
      this.#timer = setTimeout(() => this.#fail({ code: GRPC_STATUS.DEADLINE_EXCEEDED, message: 'Deadline exceeded' }, 'deadline exceeded'), Math.max(0, Math.ceil(timeoutMs)));
    }
    stream.onData = (chunk: Buffer) => {
      try {
        this.#receive(chunk);
      } catch (err) {
        // A handler's onMessage threw: a bug, answered as one rather than taking the process down.
        this.#server.report('message handler', err);
        this.end(err);
      }
    };
    stream.onEnd = () => {
      this.#remoteEnded = true;
      try {
        this.#parse();
      } catch (err) {
        this.#server.report('half-close handler', err);
        this.end(err);
      }
    };
    stream.onClose = () => this.#settle('the client cancelled the call');
  }

  get signal(): AbortSignal {
    return this.#ac.signal;
  }

  get closed(): boolean {
    return this.#done;
  }

  onMessage(fn: (message: Buffer) => void): void {
    this.#onMessage = fn;
    const early = this.#early;
    this.#early = [];
    for (const m of early) if (!this.#done) fn(m);
  }

  onHalfClose(fn: () => void): void {
    this.#onHalfClose = fn;
    if (this.#halfClosed && !this.#done) fn();
  }

  onClose(fn: () => void): void {
    if (this.#done) fn();
    else this.#onClose.push(fn);
  }

  pause(): void {
    if (this.#done || this.#paused) return;
    this.#paused = true;
    this.#stream.pause();
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#stream.resume();
    process.nextTick(() => {
      try {
        this.#parse();
      } catch (err) {
        this.#server.report('message handler', err);
        this.end(err);
      }
    });
  }

  write(message: Uint8Array): boolean {
    if (this.#done) return false;
    this.#sendHeaders();
    for (const part of grpcFrame(message)) {
      this.#pending.push(part);
      this.#pendingBytes += part.byteLength;
    }
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => this.#flush());
    }
    return this.#writable();
  }

  drained(): Promise<void> {
    if (this.#writable()) return Promise.resolve();
    this.#drainWait ??= new Promise<void>((resolve) => (this.#wakeDrained = resolve));
    return this.#drainWait;
  }

  /** Room for more: nothing waits on the HTTP/2 stream's 'drain' and this turn's batch is under the mark. */
  #writable(): boolean {
    return this.#done || (!this.#needDrain && this.#pendingBytes < this.#hwm);
  }

  #maybeWakeDrained(): void {
    if (this.#drainWait === undefined || !this.#writable()) return;
    const wake = this.#wakeDrained;
    this.#drainWait = undefined;
    this.#wakeDrained = undefined;
    wake?.();
  }

  end(error?: unknown): void {
    if (this.#done) return;
    if (error !== undefined) {
      this.#fail(error instanceof GrpcStatusError ? error.status : this.#server.toStatus(error), undefined);
      return;
    }
    this.#finish();
  }

  /** Unary: the single request message, or the status that refuses the call. */
  unaryRequest(onRequest: (request: Buffer) => void): void {
    let request: Buffer | undefined;
    this.onMessage((m) => {
      if (request !== undefined) this.#fail({ code: GRPC_STATUS.UNIMPLEMENTED, message: 'grpc: a unary call received more than one request message' }, undefined);
      else request = m;
    });
    this.onHalfClose(() => {
      if (request === undefined) this.#fail({ code: GRPC_STATUS.UNIMPLEMENTED, message: 'grpc: a unary call received no request message' }, undefined);
      else onRequest(request);
    });
  }

  /** Answers a unary call: its one response message, then OK. `sent`: see UnaryReply. */
  respond(response: Uint8Array, sent?: () => void): void {
    if (this.#done) {
      sent?.();
      return;
    }
    this.#sendHeaders();
    for (const part of grpcFrame(response)) {
      this.#pending.push(part);
      this.#pendingBytes += part.byteLength;
    }
    if (sent !== undefined) this.#stream.whenSent(sent);
    this.#finish();
  }

  #receive(chunk: Buffer): void {
    if (this.#done) return;
    this.#chunks.push(chunk);
    this.#chunkBytes += chunk.byteLength;
    this.#parse();
  }

  /** Delivers every complete message received, then the half-close once it came; nothing while paused. */
  #parse(): void {
    for (;;) {
      if (this.#done || this.#paused) return;
      if (this.#need === undefined) {
        if (this.#chunkBytes < FRAME_HEADER) break;
        const head = this.#take(FRAME_HEADER);
        this.#compressed = head[0] !== 0;
        this.#need = head.readUInt32BE(1);
        if (this.#need > this.#maxMessage) {
          this.#fail({ code: GRPC_STATUS.RESOURCE_EXHAUSTED, message: `grpc: received message larger than max (${this.#need} vs. ${this.#maxMessage})` }, undefined);
          return;
        }
      }
      if (this.#chunkBytes < this.#need) break;
      const message = this.#take(this.#need);
      this.#need = undefined;
      let decoded: Buffer;
      try {
        decoded = this.#compressed ? this.#decompress(message) : message;
      } catch (err) {
        this.#fail(err instanceof GrpcStatusError ? err.status : { code: GRPC_STATUS.INTERNAL, message: `grpc: failed to decompress the request: ${String(err)}` }, undefined);
        return;
      }
      if (this.#onMessage === undefined) this.#early.push(decoded);
      else this.#onMessage(decoded);
    }
    if (!this.#remoteEnded || this.#halfClosed) return;
    this.#halfClosed = true;
    if (this.#chunkBytes > 0 || this.#need !== undefined) this.#fail({ code: GRPC_STATUS.INTERNAL, message: 'grpc: the request ended inside a message' }, 'truncated request');
    else this.#onHalfClose?.();
  }

  /** The next n received bytes (a view when one chunk holds them, else one copy). */
  #take(n: number): Buffer {
    if (n === 0) return EMPTY;
    this.#chunkBytes -= n;
    const first = this.#chunks[0]!;
    if (first.byteLength >= n) {
      if (first.byteLength === n) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    for (let off = 0; off < n; ) {
      const c = this.#chunks[0]!;
      const k = Math.min(n - off, c.byteLength);
      c.copy(out, off, 0, k);
      off += k;
      if (k === c.byteLength) this.#chunks.shift();
      else this.#chunks[0] = c.subarray(k);
    }
    return out;
  }

  #decompress(message: Buffer): Buffer {
    const limit = { maxOutputLength: this.#maxMessage };
    switch (this.#encoding) {
      case 'gzip':
        return gunzipSync(message, limit);
      case 'deflate':
        return inflateSync(message, limit);
      case 'identity':
        throw new GrpcStatusError(GRPC_STATUS.INTERNAL, 'grpc: compressed flag set with identity or empty encoding');
      default:
        throw new GrpcStatusError(GRPC_STATUS.UNIMPLEMENTED, `grpc: Decompressor is not installed for grpc-encoding "${this.#encoding}"`);
    }
  }

  #sendHeaders(): void {
    if (this.#headersSent) return;
    this.#headersSent = true;
    try {
      this.#stream.respond(RESPONSE_HEADERS, false);
    } catch (err) {
      // The client went away meanwhile; 'close' ends the call.
      this.#server.report('respond', err);
    }
  }

  #flush(): void {
    this.#flushScheduled = false;
    if (this.#pending.length === 0 || this.#stream.closed) return;
    let writable = true;
    for (const data of this.#takePending()) writable = this.#stream.write(data);
    if (!writable && !this.#needDrain) {
      this.#needDrain = true;
      this.#stream.onDrain = () => {
        this.#stream.onDrain = undefined;
        this.#needDrain = false;
        this.#maybeWakeDrained();
      };
    }
    this.#maybeWakeDrained();
  }

  /**
   * The framed messages not yet written, to write in this order: one buffer
   * for a backlog of small messages (one write per turn), the parts as they
   * are when it is large. The backlog is emptied.
   */
  #takePending(): Buffer[] {
    const p = this.#pending;
    const data = p.length <= 1 || this.#pendingBytes > COPY_LIMIT ? p : [Buffer.concat(p, this.#pendingBytes)];
    this.#pending = [];
    this.#pendingBytes = 0;
    return data;
  }

  /** Writes what is pending and ends the stream with the trailers (#trailers), sent once the data is. */
  #endStream(): void {
    for (const data of this.#takePending()) this.#stream.write(data);
    this.#stream.end(this.#trailers);
  }

  #finish(): void {
    this.#settle(undefined);
    if (this.#stream.closed) return;
    this.#sendHeaders();
    this.#endStream();
  }

  #fail(status: GrpcStatus, abortReason: string | undefined): void {
    if (this.#done) return;
    this.#settle(abortReason ?? status.message);
    if (this.#stream.closed) return;
    const statusHeaders: HeaderField[] = [['grpc-status', String(status.code)], ['grpc-message', encodeGrpcMessage(status.message)]];
    try {
      if (!this.#headersSent) {
        // Trailers-only: the status in the response's only HEADERS frame.
        this.#headersSent = true;
        this.#stream.respond([[':status', '200'], ['content-type', 'application/grpc'], ...statusHeaders], true);
        return;
      }
      this.#trailers = statusHeaders;
      this.#endStream();
    } catch (err) {
      this.#server.report('status', err);
    }
  }

  /**
   * The call is over: stop the deadline, abort the signal (with the reason,
   * when the call did not end normally), tell the handler. Once.
   */
  #settle(abortReason: string | undefined): void {
    if (this.#done) return;
    this.#done = true;
    clearTimeout(this.#timer);
    if (abortReason !== undefined) this.#ac.abort(new CallAbortedError(abortReason));
    this.#runCloseHooks();
  }

  #runCloseHooks(): void {
    this.#maybeWakeDrained();
    const hooks = this.#onClose.splice(0);
    for (const fn of hooks) {
      try {
        fn();
      } catch (err) {
        this.#server.report('close hook', err);
      }
    }
  }
}

/** The reason a call's signal aborts: the client cancelled, the deadline passed, or the server stopped. */
export class CallAbortedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AbortError';
  }
}

export class GrpcServer {
  readonly #o: GrpcServerOptions;
  readonly #methods = new Map<string, GrpcMethod>();
  readonly #servers: NetServer[] = [];
  readonly #connections = new Set<H2Connection>();
  #closed = false;

  constructor(o: GrpcServerOptions) {
    if (!(o.maxReceiveMessageBytes > 0)) throw new RangeError('maxReceiveMessageBytes must be positive');
    this.#o = o;
  }

  /** Registers `path` (`/package.Service/Method`). */
  add(path: string, method: GrpcMethod): void {
    if (this.#methods.has(path)) throw new Error(`grpc-server: ${path} registered twice`);
    this.#methods.set(path, method);
  }

  toStatus(err: unknown): GrpcStatus {
    try {
      return this.#o.toStatus(err);
    } catch (e) {
      this.report('toStatus', e);
      return { code: GRPC_STATUS.UNKNOWN, message: String(err) };
    }
  }

  report(what: string, err: unknown): void {
    this.#o.onError?.(what, err);
  }

  /**
   * Listens on every address `host` resolves to (as grpc-js and Go bind a
   * name like localhost), on `port` (0: a free one, the same for all), with
   * TLS when given; resolves with the port.
   */
  async listen(host: string, port: number, tls?: GrpcTls): Promise<number> {
    const addresses = isIP(host) !== 0 ? [host] : [...new Set((await lookup(host, { all: true })).map((a) => a.address))];
    let bound = port;
    for (const [i, address] of addresses.entries()) {
      try {
        bound = await this.#listenOne(address, bound, tls);
      } catch (err) {
        // A name may resolve to an address family the machine lacks (::1 without IPv6).
        if (i > 0 && isUnavailableAddress(err)) continue;
        throw err;
      }
    }
    return bound;
  }

  #listenOne(address: string, port: number, tls: GrpcTls | undefined): Promise<number> {
    if (this.#closed) return Promise.reject(new Error('grpc-server: closed'));
    const accept = (socket: Socket): void => {
      // TLS without ALPN h2 is some other protocol: refused, as nghttp2's server did.
      if (this.#closed || (tls !== undefined && (socket as TLSSocket).alpnProtocol !== 'h2')) {
        socket.destroy();
        return;
      }
      socket.setNoDelay(true);
      this.#connection(socket);
    };
    const server =
      tls === undefined
        ? createNetServer(accept)
        : createTlsServer({ ...tls, requestCert: tls.clientCertAuth, rejectUnauthorized: tls.clientCertAuth, ALPNProtocols: ['h2'] }, accept);
    if (tls !== undefined) server.on('tlsClientError', (err) => this.report('tls', err));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, address, () => {
        server.off('error', reject);
        server.on('error', (err) => this.report('server', err));
        this.#servers.push(server);
        resolve((server.address() as AddressInfo).port);
      });
    });
  }

  /** Stops listening and drops every connection at once (calls in flight see their signal abort). */
  forceShutdown(): void {
    this.#closed = true;
    for (const s of this.#servers) s.close();
    for (const c of [...this.#connections]) c.destroy();
    this.#connections.clear();
  }

  #connection(socket: Socket): void {
    const c = new H2Connection(socket, {
      onStream: (stream, headers) => this.#stream(stream, headers),
      onError: (what, err) => this.report(what, err),
      maxConcurrentStreams: this.#o.maxConcurrentStreams ?? DEFAULT_MAX_CONCURRENT_STREAMS,
      streamHighWaterMarkBytes: this.#o.streamHighWaterMarkBytes ?? DEFAULT_HIGH_WATER_MARK,
    });
    this.#connections.add(c);
    const interval = this.#o.keepaliveTimeMs ?? 0;
    let timer: NodeJS.Timeout | undefined;
    if (interval > 0) {
      const timeout = this.#o.keepaliveTimeoutMs ?? 20_000;
      timer = setInterval(() => {
        if (c.destroyed) return;
        const deadline = setTimeout(() => c.destroy(), timeout);
        deadline.unref();
        c.ping(() => clearTimeout(deadline));
      }, interval);
      timer.unref();
    }
    c.onClose(() => {
      clearInterval(timer);
      this.#connections.delete(c);
    });
  }

  #stream(stream: H2Stream, headers: H2Headers): void {
    const path = headers[':path'] ?? '';
    const contentType = headers['content-type'] ?? '';
    if (headers[':method'] !== 'POST' || !(contentType === 'application/grpc' || contentType.startsWith('application/grpc+') || contentType.startsWith('application/grpc;'))) {
      stream.respond([[':status', '415'], ['content-type', 'text/plain']], true);
      return;
    }
    const call = new Call(this, stream, headers, this.#o.maxReceiveMessageBytes, this.#o.streamHighWaterMarkBytes ?? DEFAULT_HIGH_WATER_MARK);
    const method = this.#methods.get(path);
    if (method === undefined) {
      call.end(new GrpcStatusError(GRPC_STATUS.UNIMPLEMENTED, `unknown method ${path}`));
      return;
    }
    if (method.kind === 'stream') {
      try {
        method.handler(call);
      } catch (err) {
        call.end(err);
      }
      return;
    }
    const handler = method.handler;
    call.unaryRequest((request) => {
      let result: Promise<Uint8Array | UnaryReply> | Uint8Array | UnaryReply;
      try {
        result = handler(request, call);
      } catch (err) {
        call.end(err);
        return;
      }
      const answer = (r: Uint8Array | UnaryReply): void => {
        if (r instanceof Uint8Array) call.respond(r);
        else call.respond(r.bytes, r.sent);
      };
      if ('then' in result) result.then(answer, (err: unknown) => call.end(err));
      else answer(result);
    });
  }
}
