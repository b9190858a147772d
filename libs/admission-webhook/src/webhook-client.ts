// One HTTPS POST of an AdmissionReview to a webhook, with kube's client
// behaviour where a user can see it: the URL carries `?timeout=Ns`, a
// service is dialled at the address the injected resolver gives but its
// certificate is checked for `<name>.<namespace>.svc`, a non-2xx answer
// becomes client-go's generic error (or the Status in its body), and errors
// read as Go's (`Post "<url>": context deadline exceeded`), because they end
// up in the message the client of the API sees.
//
// Bounds: the call is aborted at the webhook's timeoutSeconds or when the
// request's own signal aborts, whichever is first; a response body over
// maxResponseBytes is cut off and counts as a failed call (kube reads
// without a limit; Logbook bounds every buffer).

import { request as httpsRequest } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { goQuote } from '@logbook/apimachinery';
import { WebhookCallError } from './errors.ts';
import type { WebhookSpec } from './types.ts';

/** 3 MiB: kube-apiserver's own request body limit; a patch for any storable object fits. */
export const DEFAULT_MAX_RESPONSE_BYTES = 3 * 1024 * 1024;

/** Where a service-backed webhook really lives: the lead maps a Service to an endpoint. */
export type ResolveService = (namespace: string, name: string, port: number) => URL;

interface Target {
  /** Where the request goes (host header, path). */
  readonly url: URL;
  /** Scheme, host and port as kube names them in errors: a service's port is always shown (WHATWG URL drops :443). */
  readonly origin: string;
  readonly connectHost: string;
  readonly connectPort: number;
  readonly servername: string;
}

function targetOf(hook: WebhookSpec, resolveService: ResolveService): Target {
  const cc = hook.clientConfig;
  if (cc.service !== undefined) {
    const s = cc.service;
    const servername = `${s.name}.${s.namespace}.svc`;
    const url = new URL(`https://${servername}:${s.port}`);
    url.pathname = s.path === '' ? '/' : s.path;
    const resolved = resolveService(s.namespace, s.name, s.port);
    return { url, origin: `https://${servername}:${s.port}`, connectHost: resolved.hostname.replace(/^\[|\]$/g, ''), connectPort: resolved.port === '' ? 443 : Number(resolved.port), servername };
  }
  const url = new URL(cc.url ?? '');
  if (url.protocol !== 'https:') throw new Error(`unsupported scheme ${JSON.stringify(url.protocol.replace(/:$/, ''))}`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return { url, origin: url.origin, connectHost: host, connectPort: url.port === '' ? 443 : Number(url.port), servername: host };
}

// client-go's NewGenericServerResponse wording, for answers without a Status body.
function genericServerMessage(code: number, serverMessage: string): string {
  switch (code) {
    case 409: return 'the server reported a conflict';
    case 404: return 'the server could not find the requested resource';
    case 400: return 'the server rejected our request for an unknown reason';
    case 401: return 'the server has asked for the client to provide credentials';
    case 403: return serverMessage;
    case 405: return 'the server does not allow this method on the requested resource';
    case 422: return 'the server rejected our request due to an error in our request';
    case 503: return 'the server is currently unable to handle the request';
    case 504: return 'the server was unable to return a response in the time allotted, but may still be processing the request';
    case 429: return 'the server has received too many requests and has asked us to try again later';
    default:
      if (code >= 500) return `an error on the server (${goQuote(serverMessage)}) has prevented the request from succeeding`;
      return `the server responded with the status code ${code} but did not return more information`;
  }
}

const UNKNOWN_AUTHORITY = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT', 'CERT_SIGNATURE_FAILURE',
]);

// Node's socket and TLS errors in Go's words.
function goErrorText(err: unknown, target: Target): string {
  const e = err as { code?: unknown; message?: unknown; cert?: { subjectaltname?: unknown } };
  const code = typeof e.code === 'string' ? e.code : '';
  if (code === 'ECONNREFUSED') return `dial tcp ${target.connectHost}:${target.connectPort}: connect: connection refused`;
  if (code === 'ENOTFOUND') return `dial tcp: lookup ${target.connectHost}: no such host`;
  if (code === 'ECONNRESET') return `read tcp ${target.connectHost}:${target.connectPort}: read: connection reset by peer`;
  if (UNKNOWN_AUTHORITY.has(code)) return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') return 'tls: failed to verify certificate: x509: certificate has expired or is not yet valid';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const alt = typeof e.cert?.subjectaltname === 'string' ? e.cert.subjectaltname : '';
    const names = alt.split(',').map((n) => n.trim().replace(/^(DNS|IP Address):/, '')).filter((n) => n !== '');
    return `tls: failed to verify certificate: x509: certificate is valid for ${names.join(', ')}, not ${target.servername}`;
  }
  return typeof e.message === 'string' ? e.message : String(err);
}

