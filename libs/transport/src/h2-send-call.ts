// The Send stream's client half: one HTTP/2 connection per attempt and one
// gRPC client-streaming call on it, framed by hand (a 5-byte prefix per
// message) on @logbook/grpc-server's HTTP/2 client. The wire is gRPC's: a
// grpc-js server could not tell the difference.
//
// Why not grpc-js here: a profile of a member at one put in flight spent
// 7-16% of its CPU in grpc-js's client layers for this one stream (a call
// stack of filters and interceptors, promise hops per message), more than
// the Raft core. Why not node:http2: nghttp2 writes in the event loop's
// check phase, so each message waited for the rest of the sender's loop
// turn; our client writes at the end of the turn's current job. What a Send
// stream needs is small: connect once (the transport owns reconnects), write
// framed messages with back-pressure, see the call end with a status, and
// detect a dead peer with keepalive pings.

import * as net from 'node:net';
import * as tls from 'node:tls';
import type { SecureContextOptions } from 'node:tls';
import { splitHostPort } from './address.ts';
import { H2ClientSession, grpcFrame, H2_ERROR, type H2ClientStream, type H2ResponseHeaders } from '@logbook/grpc-server';

/** The gRPC status codes this file produces or reads by name. */
const STATUS = { OK: 0, CANCELLED: 1, UNKNOWN: 2, DEADLINE_EXCEEDED: 4, INTERNAL: 13, UNAVAILABLE: 14 } as const;

/** A failed call or connection, shaped like grpc-js's errors (describeError reads code and details). */
export class CallError extends Error {
  readonly code: number;
  readonly details: string;
  constructor(code: number, details: string, options?: ErrorOptions) {
    super(`${code} ${details}`, options);
    this.name = 'CallError';
    this.code = code;
    this.details = details;
  }
}

/** grpc-message is percent-encoded; a malformed one is shown as sent. */
function grpcMessage(value: string | string[] | undefined): string {
  if (typeof value !== 'string') return '';
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** TLS for the peer connection: the member's CA, and its own certificate for client-cert auth. */
export type PeerClientTls = Pick<SecureContextOptions, 'ca' | 'cert' | 'key'>;

export interface H2ConnectOptions {
  readonly address: string; // host:port
  readonly tls: PeerClientTls | undefined;
  readonly connectTimeoutMs: number;
  readonly keepaliveTimeMs: number;
  readonly keepaliveTimeoutMs: number;
  /** The session failed or closed after it connected (not called for a failed connect). */
  readonly onClose: (e: CallError) => void;
}

/**
 * An HTTP/2 connection to a peer: resolves once the connection (and TLS) is
 * up, rejects on failure or at connectTimeoutMs. After that, keepalive pings
 * run every keepaliveTimeMs and an unanswered one closes the session.
 */
export class H2Connection {
  readonly #o: H2ConnectOptions;
  #session: H2ClientSession | undefined;
  readonly #scheme: string;
  #closed = false;
  #keepalive: NodeJS.Timeout | undefined;
  #pingTimer: NodeJS.Timeout | undefined;

  private constructor(o: H2ConnectOptions) {
    this.#o = o;
    this.#scheme = o.tls === undefined ? 'http' : 'https';
  }

  static connect(o: H2ConnectOptions): Promise<H2Connection> {
    const parts = splitHostPort(o.address);
    if (parts === undefined) return Promise.reject(new CallError(STATUS.UNAVAILABLE, `${o.address} is not host:port`));
    const { host, port } = parts;
    const socket =
      o.tls === undefined
        ? net.connect({ host, port })
        : tls.connect({ host, port, ...o.tls, ALPNProtocols: ['h2'], ...(net.isIP(host) === 0 ? { servername: host } : {}) });
    // Raft messages are latency-bound: no Nagle delay.
    socket.setNoDelay(true);
    const conn = new H2Connection(o);
    return new Promise<H2Connection>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => fail(new CallError(STATUS.UNAVAILABLE, `not connected within ${o.connectTimeoutMs} ms`)), o.connectTimeoutMs);
      const fail = (e: CallError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        conn.#closed = true;
        socket.destroy();
        reject(e);
      };
      const onError = (e: Error): void => fail(new CallError(STATUS.UNAVAILABLE, `connection failed: ${e.message}`, { cause: e }));
      const onClose = (): void => fail(new CallError(STATUS.UNAVAILABLE, 'connection closed before it was up'));
      socket.once('error', onError);
      socket.once('close', onClose);
      socket.once(o.tls === undefined ? 'connect' : 'secureConnect', () => {
        if (settled) return;
        if (o.tls !== undefined && (socket as tls.TLSSocket).alpnProtocol !== 'h2') {
          fail(new CallError(STATUS.UNAVAILABLE, 'the peer did not agree to HTTP/2 (ALPN h2)'));
          return;
        }
        settled = true;
        clearTimeout(timer);
        socket.off('error', onError);
        socket.off('close', onClose);
        conn.#start(socket);
        resolve(conn);
      });
    });
  }

  /** Opens a client-streaming call on `path`. */
  call(path: string): ClientStreamCall {
    const session = this.#session;
    if (session === undefined || session.destroyed) throw new CallError(STATUS.UNAVAILABLE, 'connection closed');
    const stream = session.request([
      [':method', 'POST'],
      [':scheme', this.#scheme],
      [':path', path],
      [':authority', this.#o.address],
      ['content-type', 'application/grpc'],
      ['te', 'trailers'],
    ]);
    return new ClientStreamCall(stream);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopKeepalive();
    const session = this.#session;
    // GOAWAY, then the socket ends once what was written is out.
    session?.close();
    // A peer that never answers must not keep the socket: destroy after a grace period.
    setTimeout(() => session?.destroy(), 1_000).unref();
  }

  #start(socket: net.Socket): void {
    const gone = (e: CallError): void => {
      if (this.#closed) return;
      this.#closed = true;
      this.#stopKeepalive();
      // The connection's reason first: destroying it then ends the call with a mere CANCEL.
      this.#o.onClose(e);
      this.#session?.destroy();
    };
    this.#session = new H2ClientSession(socket, { onClose: (reason) => gone(new CallError(STATUS.UNAVAILABLE, reason)) });
    this.#keepalive = setInterval(() => this.#ping(gone), this.#o.keepaliveTimeMs);
    this.#keepalive.unref();
  }

  #ping(gone: (e: CallError) => void): void {
    if (this.#pingTimer !== undefined) return; // one outstanding at a time
    this.#pingTimer = setTimeout(() => {
      this.#pingTimer = undefined;
      gone(new CallError(STATUS.UNAVAILABLE, `keepalive ping not answered within ${this.#o.keepaliveTimeoutMs} ms`));
    }, this.#o.keepaliveTimeoutMs);
    this.#pingTimer.unref();
    this.#session?.ping(() => {
      clearTimeout(this.#pingTimer);
      this.#pingTimer = undefined;
    });
  }

  #stopKeepalive(): void {
    clearInterval(this.#keepalive);
    clearTimeout(this.#pingTimer);
    this.#keepalive = undefined;
    this.#pingTimer = undefined;
  }
}

