// The apiserver's HTTPS front end and its one filter chain, in kube's order:
// request info → authentication → audit → flow control → authorization →
// handler. HTTP/2 with HTTP/1.1 fallback on one TLS port (kubectl speaks h2,
// client-node and Python HTTP/1.1). Until the security issue, x509 client
// certificates authenticate, every authenticated user is allowed, and
// anonymous requests may only read the public health and version paths.

import { randomUUID, timingSafeEqual, X509Certificate } from 'node:crypto';
import http2 from 'node:http2';
import type { TLSSocket } from 'node:tls';
import { internalError, parseFieldSelector, unauthorized, notFoundPath, type FieldRequirement, parseRequestInfo, serviceUnavailable, statusFromUnknown, timeout, type RequestInfo } from '@logbook/apimachinery';
import { NOOP_RECORDER, type Auditor, type AuditRecorder } from '@logbook/audit';
import { headerMapFromRaw, impersonate, type Authenticator } from '@logbook/authn';
import { alwaysAllowAuthorizer, forbiddenError, userInfo, type Attributes, type Authorizer, type RuleResolver } from '@logbook/authz';
import { clientIdentity } from '@logbook/pki';
import type { Registry } from '@logbook/registry';
import type { ResourceInfo } from '@logbook/resources';
import type { SchemaSet } from '@logbook/schemas';
import { DiscoveryHandler } from './discovery-handler.ts';
import { SYSTEM_TIMERS, type Timers } from './drain.ts';
import { decideGoaway, sendGoaway, validGoawayChance } from './goaway.ts';
import { phaseAtLeast, RequestWaitGroup, runShutdown, SHUTTING_DOWN_MESSAGE, type ShutdownPhase } from './shutdown.ts';
import { OpenApiHandler } from './openapi-handler.ts';
import { InflightLimiter, isLongRunning, writeTooManyRequests } from './flow-control.ts';
import type { HealthEndpoints } from './health.ts';
import type { RequestSource, ResponseSink } from './http-types.ts';
import type { ApiserverMetrics } from './metrics.ts';
import { serveResource, type Caller } from './resource-handler.ts';
import { isReviewRequest, isTokenRequest, serveReview, serveTokenRequest } from './review-handler.ts';
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
  /** --goaway-chance: per HTTP/2 request, the probability of a GOAWAY on its connection (0 = never). */
  readonly goawayChance?: number;
  /** The request timeout's and the shutdown sequence's clock (tests pass a fake one). */
  readonly timers?: Timers;
  /**
   * The apiserver's own loopback credential (kube-apiserver's loopback client
   * token): a bearer token that authenticates as system:apiserver in
   * system:masters. The control loops run in this process use it.
   */
  readonly loopbackToken?: string;
  /** POST serviceaccounts/<name>/token (TokenRequest); absent: that subresource is 404, as without a signing key in kube. */
  readonly serviceAccountTokens?: { request(body: unknown, namespace: string, serviceAccount: string): Promise<unknown> };
  /** --api-audiences, what a TokenReview without spec.audiences asks for. */
  readonly apiAudiences?: readonly string[];
  /** The authentication chain (@logbook/authn); without it, x509 client certificates only (and anonymous). */
  readonly authenticator?: Authenticator;
  /**
   * Whether a request without a credential header may reuse its connection's
   * identity (default true). False when a front proxy names users in headers
   * (--requestheader-*): one proxy connection carries many users.
   */
  readonly connectionIdentity?: boolean;
  /** --authorization-mode's chain (with its rule resolver for SelfSubjectRulesReview); default: defaultAuthorizer(). */
  readonly authorizer?: Authorizer & RuleResolver;
  /** Called for each finished request (metrics and tests). */
  readonly audit?: (event: AuditEvent) => void;
  /** --audit-policy-file and its backends (@logbook/audit); absent: nothing is audited. */
  readonly auditor?: Auditor;
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
const SHUTTING_DOWN = serviceUnavailable(SHUTTING_DOWN_MESSAGE);
/** How long open connections get to finish once watches were told to end, before they are destroyed. */
const DEFAULT_CLOSE_GRACE_MS = 2_000;
/** Added to --request-timeout when waiting for requests in flight: a timed-out request still writes its 504. */
const DRAIN_MARGIN_MS = 1_000;

