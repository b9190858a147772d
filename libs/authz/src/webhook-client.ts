// The HTTPS side of a kubeconfig-configured webhook (kube's util/webhook
// GenericWebhook): POST one JSON object, read one JSON object back, with a
// per-attempt timeout and kube's retry rule — exponential backoff, retrying
// only what DefaultShouldRetry calls transient (connection reset, 429, 500,
// 504, or any answer carrying Retry-After).
//
// Bounds: a response body over MAX_RESPONSE_BYTES is refused. The agent keeps
// at most MAX_SOCKETS connections; requests beyond that wait in the agent's
// queue, which the apiserver's in-flight limit bounds (one authorization per
// admitted request) and the per-attempt timeout drains.

import { Agent, request } from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { KubeconfigConnection } from '@logbook/pki';

export const MAX_RESPONSE_BYTES = 3 * 1024 * 1024;
export const MAX_SOCKETS = 64;

/** kube's wait.Backoff; DefaultAuthWebhookRetryBackoff is 500ms × 1.5, jitter 0.2, 5 attempts. */
export interface RetryBackoff {
  readonly initialMs: number;
  readonly factor: number;
  readonly jitter: number;
  /** Attempts in all, the first included. */
  readonly steps: number;
}

export const DEFAULT_RETRY_BACKOFF: RetryBackoff = { initialMs: 500, factor: 1.5, jitter: 0.2, steps: 5 };

export type WebhookErrorCode = 'timeout' | 'connection' | 'status' | 'decode' | 'too-large';

export class WebhookError extends Error {
  override readonly name = 'WebhookError';
  readonly code: WebhookErrorCode;
  /** HTTP status when code is 'status'. */
  readonly statusCode: number | undefined;
  readonly retryable: boolean;
  constructor(code: WebhookErrorCode, message: string, fields: { statusCode?: number; retryable: boolean; cause?: unknown }) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.code = code;
    this.statusCode = fields.statusCode;
    this.retryable = fields.retryable;
  }
}

export interface WebhookClientOptions {
  readonly requestTimeoutMs: number;
  readonly retryBackoff: RetryBackoff;
  /** In [0, 1): the jitter source. */
  readonly random: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

const RETRY_STATUSES = new Set([429, 500, 504]);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE']);

export class WebhookClient {
  readonly #url: URL;
  readonly #agent: Agent;
  readonly #headers: Readonly<Record<string, string>>;
  readonly #options: WebhookClientOptions;

  constructor(connection: KubeconfigConnection, options: WebhookClientOptions) {
    const url = new URL(connection.server);
    if (url.protocol !== 'https:') throw new WebhookError('connection', `webhook server ${connection.server} must be an https:// URL`, { retryable: false });
    if (!(options.requestTimeoutMs > 0) || options.retryBackoff.steps < 1) throw new Error('assertion failed: webhook timeout and retry steps must be positive');
    this.#url = url;
    this.#options = options;
    this.#agent = new Agent({
      keepAlive: true,
      maxSockets: MAX_SOCKETS,
      rejectUnauthorized: !connection.insecureSkipTLSVerify,
      ...(connection.caData === undefined ? {} : { ca: connection.caData }),
      ...(connection.certData === undefined ? {} : { cert: connection.certData }),
      ...(connection.keyData === undefined ? {} : { key: connection.keyData }),
      ...(connection.tlsServerName === undefined ? {} : { servername: connection.tlsServerName }),
    });
    this.#headers = {
      'Content-Type': 'application/json',
      Accept: 'application/json, */*',
      'User-Agent': 'logbook-apiserver',
      ...(connection.token === undefined ? {} : { Authorization: `Bearer ${connection.token}` }),
    };
  }

  /** POSTs `body`, retrying transient failures; resolves with the decoded JSON or rejects with the last WebhookError. */
  async post(body: unknown): Promise<unknown> {
    const payload = JSON.stringify(body);
    const { initialMs, factor, jitter, steps } = this.#options.retryBackoff;
    let delayMs = initialMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#attempt(payload);
      } catch (err) {
        if (!(err instanceof WebhookError) || !err.retryable || attempt >= steps) throw err;
      }
      await this.#options.sleep(delayMs * (1 + jitter * this.#options.random()));
      delayMs *= factor;
    }
  }

  close(): void {
    this.#agent.destroy();
  }

  #attempt(payload: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const req = request(this.#url, { method: 'POST', agent: this.#agent, headers: { ...this.#headers, 'Content-Length': String(Buffer.byteLength(payload)) } }, (res) => {
        readBody(res)
          .then((text) => decode(res, text))
          .then(resolve, reject);
      });
      const timer = setTimeout(() => {
        req.destroy(new WebhookError('timeout', `Post "${this.#url.href}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`, { retryable: false }));
      }, this.#options.requestTimeoutMs);
      req.on('close', () => clearTimeout(timer));
      req.on('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        if (err instanceof WebhookError) reject(err);
        else reject(new WebhookError('connection', `Post "${this.#url.href}": ${err.message}`, { retryable: RESET_CODES.has(err.code ?? ''), cause: err }));
      });
      req.end(payload);
    });
  }
}

async function readBody(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_RESPONSE_BYTES) {
      res.destroy();
      throw new WebhookError('too-large', `webhook response body exceeds ${MAX_RESPONSE_BYTES} bytes`, { retryable: false });
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function decode(res: IncomingMessage, text: string): unknown {
  const status = res.statusCode ?? 0;
  if (status < 200 || status > 299) {
    const retryable = RETRY_STATUSES.has(status) || res.headers['retry-after'] !== undefined;
    // client-go's wording for a non-Status error body.
    const snippet = text.length > 256 ? `${text.slice(0, 256)}…` : text;
    throw new WebhookError('status', `an error on the server (${JSON.stringify(snippet)}) has prevented the request from succeeding (HTTP ${status})`, { statusCode: status, retryable });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new WebhookError('decode', `webhook response is not JSON: ${(err as Error).message}`, { retryable: false, cause: err });
  }
}
