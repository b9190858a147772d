// The bench's Kubernetes client: one HTTP/2 session over TLS with a client
// certificate, many concurrent streams on it, which is how client-go and
// kubectl talk to kube-apiserver. Flow-control windows are client-go's
// (Go's http2 transport: 4 MiB per stream, 1 GiB per connection), so a
// 10,000-object LIST is not throttled by Node's 64 KiB default, which no
// real client runs with.

import http2 from 'node:http2';
import { LineSplitter } from './watch-lines.ts';

const STREAM_WINDOW_BYTES = 4 << 20;
const SESSION_WINDOW_BYTES = 1 << 30;
/** A request still unanswered after this is a hung server, reported, never waited on for the whole run. */
export const REQUEST_TIMEOUT_MS = 60_000;
/** Response bodies larger than this are a broken server or a wrong path: the bench's largest (LIST 10,000) is ~10 MB. */
export const MAX_RESPONSE_BYTES = 256 << 20;

export interface KubeTls {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

export type BenchHttpErrorCode = 'status' | 'transport' | 'timeout' | 'too-large';

/** A request that failed: a non-2xx answer (`status` set), a broken stream, a timeout or an oversized body. */
export class BenchHttpError extends Error {
  readonly code: BenchHttpErrorCode;
  readonly status: number | undefined;

  constructor(code: BenchHttpErrorCode, message: string, o: { readonly status?: number; readonly cause?: unknown } = {}) {
    super(message, o.cause === undefined ? undefined : { cause: o.cause });
    this.name = 'BenchHttpError';
    this.code = code;
    this.status = o.status;
  }
}

export interface KubeResponse {
  readonly status: number;
  readonly body: Buffer;
}

/** Why a watch stream ended: the server finished it, we closed it, or it broke. */
export type WatchEnd = { readonly kind: 'server-ended' } | { readonly kind: 'closed' } | { readonly kind: 'error'; readonly error: unknown };

export interface KubeWatch {
  /** Resolves on a 200 (headers are flushed before any event); rejects on anything else. */
  readonly started: Promise<void>;
  readonly ended: Promise<WatchEnd>;
  close(): void;
}

export type KubeMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** What a request workload needs of a client: one session, or several taking turns (session-spread.ts). */
export interface KubeRequester {
  request(method: KubeMethod, path: string, body?: string): Promise<KubeResponse>;
  json(method: KubeMethod, path: string, body?: unknown): Promise<unknown>;
}

export class KubeSession implements KubeRequester {
  #session: http2.ClientHttp2Session;
  readonly #server: string;
  readonly #tls: KubeTls;
  /** The server sent GOAWAY (--goaway-chance): the next request opens a new connection, as client-go does. */
  #goaway = false;
  #reconnecting: Promise<void> | undefined;
  #reconnects = 0;

  private constructor(session: http2.ClientHttp2Session, server: string, tls: KubeTls) {
    this.#session = session;
    this.#server = server;
    this.#tls = tls;
    this.#watchGoaway(session);
  }

  #watchGoaway(session: http2.ClientHttp2Session): void {
    session.once('goaway', () => {
      if (this.#session === session) this.#goaway = true;
    });
  }

  /** Connections opened again after a GOAWAY. */
  get reconnects(): number {
    return this.#reconnects;
  }

