// The API error: a StatusError carries the whole metav1.Status that goes on
// the wire. Constructors reproduce kube-apiserver's messages, reasons, codes
// and details, because kubectl prints them verbatim and client libraries branch
// on reason and code.

import { aggregateMessage, type FieldError } from './field-errors.ts';
import { goQuote } from './go-format.ts';

export const STATUS_REASONS = [
  'Unauthorized', 'Forbidden', 'NotFound', 'AlreadyExists', 'Conflict', 'Gone', 'Invalid', 'ServerTimeout',
  'Timeout', 'TooManyRequests', 'BadRequest', 'MethodNotAllowed', 'NotAcceptable', 'RequestEntityTooLarge',
  'UnsupportedMediaType', 'InternalError', 'Expired', 'ServiceUnavailable',
] as const;
export type StatusReason = (typeof STATUS_REASONS)[number];

export interface StatusCause {
  readonly reason?: string;
  readonly message?: string;
  readonly field?: string;
}

export interface StatusDetails {
  readonly name?: string;
  readonly group?: string;
  /** The resource plural for most errors; the Kind for Invalid (422). */
  readonly kind?: string;
  readonly uid?: string;
  readonly causes?: readonly StatusCause[];
  readonly retryAfterSeconds?: number;
}

/** metav1.Status, fields in kube's JSON order; empty optional fields are absent, as with Go's omitempty. */
export interface Status {
  readonly kind: 'Status';
  readonly apiVersion: 'v1';
  readonly metadata: Readonly<Record<string, never>>;
  readonly status: 'Failure' | 'Success';
  readonly message?: string;
  readonly reason?: StatusReason;
  readonly details?: StatusDetails;
  readonly code?: number;
}

export interface FailureStatus extends Status {
  readonly status: 'Failure';
  readonly message: string;
  /** Absent for kube's StatusReasonUnknown (a plain error turned into a Status). */
  readonly reason?: StatusReason;
  readonly code: number;
}

/** A group plus resource plural; the core group is ''. */
export interface GroupResource {
  readonly group: string;
  readonly resource: string;
}

/** A group plus Kind, for Invalid errors. */
export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

export class StatusError extends Error {
  override readonly name = 'StatusError';
  readonly status: FailureStatus;

