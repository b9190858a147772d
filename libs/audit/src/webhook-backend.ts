// The webhook backend (--audit-webhook-*): batches posted as an
// audit.k8s.io/v1 EventList through an injected `send` (the service builds
// the HTTPS client from the kubeconfig). A failed post is retried with
// kube's backoff: up to 5 attempts, waits starting at the initial backoff and
// growing 1.5x, each stretched by up to 20% jitter; only transient failures
// are retried. A batch that still fails is reported and dropped.

import { newBufferedBackend } from './buffered.ts';
import type { BackendMode, BatchConfig, EventSink } from './buffered.ts';
import { sleep } from './clock.ts';
import type { AuditClock } from './clock.ts';
import type { AuditBackend, AuditEvent, AuditEventList, AuditLogger } from './types.ts';

export const WEBHOOK_RETRY_STEPS = 5;
const BACKOFF_FACTOR = 1.5;
const BACKOFF_JITTER = 0.2;

/** What `send` throws when the webhook answered with an HTTP error, so retries can tell transient from final. */
export class WebhookStatusError extends Error {
  readonly code = 'WebhookStatus' as const;
  readonly statusCode: number;
  /** Seconds from a Retry-After header, when the webhook sent one. */
  readonly retryAfterSeconds: number | undefined;

  constructor(statusCode: number, message: string, options?: { cause?: unknown; retryAfterSeconds?: number }) {
    super(message, options);
    this.name = 'WebhookStatusError';
    this.statusCode = statusCode;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

/**
 * kube's DefaultShouldRetry: connection resets, 500, 504 (timeout), 429, and
 * anything that asks for a delay (Retry-After). Everything else is final.
 */
export function defaultShouldRetry(err: unknown): boolean {
  if (err instanceof WebhookStatusError) {
    return err.statusCode === 500 || err.statusCode === 504 || err.statusCode === 429 || err.retryAfterSeconds !== undefined;
  }
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ECONNRESET' || code === 'ERR_HTTP2_STREAM_ERROR' || code === 'ERR_HTTP2_GOAWAY_SESSION';
}

export interface WebhookBackendOptions {
  readonly send: (eventList: AuditEventList) => Promise<void>;
  readonly initialBackoffMs: number;
  readonly mode: BackendMode;
  readonly batch: BatchConfig;
  readonly clock: AuditClock;
  readonly logger: AuditLogger;
  /** In [0, 1); jitters the backoff. */
  readonly random: () => number;
  readonly shouldRetry?: (err: unknown) => boolean;
}

export function eventList(events: readonly AuditEvent[]): AuditEventList {
  return { kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items: events };
}

export function newWebhookSink(opts: WebhookBackendOptions): EventSink {
  const shouldRetry = opts.shouldRetry ?? defaultShouldRetry;
  return {
    name: 'webhook',
    async send(events) {
      const body = eventList(events);
      let waitMs = opts.initialBackoffMs;
      for (let attempt = 1; ; attempt++) {
        try {
          await opts.send(body);
          return;
        } catch (err: unknown) {
          if (attempt >= WEBHOOK_RETRY_STEPS || !shouldRetry(err)) throw err;
        }
        await sleep(opts.clock, waitMs + opts.random() * BACKOFF_JITTER * waitMs);
        waitMs *= BACKOFF_FACTOR;
      }
    },
  };
}

export function newWebhookBackend(opts: WebhookBackendOptions): AuditBackend {
  return newBufferedBackend({ mode: opts.mode, batch: opts.batch, sink: newWebhookSink(opts), clock: opts.clock, logger: opts.logger });
}