export interface ShutdownOptions {
  /** --shutdown-delay-duration: /readyz fails, everything else is served, for this long. */
  readonly delayMs?: number;
  /** Bound on waiting for non-long-running requests; default --request-timeout plus a margin. */
  readonly drainTimeoutMs?: number;
  readonly closeGraceMs?: number;
}

/** Rejects with the signal's reason once it aborts (the reason is the Status to answer with). */
function abortedBy(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason as Error);
    else signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
  });
}

/** Paths kube serves to the end of shutdown (isRequestExemptFromRetryAfter): the load balancer must keep probing. */
const EXEMPT_FROM_SHUTDOWN = /^\/(healthz|livez|readyz)(\/.*)?$/;

/**
 * kube's answer to a request that arrives after the server stopped accepting
 * them: 503, a Status, `Retry-After: 1` (the client very likely reaches
 * another replica on retry), and on HTTP/1.1 the connection closes.
 */
function writeShuttingDown(res: ResponseSink, httpVersionMajor: number): void {
  res.setHeader('Retry-After', '1');
  if (httpVersionMajor === 1) res.setHeader('Connection', 'close');
  writeStatus(res, SHUTTING_DOWN);
}

const ANONYMOUS: Caller = { user: 'system:anonymous', groups: ['system:unauthenticated'], auditId: '' };
/** What kube's bootstrap policy lets anyone read (system:public-info-viewer). */
const PUBLIC_PATHS = /^\/(healthz|livez|readyz|version)(\/.*)?$/;

/** The apiserver's own loopback token (compared in constant time), or undefined. */
function loopbackCaller(req: http2.Http2ServerRequest, auditId: string, loopbackToken: string | undefined): Caller | undefined {
  const authorization = req.headers.authorization;
  if (loopbackToken === undefined || typeof authorization !== 'string' || !authorization.startsWith('Bearer ')) return undefined;
  const given = Buffer.from(authorization.slice('Bearer '.length));
  const want = Buffer.from(loopbackToken);
  if (given.length === want.length && timingSafeEqual(given, want)) return { user: 'system:apiserver', groups: ['system:masters', 'system:authenticated'], auditId };
  return undefined;
}

/** Without an authenticator chain: a client certificate the TLS layer verified against the client CA names the user (CN) and groups (O). */
function x509Caller(req: http2.Http2ServerRequest, auditId: string): Caller {
  const socket = req.socket as unknown as TLSSocket;
  if (socket.authorized !== true) return { ...ANONYMOUS, auditId };
  const id = clientIdentity(socket.getPeerCertificate());
  if (id === undefined) return { ...ANONYMOUS, auditId };
  return { user: id.user, groups: [...id.groups, 'system:authenticated'], auditId };
}

/** Who a connection's certificate (or its absence) makes a request that carries no credential header. */
const CONNECTION_IDENTITIES = new WeakMap<object, Caller>();

/** Parsed once per connection: every request on it presents the same certificate chain. */
const PEER_CHAINS = new WeakMap<object, X509Certificate[]>();

/**
 * One key per connection: the HTTP/2 session, or the HTTP/1.1 socket.
 * (An HTTP/2 request's `socket` is a new proxy object per stream.)
 */
function connectionOf(req: http2.Http2ServerRequest): object {
  return req.httpVersionMajor === 2 ? req.stream.session ?? req.socket : req.socket;
}

/** The TLS peer's chain, leaf first, as the authenticators read it. */
function peerChain(req: http2.Http2ServerRequest): X509Certificate[] {
  const key = connectionOf(req);
  const cached = PEER_CHAINS.get(key);
  if (cached !== undefined) return cached;
  const out = readPeerChain(req.socket as unknown as TLSSocket);
  PEER_CHAINS.set(key, out);
  return out;
}

