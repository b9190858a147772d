// Request bodies: read with a hard byte limit, then decode JSON or YAML into a
// plain object. Errors are kube-apiserver's: 413 over the limit, 415 for a
// media type we cannot decode, 400 with Go's decoder wording for bad bytes.

import {
  attachBodyDiagnostics, badRequest, exceedsDepth, type BodyDiagnostics, MAX_STRICT_ERRORS, requestEntityTooLarge, StatusError, unsupportedMediaType,
  yamlDuplicateKeyLine,
} from '@logbook/apimachinery';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments } from 'yaml';
import { headerValue, type RequestSource } from './http-types.ts';
import { goJsonSyntaxError, scanJsonDuplicates } from './json-syntax.ts';
import { parseMediaType } from './media-type.ts';

/** kube-apiserver's default `--max-request-bytes`-style limit for a decoded body (3 MiB). */
export const DEFAULT_MAX_BODY_BYTES = 3 * 1024 * 1024;

/** What the body decoder here understands; callers that also decode protobuf pass their own list for the 415 text. */
export const DECODABLE_MEDIA_TYPES = ['application/json', 'application/yaml'] as const;

export const BODY_READ_ERROR_CODES = ['RequestAborted'] as const;
export type BodyReadErrorCode = (typeof BODY_READ_ERROR_CODES)[number];

/** The client went away (or the caller's signal fired) before the body ended; nobody is left to answer. */
export class BodyReadError extends Error {
  override readonly name = 'BodyReadError';
  readonly code: BodyReadErrorCode;

  constructor(code: BodyReadErrorCode, message: string, opts: { readonly cause?: unknown } = {}) {
    super(message, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.code = code;
  }
}

/**
 * Reads the whole body, refusing more than `limitBytes`. Over the limit is
 * kube's 413 `Request entity too large: limit is N`, raised as soon as the
 * limit is crossed (or at once from Content-Length), so at most limit+chunk
 * bytes are ever held. The unread rest is left to Node, which discards it.
 */
export async function readBody(req: RequestSource, limitBytes = DEFAULT_MAX_BODY_BYTES, signal?: AbortSignal): Promise<Buffer> {
  if (!Number.isSafeInteger(limitBytes) || limitBytes <= 0) throw new RangeError(`readBody: limitBytes must be a positive integer, got ${limitBytes}`);
  const declared = Number(headerValue(req.headers, 'content-length') ?? '');
  if (Number.isFinite(declared) && declared > limitBytes) throw tooLarge(limitBytes);
  signal?.throwIfAborted();

  const chunks: Buffer[] = [];
  let total = 0;
  let aborted: BodyReadError | undefined;
  const onAbort = (): void => {
    aborted ??= new BodyReadError('RequestAborted', 'request body aborted by the client');
  };
  req.once('aborted', onAbort);
  try {
    for await (const chunk of req) {
      signal?.throwIfAborted();
      if (aborted !== undefined) throw aborted;
      const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk as Uint8Array);
      total += buf.length;
      if (total > limitBytes) throw tooLarge(limitBytes);
      chunks.push(buf);
    }
  } catch (err: unknown) {
    if (signal?.aborted === true) throw abortReason(signal);
    if (err instanceof BodyReadError || isStatus413(err)) throw err;
    throw new BodyReadError('RequestAborted', 'request body could not be read', { cause: err });
  } finally {
    req.off('aborted', onAbort);
  }
  if (aborted !== undefined) throw aborted;
  return Buffer.concat(chunks, total);
}

function abortReason(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  return r instanceof Error ? r : new BodyReadError('RequestAborted', 'request body read cancelled', { cause: r });
}

function tooLarge(limitBytes: number): StatusError {
  return requestEntityTooLarge(`limit is ${limitBytes}`);
}

function isStatus413(err: unknown): boolean {
  return err instanceof StatusError && err.code === 413;
}

export interface DecodeOptions {
  /**
   * The Kind the endpoint expects. When set, errors carry kube's full create/update
   * wording: `the object provided is unrecognized (must be of type <Kind>): <err> (<summary>)`.
   */
  readonly kind?: string;
  /** Listed in the 415 message; defaults to DECODABLE_MEDIA_TYPES (plus protobuf when `protobuf` is given). */
  readonly acceptedMediaTypes?: readonly string[];
  /**
   * Decoder for `application/vnd.kubernetes.protobuf` bodies (the server passes
   * `(b) => decodeKubeProtobuf(b).object` from @logbook/kube-protobuf). Without
   * it protobuf is a 415, as before. Its errors carry a `code`: `UnknownKind`
   * becomes a 415, `TooLarge` a 413, any other a 400.
   */
  readonly protobuf?: ProtobufBodyDecoder;
}

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