  constructor(status: FailureStatus, opts: { readonly cause?: unknown } = {}) {
    super(status.message, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    if (!Number.isInteger(status.code) || status.code < 400 || status.code > 599) {
      throw new RangeError(`StatusError: code ${status.code} is not an HTTP error status`);
    }
    this.status = status;
  }

  /** The HTTP status code; always equal to `status.code`. */
  get code(): number {
    return this.status.code;
  }

  get reason(): StatusReason | undefined {
    return this.status.reason;
  }
}

/** `deployments.apps` for a named group, just `pods` for the core group: schema.GroupResource.String(). */
export function groupResourceString(gr: GroupResource): string {
  return gr.group === '' ? gr.resource : `${gr.resource}.${gr.group}`;
}

function groupKindString(gk: GroupKind): string {
  return gk.group === '' ? gk.kind : `${gk.kind}.${gk.group}`;
}

// Builds details in kube's field order, leaving out empty values as Go's
// omitempty does. The object itself stays even when empty (`"details":{}`),
// because kube sends it whenever the constructor sets a details pointer.
function makeDetails(d: StatusDetails): StatusDetails {
  const out: { name?: string; group?: string; kind?: string; uid?: string; causes?: readonly StatusCause[]; retryAfterSeconds?: number } = {};
  if (d.name !== undefined && d.name !== '') out.name = d.name;
  if (d.group !== undefined && d.group !== '') out.group = d.group;
  if (d.kind !== undefined && d.kind !== '') out.kind = d.kind;
  if (d.uid !== undefined && d.uid !== '') out.uid = d.uid;
  if (d.causes !== undefined && d.causes.length > 0) out.causes = d.causes.map(makeCause);
  if (d.retryAfterSeconds !== undefined && d.retryAfterSeconds !== 0) out.retryAfterSeconds = d.retryAfterSeconds;
  return out;
}

function makeCause(c: StatusCause): StatusCause {
  const out: { reason?: string; message?: string; field?: string } = {};
  if (c.reason !== undefined && c.reason !== '') out.reason = c.reason;
  if (c.message !== undefined && c.message !== '') out.message = c.message;
  if (c.field !== undefined && c.field !== '') out.field = c.field;
  return out;
}

/** Low-level constructor: any Failure status, fields ordered and emptied as kube's JSON encoder does. */
export function failure(code: number, reason: StatusReason, message: string, details?: StatusDetails): StatusError {
  const d = details === undefined ? undefined : makeDetails(details);
  const status: FailureStatus = d === undefined
    ? { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }
    : { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, details: d, code };
  return new StatusError(status);
}

function errText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

export const OPTIMISTIC_LOCK_ERROR_MSG = 'the object has been modified; please apply your changes to the latest version and try again';

export function notFound(gr: GroupResource, name: string): StatusError {
  return failure(404, 'NotFound', `${groupResourceString(gr)} ${goQuote(name)} not found`, { group: gr.group, kind: gr.resource, name });
}

/** The 404 for a path no handler serves. */
export function notFoundPath(): StatusError {
  return failure(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function alreadyExists(gr: GroupResource, name: string): StatusError {
  return failure(409, 'AlreadyExists', `${groupResourceString(gr)} ${goQuote(name)} already exists`, { group: gr.group, kind: gr.resource, name });
}

export function conflict(gr: GroupResource, name: string, err: unknown): StatusError {
  return failure(409, 'Conflict', `Operation cannot be fulfilled on ${groupResourceString(gr)} ${goQuote(name)}: ${errText(err)}`, { group: gr.group, kind: gr.resource, name });
}

/** The resourceVersion-mismatch conflict kubectl and controllers retry on. */
export function optimisticLockConflict(gr: GroupResource, name: string): StatusError {
  return conflict(gr, name, OPTIMISTIC_LOCK_ERROR_MSG);
}

export function invalid(gk: GroupKind, name: string, errs: readonly FieldError[]): StatusError {
  const causes = errs.map((e) => ({ reason: e.type, message: e.body(), field: e.field }));
  const agg = aggregateMessage(errs);
  const subject = `${groupKindString(gk)} ${goQuote(name)} is invalid`;
  return failure(422, 'Invalid', agg === undefined ? subject : `${subject}: ${agg}`, { group: gk.group, kind: gk.kind, name, causes });
}

export function badRequest(message: string): StatusError {
  return failure(400, 'BadRequest', message);
}

export function forbidden(gr: GroupResource, name: string, err: unknown): StatusError {
  let message: string;
  if (gr.group === '' && gr.resource === '') message = `forbidden: ${errText(err)}`;
  else if (name === '') message = `${groupResourceString(gr)} is forbidden: ${errText(err)}`;
  else message = `${groupResourceString(gr)} ${goQuote(name)} is forbidden: ${errText(err)}`;
  return failure(403, 'Forbidden', message, { group: gr.group, kind: gr.resource, name });
}

export function methodNotSupported(gr: GroupResource, action: string): StatusError {
  return failure(405, 'MethodNotAllowed', `${action} is not supported on resources of kind ${goQuote(groupResourceString(gr))}`, { group: gr.group, kind: gr.resource });
}

/** 415: the request body's Content-Type is not one the endpoint decodes; kube lists what it accepts. */
export function unsupportedMediaType(acceptedTypes: readonly string[]): StatusError {
  return failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${acceptedTypes.join(', ')}`);
}

/** 406: no representation satisfies the Accept header. */
export function notAcceptable(acceptedTypes: readonly string[]): StatusError {
  return failure(406, 'NotAcceptable', `only the following media types are accepted: ${acceptedTypes.join(', ')}`);
}

export function requestEntityTooLarge(message: string): StatusError {
  return failure(413, 'RequestEntityTooLarge', `Request entity too large: ${message}`);
}

/** 429 with a retry hint; the HTTP layer also sends `Retry-After: <retryAfterSeconds>`. */
export function tooManyRequests(message: string, retryAfterSeconds: number): StatusError {
  return failure(429, 'TooManyRequests', message, { retryAfterSeconds });
}

/** Deprecated upstream in favour of resourceExpired; clients treat both alike. */
export function gone(message: string): StatusError {
  return failure(410, 'Gone', message);
}

export function resourceExpired(message: string): StatusError {
  return failure(410, 'Expired', message);
}

/** A watch from a resourceVersion older than retained history; `oldest` is what kube prints in parentheses. */
export function tooOldResourceVersion(requested: number, oldest: number): StatusError {
  return resourceExpired(`too old resource version: ${requested} (${oldest})`);
}

/** A list continue token whose snapshot was compacted away. */
export function continueExpired(): StatusError {
  return resourceExpired('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
}

/** An Exact (or limit-pinned) list at a compacted resourceVersion. */
export function listResourceVersionTooOld(): StatusError {
  return resourceExpired('The resourceVersion for the provided list is too old.');
}

export function timeout(message: string, retryAfterSeconds: number): StatusError {
  return failure(504, 'Timeout', `Timeout: ${message}`, { retryAfterSeconds });
}

/** 504 for a resourceVersion newer than the store reached in time; clients retry after the hint. */
export function tooLargeResourceVersion(requested: number, current: number, retryAfterSeconds: number): StatusError {
  return failure(504, 'Timeout', `Timeout: Too large resource version: ${requested}, current: ${current}`, {
    causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
    retryAfterSeconds,
  });
}

export function serverTimeout(gr: GroupResource, operation: string, retryAfterSeconds: number): StatusError {
  return failure(500, 'ServerTimeout', `The ${operation} operation against ${groupResourceString(gr)} could not be completed at this time, please try again.`, {
    group: gr.group, kind: gr.resource, name: operation, retryAfterSeconds,
  });
}

export function serviceUnavailable(message: string): StatusError {
  return failure(503, 'ServiceUnavailable', message);
}

/** 500. Only the error's message is exposed — never its stack. The original error stays as `cause` for logging. */
export function internalError(err: unknown): StatusError {
  const text = errText(err);
  return new StatusError(
    { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `Internal error occurred: ${text}`, reason: 'InternalError', details: { causes: [{ message: text }] }, code: 500 },
    { cause: err },
  );
}

/**
 * A plain error as kube's ErrorToAPIStatus reports it: the code given (500 by
 * default), the error's text, and no reason (StatusReasonUnknown).
 */
export function unknownReason(message: string, code = 500, cause?: unknown): StatusError {
  return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, code }, cause !== undefined ? { cause } : {});
}

export function unauthorized(message = ''): StatusError {
  return failure(401, 'Unauthorized', message === '' ? 'not authorized' : message);
}

/** The Status a DELETE answers with when the kind does not return the deleted object. No code: kube leaves it unset. */
export function successStatus(details: StatusDetails): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: makeDetails(details) };
}

/** Any thrown value as a StatusError: StatusErrors pass through, everything else becomes a 500. */
export function statusFromUnknown(err: unknown): StatusError {
  return err instanceof StatusError ? err : internalError(err);
}