function readPeerChain(socket: TLSSocket): X509Certificate[] {
  const out: X509Certificate[] = [];
  let cert = socket.getPeerCertificate(true) as (ReturnType<TLSSocket['getPeerCertificate']> & { issuerCertificate?: unknown }) | undefined;
  const seen = new Set<string>();
  // The chain ends at a self-issued certificate, which Node links to itself.
  while (cert !== undefined && cert.raw !== undefined && !seen.has(cert.fingerprint256) && out.length < 10) {
    seen.add(cert.fingerprint256);
    out.push(new X509Certificate(cert.raw));
    cert = cert.issuerCertificate as typeof cert;
  }
  return out;
}

/**
 * Without --authorization-mode: every authenticated user may do anything
 * (kube's AlwaysAllow), and an anonymous request only reaches the public
 * health and version paths (kube-apiserver's default would let it do
 * anything; Logbook is stricter until RBAC is on).
 */
export function defaultAuthorizer(): Authorizer & RuleResolver {
  const allow = alwaysAllowAuthorizer();
  return {
    authorize: (a) => {
      if (a.user.name !== ANONYMOUS.user || (!a.resourceRequest && PUBLIC_PATHS.test(a.path))) return allow.authorize(a);
      return Promise.resolve({ decision: 'NoOpinion', reason: '' });
    },
    rulesFor: (user, ns) => (user.name !== ANONYMOUS.user ? allow.rulesFor(user, ns) : Promise.resolve({ resourceRules: [], nonResourceRules: [], incomplete: false })),
  };
}

/** What a request asks, as the authorizers see it. */
/** The verbs whose field selector an authorizer may see (kube's AuthorizeWithSelectors: the Node authorizer needs a kubelet's spec.nodeName). */
const SELECTOR_VERBS: ReadonlySet<string> = new Set(['list', 'watch', 'deletecollection']);

function attributesOf(caller: Caller, info: RequestInfo, query: URLSearchParams): Attributes & { readonly fieldSelector?: readonly FieldRequirement[] } {
  const user = userInfo(caller.user, { groups: [...caller.groups] });
  if (!info.isResourceRequest) {
    return { user, verb: info.verb, namespace: '', apiGroup: '', apiVersion: '', resource: '', subresource: '', name: '', resourceRequest: false, path: info.path };
  }
  const attrs: Attributes = {
    user, verb: info.verb, namespace: info.namespace, apiGroup: info.apiGroup, apiVersion: info.apiVersion,
    resource: info.resource, subresource: info.subresource, name: info.name, resourceRequest: true, path: info.path,
  };
  const raw = query.get('fieldSelector');
  if (raw === null || raw === '' || !SELECTOR_VERBS.has(info.verb)) return attrs;
  try {
    return { ...attrs, fieldSelector: parseFieldSelector(raw).requirements };
  } catch {
    // A selector that does not parse is the handler's 400; the authorizer decides without it.
    return attrs;
  }
}

export class ApiServer {
  readonly #o: ApiServerOptions;
  readonly #discovery: DiscoveryHandler;
  readonly #openapi: OpenApiHandler;
  readonly #limiter: InflightLimiter;
  readonly #server: http2.Http2SecureServer;
  readonly #sessions = new Set<http2.ServerHttp2Session>();
  readonly #sockets = new Set<TLSSocket>();
  readonly #timers: Timers;
  readonly #goawayChance: number;
  readonly #authorizer: Authorizer & RuleResolver;
  #phase: ShutdownPhase = 'serving';
  #shutdown: Promise<void> | undefined;
  readonly #nonLongRunning = new RequestWaitGroup();
  readonly #longRunning = new RequestWaitGroup();
  /** Aborted when long-running requests (watches) must end their responses. */
  readonly #endLongRunning = new AbortController();
  /** HTTP/1.1 requests in flight per connection: an idle one is closed when the server stops accepting. */
  readonly #h1Busy = new Map<TLSSocket, number>();

