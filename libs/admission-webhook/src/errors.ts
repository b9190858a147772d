// The two ways a webhook call ends badly, kept apart as kube keeps them:
// a failure to talk to the webhook (WebhookCallError; the webhook's
// failurePolicy decides whether it refuses the request) and the webhook
// refusing the request (a StatusError built from its answer; always final).

import { STATUS_REASONS, StatusError, badRequest, type FailureStatus, type StatusDetails, type StatusReason } from '@logbook/apimachinery';
import { goQuote } from '@logbook/apimachinery';

export const WEBHOOK_CALL_ERROR_CODES = ['transport', 'timeout', 'http-status', 'bad-response', 'config'] as const;
export type WebhookCallErrorCode = (typeof WEBHOOK_CALL_ERROR_CODES)[number];

/** kube's ErrCallingWebhook: `failed calling webhook "name": <reason>`. */
export class WebhookCallError extends Error {
  override readonly name = 'WebhookCallError';
  readonly code: WebhookCallErrorCode;
  readonly webhookName: string;

  constructor(code: WebhookCallErrorCode, webhookName: string, reason: string, opts: { readonly cause?: unknown } = {}) {
    super(`failed calling webhook ${goQuote(webhookName)}: ${reason}`, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.code = code;
    this.webhookName = webhookName;
  }
}

const KNOWN_REASONS: ReadonlySet<string> = new Set(STATUS_REASONS);

/** metav1.Status as a webhook may send it in response.status; decoded loosely, as Go's decoder would. */
export interface WebhookResultStatus {
  readonly code?: number;
  readonly message?: string;
  readonly reason?: string;
  readonly details?: StatusDetails;
}

/**
 * kube's ToStatusErr: the webhook's refusal, its code raised to 400 when
 * below, its message prefixed with `admission webhook "name" denied the request`.
 * Two departures forced by StatusError's type: a reason kube does not know
 * is dropped (kube passes it through), and a code above 599 becomes 500.
 */
export function deniedError(webhookName: string, result: WebhookResultStatus | undefined): StatusError {
  const deniedBy = `admission webhook ${goQuote(webhookName)} denied the request`;
  const r = result ?? {};
  let code = typeof r.code === 'number' && Number.isInteger(r.code) ? r.code : 0;
  if (code < 400) code = 400;
  if (code > 599) code = 500;
  let message: string;
  if (r.message !== undefined && r.message !== '') message = `${deniedBy}: ${r.message}`;
  else if (r.reason !== undefined && r.reason !== '') message = `${deniedBy}: ${r.reason}`;
  else message = `${deniedBy} without explanation`;
  const reason = r.reason !== undefined && KNOWN_REASONS.has(r.reason) ? (r.reason as StatusReason) : undefined;
  const status: FailureStatus = {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message,
    ...(reason !== undefined ? { reason } : {}),
    ...(r.details !== undefined ? { details: r.details } : {}),
    code,
  };
  return new StatusError(status);
}

/** A dry run reaching a webhook whose sideEffects are Unknown or Some: refused whatever the failurePolicy. */
export function dryRunUnsupported(webhookName: string): StatusError {
  return badRequest(`admission webhook ${goQuote(webhookName)} does not support dry run`);
}
