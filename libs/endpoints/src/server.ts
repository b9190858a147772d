// The apiserver's HTTPS front end and its one filter chain, in kube's order:
// request info → authentication → audit → flow control → authorization →
// handler. HTTP/2 with HTTP/1.1 fallback on one TLS port (kubectl speaks h2,
// client-node and Python HTTP/1.1). Until the security issue, x509 client
// certificates authenticate, every authenticated user is allowed, and
// anonymous requests may only read the public health and version paths.

import { randomUUID, timingSafeEqual } from 'node:crypto';
import http2 from 'node:http2';
import type { TLSSocket } from 'node:tls';
import { forbidden, notFoundPath, parseRequestInfo, statusFromUnknown, timeout, type RequestInfo } from '@logbook/apimachinery';
import { clientIdentity } from '@logbook/pki';
import type { Registry } from '@logbook/registry';
import type { ResourceInfo } from '@logbook/resources';
import type { SchemaSet } from '@logbook/schemas';
import { DiscoveryHandler } from './discovery-handler.ts';
import { OpenApiHandler } from './openapi-handler.ts';
import { InflightLimiter, isLongRunning, writeTooManyRequests } from './flow-control.ts';
import type { HealthEndpoints } from './health.ts';
import type { RequestSource, ResponseSink } from './http-types.ts';
import type { ApiserverMetrics } from './metrics.ts';
import { serveResource, type Caller } from './resource-handler.ts';
import { writeStatus } from './respond.ts';
import { serveVersion, type VersionInfo } from './version.ts';

export interface ApiServerOptions {
  readonly registry: Registry;
  readonly resources: readonly ResourceInfo[];
  readonly tls: { readonly certPem: string; readonly keyPem: string; readonly clientCaPem: string };
  readonly serverAddress: string;
  readonly version: VersionInfo;
  /** The type schemas OpenAPI is built from (read on the first /openapi request). */
  readonly schemas: () => SchemaSet;
  readonly health: HealthEndpoints;
  readonly metrics: ApiserverMetrics;
  readonly maxRequestsInflight: number;
  readonly maxMutatingRequestsInflight: number;
  readonly minRequestTimeoutSeconds: number;
  /** --request-timeout: a request that is not long-running (not a watch) gets 504 after this. */
  readonly requestTimeoutMs: number;
  readonly maxBodyBytes: number;
  readonly random: () => number;
  /**
   * The apiserver's own loopback credential (kube-apiserver's loopback client
   * token): a bearer token that authenticates as system:apiserver in
   * system:masters. The control loops run in this process use it.
   */
  readonly loopbackToken?: string;
  /** Called for each finished request (the audit hook; the security issue writes audit logs from it). */
  readonly audit?: (event: AuditEvent) => void;
  readonly logger?: {
    error(msg: string, fields?: Record<string, string | number | boolean | undefined>): void;
    debug(msg: string, fields?: Record<string, string | number | boolean | undefined>): void;
  };
}

export interface AuditEvent {
  readonly auditId: string;
  readonly user: string;
  readonly groups: readonly string[];
  readonly verb: string;
  readonly path: string;
  readonly code: number;
  readonly durationMs: number;
}

const REQUEST_TIMED_OUT = timeout('request did not complete within requested timeout - context deadline exceeded', 0);

/** Rejects with the signal's reason once it aborts (the reason is the Status to answer with). */
function abortedBy(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason as Error);
    else signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
  });
}

const ANONYMOUS: Caller = { user: 'system:anonymous', groups: ['system:unauthenticated'], auditId: '' };
/** What kube's bootstrap policy lets anyone read (system:public-info-viewer). */
const PUBLIC_PATHS = /^\/(healthz|livez|readyz|version)(\/.*)?$/;

/**
 * The loopback token, else x509: a client certificate the TLS layer verified
 * against the client CA names the user (CN) and groups (O).
 */