/** Returns the JSON form of a Kubernetes protobuf body; throws an Error with a string `code` on bad input. */
export type ProtobufBodyDecoder = (bytes: Uint8Array) => Record<string, unknown>;

/**
 * Decodes a request body into a JSON object. A missing Content-Type is JSON,
 * as in kube. Only a top-level object is accepted: kube decodes every body
 * into a typed object first. A repeated key keeps its last value (Go's
 * decoders do the same); JSON and YAML bodies carry their repeated keys as
 * BodyDiagnostics (read them with `bodyDiagnostics(obj)` from
 * @logbook/apimachinery) for fieldValidation to report.
 */
export function decodeBody(contentType: string | undefined, bytes: Uint8Array, opts: DecodeOptions = {}): Record<string, unknown> {
  const accepted = opts.acceptedMediaTypes ?? (opts.protobuf !== undefined ? [...DECODABLE_MEDIA_TYPES, PROTOBUF_MEDIA_TYPE] : DECODABLE_MEDIA_TYPES);
  const media = contentType === undefined || contentType.trim() === '' ? { type: 'application/json' } : parseMediaType(contentType);
  if (media === undefined) throw unsupportedMediaType(accepted);
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let result: Decoded;
  switch (media.type) {
    case 'application/json': result = decodeJson(buf.toString('utf8')); break;
    case 'application/yaml': result = decodeYaml(buf.toString('utf8')); break;
    case PROTOBUF_MEDIA_TYPE:
      if (opts.protobuf === undefined) throw unsupportedMediaType(accepted);
      return decodeProtobuf(opts.protobuf, buf, accepted, opts.kind);
    default: throw unsupportedMediaType(accepted);
  }
  if (result.ok) {
    const v = result.value;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return attachBodyDiagnostics(v as Record<string, unknown>, result.diagnostics());
    result = { ok: false, error: notAnObject(v, buf) };
  }
  if (opts.kind === undefined) throw badRequest(result.error);
  throw badRequest(`the object provided is unrecognized (must be of type ${opts.kind}): ${result.error} (${summarizeData(buf, 30)})`);
}

// The decoder's own errors are translated here, once; anything without a
// `code` is a bug in the decoder and propagates as-is (a 500 upstream).
function decodeProtobuf(decode: ProtobufBodyDecoder, buf: Buffer, accepted: readonly string[], kind: string | undefined): Record<string, unknown> {
  try {
    return decode(buf);
  } catch (err: unknown) {
    const code = typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;
    if (!(err instanceof Error) || typeof code !== 'string') throw err;
    if (code === 'UnknownKind') throw unsupportedMediaType(accepted);
    if (code === 'TooLarge') throw requestEntityTooLarge(err.message);
    if (kind === undefined) throw badRequest(err.message);
    throw badRequest(`the object provided is unrecognized (must be of type ${kind}): ${err.message} (${summarizeData(buf, 30)})`);
  }
}

/** A decoded value; its diagnostics are computed only if the value is an object the caller keeps. */
type Decoded = { ok: true; value: unknown; diagnostics: () => BodyDiagnostics } | { ok: false; error: string };

function decodeJson(text: string): Decoded {
  try {
    const value: unknown = JSON.parse(text);
    if (exceedsDepth(value)) return { ok: false, error: 'couldn\'t get version/kind; json parse error: exceeded max depth' };
    return { ok: true, value, diagnostics: () => ({ syntax: 'json', duplicateFields: scanJsonDuplicates(text).duplicates, yamlErrors: [] }) };
  } catch (err: unknown) {
    if (!(err instanceof SyntaxError)) throw err;
    const goText = goJsonSyntaxError(text);
    // Both parsers implement RFC 8259; if they disagree, V8's own words are still the truth about the input.
    return { ok: false, error: `couldn't get version/kind; json parse error: ${goText ?? err.message}` };
  }
}