class CallAborted extends Error {
  readonly kind: 'deadline' | 'canceled';
  constructor(kind: 'deadline' | 'canceled') {
    super(kind === 'deadline' ? 'context deadline exceeded' : 'context canceled');
    this.kind = kind;
  }
}

export interface CallOptions {
  readonly resolveService: ResolveService;
  readonly maxResponseBytes: number;
  readonly signal: AbortSignal | undefined;
}

/**
 * POSTs `review` and returns the decoded JSON body of a 2xx answer. Every
 * failure is a WebhookCallError (`failed calling webhook "name": ...`).
 */
export async function callWebhook(hook: WebhookSpec, review: unknown, opts: CallOptions): Promise<unknown> {
  let target: Target;
  try {
    target = targetOf(hook, opts.resolveService);
  } catch (err) {
    throw new WebhookCallError('config', hook.name, `could not get REST client: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const url = new URL(target.url);
  url.searchParams.set('timeout', `${hook.timeoutSeconds}s`);
  const post = `Post ${goQuote(`${target.origin}${url.pathname}${url.search}`)}`;
  let res: { readonly status: number; readonly contentType: string; readonly body: Buffer };
  try {
    res = await post1(url, target, hook, JSON.stringify(review), opts);
  } catch (err) {
    if (err instanceof WebhookCallError) throw err;
    const code = err instanceof CallAborted && err.kind === 'deadline' ? 'timeout' : 'transport';
    throw new WebhookCallError(code, hook.name, `failed to call webhook: ${post}: ${goErrorText(err, target)}`, { cause: err });
  }
  return decodeBody(hook, res);
}

function decodeBody(hook: WebhookSpec, res: { readonly status: number; readonly contentType: string; readonly body: Buffer }): unknown {
  const fail = (reason: string, cause?: unknown): WebhookCallError =>
    new WebhookCallError(res.status >= 200 && res.status <= 206 ? 'bad-response' : 'http-status', hook.name, `failed to call webhook: ${reason}`, cause !== undefined ? { cause } : {});
  const media = res.contentType.split(';')[0]!.trim().toLowerCase();
  const isJson = media === '' || media === 'application/json';
  const text = res.body.toString('utf8');
  if (res.status < 200 || res.status > 206) {
    // A Status object in the body is preferred over the generic wording, as client-go does.
    if (isJson) {
      try {
        const parsed: unknown = JSON.parse(text);
        const st = parsed as { kind?: unknown; status?: unknown; message?: unknown };
        if (typeof parsed === 'object' && parsed !== null && st.kind === 'Status' && st.status !== 'Success') {
          throw fail(typeof st.message === 'string' ? st.message : '');
        }
      } catch (err) {
        if (err instanceof WebhookCallError) throw err;
      }
    }
    const isText = media === '' || media.startsWith('text/');
    throw fail(genericServerMessage(res.status, isText ? text.slice(0, 2048).trim() : 'unknown'));
  }
  if (!isJson) throw fail(`serializer for ${res.contentType} doesn't exist`);
  if (res.body.length === 0) throw fail(`0-length response with status code: ${res.status} and content type: ${res.contentType === '' ? 'application/json' : res.contentType}`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw fail(`couldn't get version/kind; json parse error: ${err instanceof Error ? err.message : String(err)}`, err);
  }
}

function post1(url: URL, target: Target, hook: WebhookSpec, payload: string, opts: CallOptions): Promise<{ status: number; contentType: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({
      host: target.connectHost,
      port: target.connectPort,
      // SNI may not carry an IP address (RFC 6066); Node then checks the certificate against `host`.
      ...(isIP(target.servername) === 0 ? { servername: target.servername } : {}),
      method: 'POST',
      path: `${url.pathname}${url.search}`,
      headers: {
        host: url.host,
        'content-type': 'application/json',
        accept: 'application/json, */*',
        'content-length': Buffer.byteLength(payload),
        'user-agent': 'logbook-apiserver-admission',
      },
      ...(hook.clientConfig.caBundlePem !== undefined ? { ca: hook.clientConfig.caBundlePem } : {}),
      agent: false,
    });
    let settled = false;
    const finish = (err: Error | undefined, value?: { status: number; contentType: string; body: Buffer }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (err !== undefined) {
        req.destroy();
        reject(err);
      } else resolve(value!);
    };
    const timer = setTimeout(() => finish(new CallAborted('deadline')), hook.timeoutSeconds * 1000);
    const onAbort = (): void => finish(new CallAborted('canceled'));
    if (opts.signal?.aborted === true) {
      finish(new CallAborted('canceled'));
      return;
    }
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (err) => finish(err));
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > opts.maxResponseBytes) {
          finish(new WebhookCallError('bad-response', hook.name, `failed to call webhook: response body exceeds the limit of ${opts.maxResponseBytes} bytes`));
          return;
        }
        chunks.push(c);
      });
      res.on('error', (err) => finish(err));
      res.on('end', () => finish(undefined, { status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks) }));
    });
    req.end(payload);
  });
}