function authenticate(req: http2.Http2ServerRequest, auditId: string, loopbackToken: string | undefined): Caller {
  const authorization = req.headers.authorization;
  if (loopbackToken !== undefined && typeof authorization === 'string' && authorization.startsWith('Bearer ')) {
    const given = Buffer.from(authorization.slice('Bearer '.length));
    const want = Buffer.from(loopbackToken);
    if (given.length === want.length && timingSafeEqual(given, want)) {
      return { user: 'system:apiserver', groups: ['system:masters', 'system:authenticated'], auditId };
    }
  }
  const socket = req.socket as unknown as TLSSocket;
  if (socket.authorized !== true) return { ...ANONYMOUS, auditId };
  const id = clientIdentity(socket.getPeerCertificate());
  if (id === undefined) return { ...ANONYMOUS, auditId };
  return { user: id.user, groups: [...id.groups, 'system:authenticated'], auditId };
}

/** The authorization hook: the security issue replaces it with RBAC and friends. */
function authorize(caller: Caller, info: RequestInfo): void {
  if (caller.user !== ANONYMOUS.user) return;
  if (!info.isResourceRequest && PUBLIC_PATHS.test(info.path)) return;
  const who = `User "${caller.user}" cannot`;
  if (!info.isResourceRequest) throw forbidden({ group: '', resource: '' }, '', `${who} ${info.verb} path "${info.path}"`);
  const where = info.namespace !== '' ? `in the namespace "${info.namespace}"` : 'at the cluster scope';
  const what = `${info.verb} resource "${info.resource}${info.subresource !== '' ? `/${info.subresource}` : ''}" in API group "${info.apiGroup}" ${where}`;
  throw forbidden({ group: info.apiGroup, resource: info.resource }, info.name, `${who} ${what}`);
}

export class ApiServer {
  readonly #o: ApiServerOptions;
  readonly #discovery: DiscoveryHandler;
  readonly #openapi: OpenApiHandler;
  readonly #limiter: InflightLimiter;
  readonly #server: http2.Http2SecureServer;
  readonly #sessions = new Set<http2.ServerHttp2Session>();
  readonly #sockets = new Set<TLSSocket>();