// kube converts YAML to JSON with a YAML 1.1 reader (`yes` is a boolean) and
// reads only the first document of a stream; the rest is ignored, as there.
// Repeated keys are not a syntax error: the last wins, and goyaml's strict
// mode's complaints about them are collected for fieldValidation.
function decodeYaml(text: string): Decoded {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { version: '1.1', uniqueKeys: false, prettyErrors: false, lineCounter: lines });
  const doc = Array.isArray(docs) ? docs[0] : undefined;
  const noDiagnostics = (): BodyDiagnostics => ({ syntax: 'yaml', duplicateFields: [], yamlErrors: [] });
  if (doc === undefined) return { ok: true, value: null, diagnostics: noDiagnostics };
  const first = doc.errors[0];
  if (first !== undefined) {
    const line = lines.linePos(first.pos[0]).line;
    const msg = first.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? first.message;
    return { ok: false, error: `error converting YAML to JSON: yaml: line ${line}: ${msg}` };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err: unknown) {
    // The yaml package's ReferenceErrors (an alias before its anchor, or an alias bomb): goyaml's words for them.
    if (!(err instanceof ReferenceError)) throw err;
    const excessive = /excessive alias/i.test(err.message);
    return { ok: false, error: `error converting YAML to JSON: yaml: ${excessive ? 'document contains excessive aliasing' : 'unknown anchor referenced'}` };
  }
  if (exceedsDepth(value)) return { ok: false, error: 'error converting YAML to JSON: yaml: exceeded max depth' };
  return { ok: true, value: value ?? null, diagnostics: () => ({ syntax: 'yaml', duplicateFields: [], yamlErrors: yamlDuplicateKeys(doc.contents, lines) }) };
}

/** Collections nested deeper than this are not examined for repeated keys (the type decoder refuses them anyway). */
export const MAX_YAML_DUPLICATE_DEPTH = 1_000;

/**
 * goyaml.v2's strict-mode complaints about repeated keys, as kube's
 * YAMLToJSONStrict reports them: `line N: key "k" already set in map`, where
 * N is the line of the repeat's *value* and a key's nested complaints come
 * before its own (goyaml decodes the value first). Keys are compared as
 * decoded scalars (`1` and `"1"` differ); merge keys (`<<`) are not keys.
 * Aliases are not followed. At most MAX_STRICT_ERRORS lines.
 */
export function yamlDuplicateKeys(root: unknown, lines: LineCounter): string[] {
  const out: string[] = [];
  const lineOf = (node: unknown): number => {
    const range = (node as { range?: readonly number[] } | null)?.range;
    return range?.[0] === undefined ? 0 : lines.linePos(range[0]).line;
  };
  const visit = (node: unknown, depth: number): void => {
    if (depth > MAX_YAML_DUPLICATE_DEPTH || out.length >= MAX_STRICT_ERRORS || isAlias(node)) return;
    if (isSeq(node)) {
      for (const item of node.items) visit(item, depth + 1);
      return;
    }
    if (!isMap(node)) return;
    const seen = new Set<string>();
    for (const pair of node.items) {
      const key: unknown = pair.key;
      if (!isScalar(key) || (key.value === '<<' && key.source === '<<')) continue;
      visit(pair.value, depth + 1);
      const id = `${typeof key.value}:${String(key.value)}`;
      if (!seen.has(id)) {
        seen.add(id);
      } else if (out.length < MAX_STRICT_ERRORS) {
        out.push(yamlDuplicateKeyLine(lineOf(pair.value ?? key), key.value));
      }
    }
  };
  visit(root, 0);
  return out;
}

const FIND_KIND_TYPE = 'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }';

// What kube says when valid JSON is not an object: Go's unmarshal error into its
// apiVersion/kind probe, or the missing-kind error for `null`.
function notAnObject(v: unknown, body: Buffer): string {
  if (v === null || v === undefined) return `Object 'Kind' is missing in '${body.toString('utf8').trim() === '' ? 'null' : body.toString('utf8')}'`;
  const goType = Array.isArray(v) ? 'array' : typeof v === 'string' ? 'string' : typeof v === 'number' ? 'number' : 'bool';
  return `couldn't get version/kind; json parse error: json: cannot unmarshal ${goType} into Go value of type ${FIND_KIND_TYPE}`;
}

/** kube's summary of a body in decode errors: text if it looks like an object, else hex; `<empty>` if empty. */
export function summarizeData(data: Uint8Array, maxLength: number): string {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (buf.length === 0) return '<empty>';
  const head = buf.subarray(0, maxLength);
  const more = buf.length > maxLength ? ' ...' : '';
  return buf[0] === 0x7b ? head.toString('utf8') + more : head.toString('hex') + more;
}
