// Writing one complete response: an object or a Status, in JSON or YAML, the
// way kube-apiserver's encoders do. Streaming responses (watch, list) live in
// their own modules.

import type { Status } from '@logbook/apimachinery';
import { notAcceptable, StatusError } from '@logbook/apimachinery';
import { stringify } from 'yaml';
import type { ResponseSink } from './http-types.ts';
import { parseMediaType, splitOutsideQuotes } from './media-type.ts';
import { formatWarningHeaders } from './warning-header.ts';

export const RESPONSE_FORMATS = ['json', 'yaml'] as const;
export type ResponseFormat = (typeof RESPONSE_FORMATS)[number];

export const RESPONSE_MEDIA_TYPES: Readonly<Record<ResponseFormat, string>> = { json: 'application/json', yaml: 'application/yaml' };

/** Listed in the 406 message. */
export const SERVED_MEDIA_TYPES = ['application/json', 'application/yaml'] as const;

export interface AcceptClause {
  readonly type: string;
  readonly params: ReadonlyMap<string, string>;
  readonly q: number;
  readonly order: number;
}

/**
 * An Accept header's clauses in preference order, as kube's negotiation
 * ranks them: by q (then specificity, then order). Unparseable clauses and
 * q=0 are dropped.
 */
export function acceptClauses(accept: string): AcceptClause[] {
  const clauses: AcceptClause[] = [];
  splitOutsideQuotes(accept, ',').forEach((raw, order) => {
    const m = parseMediaType(raw);
    if (m === undefined) return;
    const params = m.params ?? new Map<string, string>();
    const q = params.has('q') ? Number(params.get('q')) : 1;
    if (!Number.isFinite(q) || q <= 0) return;
    clauses.push({ type: m.type, params, q, order });
  });
  return clauses.sort((a, b) => b.q - a.q || specificity(b.type) - specificity(a.type) || a.order - b.order);
}

/** The plain (untransformed) format a clause asks for, if we serve it. */
export function plainFormat(c: AcceptClause): ResponseFormat | undefined {
  const as = c.params.get('as');
  if (as !== undefined && as !== '') return undefined;
  switch (c.type) {
    case '*/*':
    case 'application/*':
    case 'application/json': return 'json';
    case 'application/yaml': return 'yaml';
    default: return undefined;
  }
}

/**
 * Picks json or yaml from an Accept header, as kube's negotiation does:
 * clauses by q (then specificity, then order); `*\/*` and `application/*`
 * mean JSON; a missing or empty header means JSON. A clause asking for a
 * transformed object (`as=Table`, `as=PartialObjectMetadata`, ...) is skipped:
 * negotiateOutput (table-negotiate.ts) handles those. undefined means 406.
 */
export function negotiateResponse(accept: string | undefined): ResponseFormat | undefined {
  if (accept === undefined || accept.trim() === '') return 'json';
  for (const c of acceptClauses(accept)) {
    const f = plainFormat(c);
    if (f !== undefined) return f;
  }
  return undefined;
}

function specificity(type: string): number {
  if (type === '*/*') return 0;
  return type.endsWith('/*') ? 1 : 2;
}

/** The 406 for an Accept header negotiateResponse refused. */
export function notAcceptableError(): StatusError {
  return notAcceptable(SERVED_MEDIA_TYPES);
}

/** kube pretty-prints for `?pretty=true` and for curl, wget and browsers. */
export function wantsPretty(query: URLSearchParams, userAgent: string | undefined): boolean {
  const p = query.get('pretty');
  if (p !== null) return p === '1' || p.toLowerCase() === 'true' || p === 't' || p === 'T';
  const ua = userAgent ?? '';
  return ua.startsWith('curl') || ua.startsWith('Wget') || ua.startsWith('Mozilla/5.0');
}

export interface EncodeOptions {
  readonly pretty?: boolean;
}

/**
 * The body bytes kube's serializers produce: compact JSON ends with a newline
 * (Go's json.Encoder), pretty JSON is 2-space indented without one; YAML is
 * YAML 1.1-safe block style with sorted keys and unindented sequences, as
 * sigs.k8s.io/yaml writes it.
 */
export function encodeBody(obj: unknown, format: ResponseFormat, opts: EncodeOptions = {}): string {
  if (format === 'yaml') {
    return stringify(obj, { version: '1.1', sortMapEntries: true, indentSeq: false, lineWidth: 0, aliasDuplicateObjects: false });
  }
  const text = opts.pretty === true ? JSON.stringify(obj, null, 2) : `${JSON.stringify(obj)}\n`;
  if (typeof text !== 'string') throw new TypeError('encodeBody: value has no JSON form');
  return text;
}

/** Writes a complete object response. */
export function writeObject(res: ResponseSink, code: number, obj: unknown, format: ResponseFormat = 'json', opts: EncodeOptions = {}): void {
  assertUnsent(res);
  const body = encodeBody(obj, format, opts);
  res.statusCode = code;
  res.setHeader('Content-Type', RESPONSE_MEDIA_TYPES[format]);
  res.setHeader('Content-Length', String(Buffer.byteLength(body, 'utf8')));
  res.end(Buffer.from(body, 'utf8'));
}

/**
 * Writes a Status (from a StatusError or a success Status). HTTP code =
 * status.code (200 for a Success status without one), and `Retry-After` when
 * details.retryAfterSeconds is set, as kube does so clients back off.
 */
export function writeStatus(res: ResponseSink, err: StatusError | Status, format: ResponseFormat = 'json', opts: EncodeOptions = {}): void {
  const status: Status = err instanceof StatusError ? err.status : err;
  const retry = status.details?.retryAfterSeconds;
  if (retry !== undefined && retry > 0) res.setHeader('Retry-After', String(retry));
  writeObject(res, status.code ?? 200, status, format, opts);
}

/** Sets one `Warning` header per distinct text (kube's format and limits); call before the response starts. */
export function writeWarnings(res: ResponseSink, warnings: readonly string[]): void {
  assertUnsent(res);
  const values = formatWarningHeaders(warnings);
  if (values.length === 0) res.removeHeader('Warning');
  else res.setHeader('Warning', values);
}

function assertUnsent(res: ResponseSink): void {
  if (res.headersSent) throw new Error('response already started: headers were sent');
}