  constructor(o: ApiServerOptions) {
    this.#o = o;
    this.#discovery = new DiscoveryHandler(o.resources, o.serverAddress);
    this.#openapi = new OpenApiHandler({ resources: o.resources, schemas: o.schemas, gitVersion: o.version.gitVersion });
    this.#limiter = new InflightLimiter({ maxReadOnly: o.maxRequestsInflight, maxMutating: o.maxMutatingRequestsInflight, metrics: o.metrics });
    this.#server = http2.createSecureServer({
      cert: o.tls.certPem,
      key: o.tls.keyPem,
      ca: o.tls.clientCaPem,
      requestCert: true,
      rejectUnauthorized: false, // an unverified or absent certificate is anonymous, not a failed handshake
      allowHTTP1: true,
    });
    this.#server.on('request', (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => {
      void this.#handle(req, res);
    });
    // Tracked so close() can end long-lived ones (watches) instead of waiting for their timeouts.
    this.#server.on('session', (session: http2.ServerHttp2Session) => {
      this.#sessions.add(session);
      session.once('close', () => this.#sessions.delete(session));
    });
    this.#server.on('secureConnection', (socket: TLSSocket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        const address = this.#server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : port);
      });
    });
  }

  /**
   * Stops accepting connections, lets requests in flight finish for up to
   * `graceMs`, then ends what is left (watches: clients re-watch elsewhere).
   */
  close(graceMs = 1_000): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const session of this.#sessions) session.close();
    const timer = setTimeout(() => {
      for (const session of this.#sessions) session.destroy();
      for (const socket of this.#sockets) socket.destroy();
    }, graceMs);
    return closed.finally(() => clearTimeout(timer));
  }

  async #handle(req: http2.Http2ServerRequest, res: http2.Http2ServerResponse): Promise<void> {
    const started = performance.now();
    const auditId = randomUUID();
    const url = new URL(req.url, 'https://localhost');
    const query = url.searchParams;
    const sink = res as unknown as ResponseSink;
    const source = req as unknown as RequestSource;
    const ac = new AbortController();
    res.once('close', () => ac.abort(new Error('the client went away')));
    let info: RequestInfo | undefined;
    let caller: Caller = { ...ANONYMOUS, auditId };
    try {
      res.setHeader('Audit-Id', auditId);
      res.setHeader('Cache-Control', 'no-cache, private');
      info = parseRequestInfo(req.method, url.pathname, query);
      caller = authenticate(req, auditId, this.#o.loopbackToken);
      const traceparent = req.headers.traceparent;
      if (typeof traceparent === 'string' && traceparent !== '') caller = { ...caller, traceparent };
      const ticket = this.#limiter.admit(info, { privileged: caller.groups.includes('system:masters') });
      if (ticket === undefined) {
        writeTooManyRequests(sink);
        return;
      }
      const untrack = info.isResourceRequest && (info.verb === 'watch') ? this.#o.metrics.trackLongRunning({ info, query }) : undefined;
      // kube's timeout filter: a request that is not long-running ends with 504 after --request-timeout.
      const timer = isLongRunning(info) ? undefined : setTimeout(() => ac.abort(REQUEST_TIMED_OUT), this.#o.requestTimeoutMs);
      try {
        authorize(caller, info);
        const done = this.#dispatch(source, sink, info, query, caller, ac.signal);
        if (timer === undefined) await done;
        else await Promise.race([done, abortedBy(ac.signal)]);
      } finally {
        clearTimeout(timer);
        ticket.release();
        untrack?.();
      }
    } catch (err) {
      const status = statusFromUnknown(err);
      if (status.status.code >= 500) this.#o.logger?.error('request failed', { auditId, path: url.pathname, error: err instanceof Error ? err.message : String(err) });
      if (!res.headersSent) {
        // A body we stopped reading (413, a refusal before the body) would be parsed as the next request on
        // this HTTP/1.1 connection: close it after the answer. (HTTP/2 streams are independent.)
        if (req.httpVersionMajor === 1 && !req.complete) res.setHeader('Connection', 'close');
        writeStatus(sink, status);
      }
      else res.destroy();
    } finally {
      const code = res.statusCode;
      this.#o.logger?.debug('request', { auditId, user: caller.user, method: req.method, path: req.url, code, durationMs: Math.round(performance.now() - started) });
      if (info !== undefined) this.#o.metrics.recordRequest({ info, query, contentType: req.headers['content-type'] }, code, (performance.now() - started) / 1000);
      this.#o.audit?.({ auditId, user: caller.user, groups: caller.groups, verb: info?.verb ?? req.method, path: url.pathname, code, durationMs: performance.now() - started });
    }
  }

  async #dispatch(req: RequestSource, res: ResponseSink, info: RequestInfo, query: URLSearchParams, caller: Caller, signal: AbortSignal): Promise<void> {
    if (info.isResourceRequest) {
      await serveResource(
        {
          registry: this.#o.registry,
          minRequestTimeoutSeconds: this.#o.minRequestTimeoutSeconds,
          random: this.#o.random,
          maxBodyBytes: this.#o.maxBodyBytes,
          onWatchEvent: (g, v, r) => this.#o.metrics.watchEvent(g, v, r),
        },
        { req, res, info, query, caller, signal },
      );
      return;
    }
    const path = info.path;
    if (path === '/version' || path === '/version/') return serveVersion(res, this.#o.version);
    if (path === '/metrics') return this.#o.metrics.serveMetrics(res);
    if (await this.#o.health.serve(path, query, res)) return;
    if (info.verb === 'get' && this.#discovery.serve(path, req.headers.accept, res)) return;
    if (info.verb === 'get' && this.#openapi.serve(path, query, req, res)) return;
    throw notFoundPath();
  }
}