/**
 * One gRPC client-streaming call. write() frames a message; false means the
 * stream's buffer is full: wait for onDrain. onEnd fires once, with the
 * call's status (an OK status means the server answered and closed).
 */
export class ClientStreamCall {
  readonly #stream: H2ClientStream;
  #onEnd: ((e: CallError | undefined) => void) | undefined;
  #status: CallError | null | undefined;
  #ended = false;

  constructor(stream: H2ClientStream) {
    this.#stream = stream;
    stream.onHeaders = (headers, endStream) => this.#noteStatus(headers, endStream);
    // The answer (a SendAck) is not needed: the status says how the call ended.
    stream.onClose = (resetCode) => {
      let status = this.#status;
      if (status === undefined) {
        const code = resetCode ?? H2_ERROR.NO_ERROR;
        status = new CallError(code === H2_ERROR.CANCEL ? STATUS.CANCELLED : STATUS.UNAVAILABLE, `stream closed without a status (HTTP/2 code ${code})`);
      }
      this.#finish(status === null ? undefined : status);
    };
  }

  onDrain(fn: () => void): void {
    this.#stream.onDrain = fn;
  }

  onEnd(fn: (e: CallError | undefined) => void): void {
    this.#onEnd = fn;
  }

  /** Writes `batch`'s messages (they leave together at the end of this job); false when the caller should wait for drain. */
  writeBatch(batch: readonly Uint8Array[]): boolean {
    let ok = true;
    for (const m of batch) for (const part of grpcFrame(m)) ok = this.#stream.write(part);
    return ok;
  }

  /** Half-closes: the server answers and the call ends. */
  end(): void {
    this.#stream.end();
  }

  cancel(): void {
    this.#stream.reset(H2_ERROR.CANCEL);
  }

  /** Response headers or trailers: a grpc-status in either ends the call, whatever is still being written. */
  #noteStatus(headers: H2ResponseHeaders, endStream: boolean): void {
    const raw = headers['grpc-status'];
    if (raw === undefined) {
      const httpStatus = Number(headers[':status']);
      if (headers[':status'] !== undefined && httpStatus !== 200) {
        this.#status ??= new CallError(STATUS.UNKNOWN, `HTTP status ${httpStatus}`);
      }
      return;
    }
    const code = Number(raw);
    if (code === STATUS.OK) {
      this.#status ??= null;
    } else {
      this.#status ??= new CallError(Number.isInteger(code) ? code : STATUS.UNKNOWN, grpcMessage(headers['grpc-message']));
    }
    this.#finish(this.#status ?? undefined);
    // The server is done with the call: stop writing (what is unsent could block on flow control forever).
    // A call both sides have ended closes by itself.
    if (!(endStream && this.#stream.localClosed)) this.cancel();
  }

  #finish(e: CallError | undefined): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#onEnd?.(e);
  }
}