  constructor(o: ApiServerOptions) {
    this.#o = o;
    this.#timers = o.timers ?? SYSTEM_TIMERS;
    this.#goawayChance = o.goawayChance ?? 0;
    this.#authorizer = o.authorizer ?? defaultAuthorizer();
    if (!validGoawayChance(this.#goawayChance)) throw new RangeError(`ApiServer: goawayChance must be within [0, 1], got ${this.#goawayChance}`);
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

  /** Where the shutdown sequence is (see shutdown.ts); /readyz fails from 'shutdownInitiated' on. */
  get phase(): ShutdownPhase {
    return this.#phase;
  }

  /**
   * kube-apiserver's graceful termination (shutdown.ts): unready at once,
   * served for `delayMs`, then no new requests, requests in flight finish,
   * watches end cleanly, connections close. Idempotent: a second call joins
   * the first.
   */
  shutdown(opts: ShutdownOptions = {}): Promise<void> {
    this.#shutdown ??= runShutdown({
      timers: this.#timers,
      delayMs: opts.delayMs ?? 0,
      drainTimeoutMs: opts.drainTimeoutMs ?? this.#o.requestTimeoutMs + DRAIN_MARGIN_MS,
      closeGraceMs: opts.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS,
      setPhase: (phase) => (this.#phase = phase),
      nonLongRunning: this.#nonLongRunning,
      longRunning: this.#longRunning,
      stopAccepting: () => this.#stopAccepting(),
      endLongRunning: () => this.#endLongRunning.abort(SHUTTING_DOWN),
      serverClosed: new Promise<void>((resolve) => this.#server.once('close', () => resolve())),
      destroyConnections: () => {
        for (const session of this.#sessions) session.destroy();
        for (const socket of this.#sockets) socket.destroy();
      },
    });
    return this.#shutdown;
  }

  /** The shutdown sequence without the delay, requests in flight bounded by `graceMs`. */
  close(graceMs = 1_000): Promise<void> {
    return this.shutdown({ delayMs: 0, drainTimeoutMs: graceMs, closeGraceMs: graceMs });
  }

  #stopAccepting(): void {
    this.#server.close();
    for (const session of this.#sessions) session.close();
    for (const socket of this.#sockets) {
      if (socket.alpnProtocol !== 'h2' && (this.#h1Busy.get(socket) ?? 0) === 0) socket.end();
    }
  }

  /** Counts an HTTP/1.1 request on its connection; the returned function ends the count (and an idle connection once stopping). */
  #trackH1(req: http2.Http2ServerRequest): () => void {
    if (req.httpVersionMajor !== 1) return () => undefined;
    const socket = req.socket as unknown as TLSSocket;
    this.#h1Busy.set(socket, (this.#h1Busy.get(socket) ?? 0) + 1);
    return () => {
      const left = (this.#h1Busy.get(socket) ?? 1) - 1;
      if (left > 0) this.#h1Busy.set(socket, left);
      else this.#h1Busy.delete(socket);
      if (left === 0 && phaseAtLeast(this.#phase, 'notAcceptingNewRequests')) socket.end();
    };
  }

  /**
   * kube's authentication filter, then its impersonation filter: the loopback
   * token, else the configured chain (401 "Unauthorized" when it refuses and
   * anonymous is off), else x509 alone; credentials are never passed on.
   */
  async #authenticate(req: http2.Http2ServerRequest, auditId: string): Promise<Caller> {
    const loopback = loopbackCaller(req, auditId, this.#o.loopbackToken);
    const chain = this.#o.authenticator;
    let caller: Caller;
    if (loopback !== undefined) caller = loopback;
    else if (chain === undefined) caller = x509Caller(req, auditId);
    else {
      const socket = req.socket as unknown as TLSSocket;
      // Without a credential header the answer depends on the connection alone (its certificate, or none): decided once per connection.
      const perConnection = this.#o.connectionIdentity !== false && req.headers.authorization === undefined && req.headers['sec-websocket-protocol'] === undefined;
      const connection = connectionOf(req);
      const known = perConnection ? CONNECTION_IDENTITIES.get(connection) : undefined;
      if (known !== undefined) caller = { ...known, auditId };
      else {
        const headers = headerMapFromRaw(req.rawHeaders);
        const r = await chain.authenticate({ headers, peerCertificates: peerChain(req), clientCertVerified: socket.authorized === true, path: new URL(req.url, 'https://localhost').pathname });
        if (r.kind !== 'ok') {
          if (r.kind === 'error') this.#o.logger?.debug('authentication failed', { error: r.message });
          throw unauthorized('Unauthorized');
        }
        caller = { user: r.user.name, groups: [...r.user.groups], auditId };
        if (perConnection) CONNECTION_IDENTITIES.set(connection, caller);
      }
    }
    if (!Object.keys(req.headers).some((h) => h.toLowerCase().startsWith('impersonate-'))) return caller;
    const requestor = userInfo(caller.user, { groups: [...caller.groups] });
    const as = await impersonate(requestor, headerMapFromRaw(req.rawHeaders), async (who, c) => {
      const d = await this.#authorizer.authorize({ user: who, verb: c.verb, namespace: c.namespace, apiGroup: c.apiGroup, apiVersion: c.apiVersion, resource: c.resource, subresource: c.subresource, name: c.name, resourceRequest: true, path: '' });
      return { allowed: d.decision === 'Allow', reason: d.reason };
    });
    return { user: as.name, groups: [...as.groups], auditId, impersonator: { user: caller.user, groups: caller.groups } };
  }

  /** The request's audit event (after authentication: the policy matches on the user). */
  #beginAudit(req: http2.Http2ServerRequest, info: RequestInfo, caller: Caller): AuditRecorder {
    const auditor = this.#o.auditor!;
    const who = caller.impersonator ?? caller;
    const rec = auditor.begin({
      auditID: caller.auditId, requestURI: req.url, requestInfo: info, user: { username: who.user, groups: [...who.groups] },
      headers: { 'user-agent': req.headers['user-agent'], 'x-forwarded-for': req.headers['x-forwarded-for'], 'x-real-ip': req.headers['x-real-ip'] },
      ...(req.socket.remoteAddress !== undefined ? { remoteAddress: req.socket.remoteAddress } : {}),
    });
    if (caller.impersonator !== undefined) rec.setImpersonatedUser({ username: caller.user, groups: [...caller.groups] });
    if (info.isResourceRequest) {
      rec.setObjectRef({
        resource: info.resource, namespace: info.namespace, name: info.name, apiGroup: info.apiGroup, apiVersion: info.apiVersion, subresource: info.subresource,
      });
    }
    return rec;
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
    let rec: AuditRecorder = NOOP_RECORDER;
    let responseObject: unknown;
    let failedStatus: unknown;
    const untrackH1 = this.#trackH1(req);
    let untrackShutdown: (() => void) | undefined;
    try {
      res.setHeader('Audit-Id', auditId);
      res.setHeader('Cache-Control', 'no-cache, private');
      // Go's server stops keep-alive during shutdown: the client's next request opens a connection elsewhere.
      if (req.httpVersionMajor === 1 && this.#phase !== 'serving') res.setHeader('Connection', 'close');
      info = parseRequestInfo(req.method, url.pathname, query);
      caller = await this.#authenticate(req, auditId);
      if (this.#o.auditor?.enabled === true) {
        rec = this.#beginAudit(req, info, caller);
        // blocking-strict: an event that cannot be stored fails the request (kube's 500).
        if (!(await rec.stage('RequestReceived'))) throw internalError(new Error('failed to store audit event'));
        if (rec !== NOOP_RECORDER) {
          const r = rec;
          caller = { ...caller, audit: { request: (o) => r.setRequestObject(o), response: (o) => (responseObject = o), annotate: (k, v) => r.addAnnotation(k, v) } };
        }
      }
      if (decideGoaway(req.httpVersionMajor, this.#goawayChance, this.#o.random)) sendGoaway(req.stream.session);
      untrackShutdown = this.#admitDuringShutdown(info, caller, ac);
      if (untrackShutdown === undefined) {
        writeShuttingDown(sink, req.httpVersionMajor);
        return;
      }
      const traceparent = req.headers.traceparent;
      if (typeof traceparent === 'string' && traceparent !== '') caller = { ...caller, traceparent };
      const ticket = this.#limiter.admit(info, { privileged: caller.groups.includes('system:masters') });
      if (ticket === undefined) {
        writeTooManyRequests(sink);
        return;
      }
      const untrack = info.isResourceRequest && (info.verb === 'watch') ? this.#o.metrics.trackLongRunning({ info, query }) : undefined;
      // kube's timeout filter: a request that is not long-running ends with 504 after --request-timeout.
      const timer = isLongRunning(info) ? undefined : this.#timers.setTimeout(() => ac.abort(REQUEST_TIMED_OUT), this.#o.requestTimeoutMs);
      try {
        const attrs = attributesOf(caller, info, query);
        const decision = await this.#authorizer.authorize(attrs);
        rec.setAuthorizationDecision(decision.decision === 'Allow' ? 'allow' : 'forbid', decision.reason);
        if (decision.decision !== 'Allow') throw forbiddenError(attrs, decision.reason);
        if (isLongRunning(info)) await rec.stage('ResponseStarted');
        const done = this.#dispatch(source, sink, info, query, caller, ac.signal);
        if (timer === undefined) await done;
        else await Promise.race([done, abortedBy(ac.signal)]);
      } finally {
        if (timer !== undefined) this.#timers.clearTimeout(timer);
        ticket.release();
        untrack?.();
      }
    } catch (err) {
      const status = statusFromUnknown(err);
      failedStatus = status.status;
      if (status.status.code >= 500) this.#o.logger?.error('request failed', { auditId, path: url.pathname, error: err instanceof Error ? err.message : String(err) });
      if (!res.headersSent) {
        // A body we stopped reading (413, a refusal before the body) would be parsed as the next request on
        // this HTTP/1.1 connection: close it after the answer. (HTTP/2 streams are independent.)
        if (req.httpVersionMajor === 1 && !req.complete) res.setHeader('Connection', 'close');
        writeStatus(sink, status);
      }
      else res.destroy();
    } finally {
      untrackShutdown?.();
      untrackH1();
      const code = res.statusCode;
      this.#o.logger?.debug('request', { auditId, user: caller.user, method: req.method, path: req.url, code, durationMs: Math.round(performance.now() - started) });
      if (info !== undefined) this.#o.metrics.recordRequest({ info, query, contentType: req.headers['content-type'] }, code, (performance.now() - started) / 1000);
      this.#o.audit?.({ auditId, user: caller.user, groups: caller.groups, verb: info?.verb ?? req.method, path: url.pathname, code, durationMs: performance.now() - started });
      if (rec !== NOOP_RECORDER) void rec.complete(code, responseObject ?? failedStatus);
    }
  }

  /**
   * kube's WithWaitGroup: counts the request for the shutdown sequence, or
   * undefined when it must be refused (503) because the server no longer
   * accepts requests. Long-running requests are counted apart and end when
   * told to; health probes and the apiserver's own loopback requests are
   * exempt from refusal, as upstream.
   */
  #admitDuringShutdown(info: RequestInfo, caller: Caller, ac: AbortController): (() => void) | undefined {
    if (isLongRunning(info)) {
      const done = this.#longRunning.add();
      const end = this.#endLongRunning.signal;
      const onEnd = (): void => ac.abort(SHUTTING_DOWN);
      if (end.aborted) onEnd();
      else end.addEventListener('abort', onEnd, { once: true });
      return () => {
        end.removeEventListener('abort', onEnd);
        done();
      };
    }
    if (phaseAtLeast(this.#phase, 'notAcceptingNewRequests')) {
      const exempt = (!info.isResourceRequest && EXEMPT_FROM_SHUTDOWN.test(info.path)) || caller.user === 'system:apiserver';
      return exempt ? () => undefined : undefined;
    }
    return this.#nonLongRunning.add();
  }

  async #dispatch(req: RequestSource, res: ResponseSink, info: RequestInfo, query: URLSearchParams, caller: Caller, signal: AbortSignal): Promise<void> {
    if (info.isResourceRequest) {
      const r = { req, res, info, query, caller, signal };
      if (isReviewRequest(r)) {
        const chain = this.#o.authenticator;
        return serveReview({
          authorizer: this.#authorizer, ruleResolver: this.#authorizer, maxBodyBytes: this.#o.maxBodyBytes,
          ...(chain !== undefined ? { tokenReview: { authenticator: chain, apiAudiences: this.#o.apiAudiences ?? [] } } : {}),
        }, r);
      }
      if (isTokenRequest(r)) return serveTokenRequest(this.#o.serviceAccountTokens, this.#o.maxBodyBytes, r);
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