  /** After a GOAWAY: a fresh connection (possibly to another replica behind the load balancer). */
  async #open(): Promise<http2.ClientHttp2Session> {
    if (!this.#goaway) return this.#session;
    this.#reconnecting ??= (async () => {
      try {
        const next = await KubeSession.#dial(this.#server, this.#tls);
        this.#session = next;
        this.#goaway = false;
        this.#reconnects++;
        this.#watchGoaway(next);
      } finally {
        this.#reconnecting = undefined;
      }
    })();
    await this.#reconnecting;
    return this.#session;
  }

  static async connect(server: string, tls: KubeTls): Promise<KubeSession> {
    return new KubeSession(await KubeSession.#dial(server, tls), server, tls);
  }

  static #dial(server: string, tls: KubeTls): Promise<http2.ClientHttp2Session> {
    return new Promise((resolve, reject) => {
      const session = http2.connect(server, {
        ca: tls.caPem,
        cert: tls.certPem,
        key: tls.keyPem,
        settings: { initialWindowSize: STREAM_WINDOW_BYTES },
      });
      const onError = (e: unknown): void => reject(new BenchHttpError('transport', `cannot connect to ${server}: ${String(e)}`, { cause: e }));
      session.once('error', onError);
      session.once('connect', () => {
        session.off('error', onError);
        // Later session errors surface on every open stream; this keeps them from being uncaught.
        session.on('error', () => {});
        session.setLocalWindowSize(SESSION_WINDOW_BYTES);
        resolve(session);
      });
    });
  }

  /**
   * Any status resolves; only transport failures, timeouts and oversized
   * bodies reject. A stream the server refused because it had just sent
   * GOAWAY (it never processed it) is sent again on a new connection, once,
   * as Go's HTTP/2 transport does.
   */
  async request(method: KubeMethod, path: string, body?: string): Promise<KubeResponse> {
    try {
      return await this.#requestOnce(method, path, body);
    } catch (err) {
      if (!isRefusedStream(err)) throw err;
      this.#goaway = true;
      return this.#requestOnce(method, path, body);
    }
  }

  async #requestOnce(method: KubeMethod, path: string, body?: string): Promise<KubeResponse> {
    const session = await this.#open();
    return new Promise((resolve, reject) => {
      const headers: http2.OutgoingHttpHeaders = { ':method': method, ':path': path, accept: 'application/json' };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const req = session.request(headers, { endStream: body === undefined });
      let status = 0;
      const chunks: Buffer[] = [];
      let bytes = 0;
      let settled = false;
      const fail = (e: BenchHttpError): void => {
        if (settled) return;
        settled = true;
        req.close(http2.constants.NGHTTP2_CANCEL);
        reject(e);
      };
      req.setTimeout(REQUEST_TIMEOUT_MS, () => fail(new BenchHttpError('timeout', `${method} ${path}: no response within ${REQUEST_TIMEOUT_MS} ms`)));
      req.on('response', (h) => (status = Number(h[':status'])));
      req.on('data', (c: Buffer) => {
        bytes += c.length;
        if (bytes > MAX_RESPONSE_BYTES) fail(new BenchHttpError('too-large', `${method} ${path}: response over ${MAX_RESPONSE_BYTES} bytes`));
        else chunks.push(c);
      });
      req.on('end', () => {
        if (settled) return;
        settled = true;
        resolve({ status, body: Buffer.concat(chunks, bytes) });
      });
      req.on('error', (e: Error) => fail(new BenchHttpError('transport', `${method} ${path}: ${e.message}`, { cause: e })));
      if (body !== undefined) req.end(body);
    });
  }

  /** The decoded body of a 2xx answer; BenchHttpError('status') otherwise. */
  async json(method: KubeMethod, path: string, body?: unknown): Promise<unknown> {
    const r = await this.request(method, path, body === undefined ? undefined : JSON.stringify(body));
    if (r.status < 200 || r.status > 299) throw statusError(method, path, r);
    return JSON.parse(r.body.toString('utf8')) as unknown;
  }

  /** A watch stream on `path` (which carries watch=1); `onLine` gets each event line as it arrives. */
  watch(path: string, onLine: (line: string) => void): KubeWatch {
    let closedByUs = false;
    let stream: http2.ClientHttp2Stream | undefined;
    let resolveEnded: (e: WatchEnd) => void = () => {};
    const ended = new Promise<WatchEnd>((r) => (resolveEnded = r));
    // After a GOAWAY the watch opens on a new connection first; a refused start is tried once more there.
    // Only the latest attempt's stream may end the watch: a refused first stream's close is not the end.
    let current = 0;
    const attempt = async (): Promise<void> => {
      const n = ++current;
      const session = await this.#open();
      if (closedByUs) throw new BenchHttpError('transport', `watch ${path}: closed before it started`);
      stream = session.request({ ':method': 'GET', ':path': path, accept: 'application/json' }, { endStream: true });
      let refused = false;
      return this.#startWatch(stream, path, onLine, () => closedByUs, (e) => {
        // A refused first stream is retried (below): neither its error nor its close ends the watch.
        if (n === 1 && e.kind === 'error' && isRefusedStream(e.error)) refused = true;
        if (n === current && !refused) resolveEnded(e);
      });
    };
    const started = attempt().catch(async (err: unknown) => {
      if (!isRefusedStream(err)) throw err;
      this.#goaway = true;
      return attempt();
    });
    started.catch((e: unknown) => resolveEnded({ kind: 'error', error: e }));
    return {
      started,
      ended,
      close: () => {
        closedByUs = true;
        stream?.close(http2.constants.NGHTTP2_CANCEL);
      },
    };
  }

  #startWatch(req: http2.ClientHttp2Stream, path: string, onLine: (line: string) => void, closedByUs: () => boolean, resolveEnded: (e: WatchEnd) => void): Promise<void> {
    const lines = new LineSplitter();
    const started = new Promise<void>((resolve, reject) => {
      req.on('response', (h) => {
        const status = Number(h[':status']);
        if (status === 200) return resolve();
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => reject(statusError('GET', path, { status, body: Buffer.concat(chunks) })));
      });
      req.on('error', (e: Error) => reject(new BenchHttpError('transport', `watch ${path}: ${e.message}`, { cause: e })));
      req.on('close', () => reject(new BenchHttpError('transport', `watch ${path}: closed before a response`)));
    });
    started.then(
      () => {
        req.on('data', (c: Buffer) => {
          let got: string[];
          try {
            got = lines.push(c);
          } catch (e) {
            resolveEnded({ kind: 'error', error: e });
            req.close(http2.constants.NGHTTP2_CANCEL);
            return;
          }
          for (const line of got) onLine(line);
        });
      },
      (e: unknown) => resolveEnded({ kind: 'error', error: e }),
    );
    req.on('error', (e) => resolveEnded({ kind: 'error', error: e }));
    req.on('close', () => resolveEnded(closedByUs() ? { kind: 'closed' } : { kind: 'server-ended' }));
    return started;
  }

  /**
   * True once the connection is gone (closed by us, or broken: a killed
   * replica behind HAProxy); a client then reconnects. A connection the
   * server ended with GOAWAY is not gone: the next request reconnects.
   */
  get closed(): boolean {
    if (this.#goaway) return false;
    return this.#session.closed || this.#session.destroyed;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.#session.closed || this.#session.destroyed) return resolve();
      // A stream the server never ends must not hold the bench: destroy after a grace period.
      const timer = setTimeout(() => this.#session.destroy(), 2_000);
      this.#session.close(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/** The server refused the stream (NGHTTP2_REFUSED_STREAM): it was sent after the server's GOAWAY and never processed. */
function isRefusedStream(err: unknown): boolean {
  const text = err instanceof Error ? `${err.message} ${err.cause instanceof Error ? err.cause.message : ''}` : '';
  return text.includes('NGHTTP2_REFUSED_STREAM');
}

function statusError(method: string, path: string, r: KubeResponse): BenchHttpError {
  let message = r.body.toString('utf8').slice(0, 300);
  try {
    const s = JSON.parse(r.body.toString('utf8')) as { message?: unknown };
    if (typeof s.message === 'string') message = s.message;
  } catch {
    // not a Status: the raw start of the body is the best description
  }
  return new BenchHttpError('status', `${method} ${path}: ${r.status}: ${message}`, { status: r.status });
}
