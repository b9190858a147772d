// /openapi/v3 (index and per group-version documents) and /openapi/v2, as
// kube-openapi's handlers serve them: ETags are the documents' SHA-512, a
// request that names the current hash may cache for a year, a stale hash is
// redirected to the current one, and If-None-Match answers 304.
// Documents are built on first use (they need the whole schema set) and kept;
// the v2 protobuf encoding is made from the JSON v2 bytes on its first request
// (only kubectl 1.27/1.28 ask for it) and kept too.

import { notFoundPath } from '@logbook/apimachinery';
import { buildV2Document, buildV3Documents, encodeV2Protobuf, sha512Hex, v3Index, type OpenApiDocument } from '@logbook/openapi';
import type { ResourceInfo } from '@logbook/resources';
import type { SchemaSet } from '@logbook/schemas';
import { headerValue, type RequestSource, type ResponseSink } from './http-types.ts';
import { parseMediaType } from './media-type.ts';
import { notAcceptableError } from './respond.ts';

/** kube-openapi's dotted protobuf media type for v2 (the `@` form breaks Go clients). */
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';
const V2_PROTOBUF_ACCEPTS = new Set(['application/com.github.proto-openapi.spec.v2@v1.0+protobuf', OPENAPI_V2_PROTOBUF]);
const YEAR_MS = 365 * 24 * 3600 * 1000;

export interface OpenApiHandlerOptions {
  readonly resources: readonly ResourceInfo[];
  readonly schemas: () => SchemaSet;
  readonly gitVersion: string;
  readonly now?: () => number;
}

interface Built {
  readonly v3: Map<string, OpenApiDocument>;
  readonly index: OpenApiDocument;
  readonly v2: OpenApiDocument;
  /** The gnostic protobuf form of `v2`, once some client asked for it. */
  v2Protobuf: Buffer | undefined;
}

/** Which of the acceptable media types the client takes first ('' = none of them). */
function pick(accept: string | undefined, offered: readonly string[]): string {
  if (accept === undefined || accept.trim() === '') return offered[0]!;
  for (const part of accept.split(',')) {
    // The v2 protobuf type has an `@`, which is not a token character: compare it before parsing.
    const raw = part.split(';')[0]!.trim().toLowerCase();
    if (V2_PROTOBUF_ACCEPTS.has(raw)) {
      if (offered.includes(OPENAPI_V2_PROTOBUF)) return OPENAPI_V2_PROTOBUF;
      continue;
    }
    const full = parseMediaType(part)?.type;
    if (full === undefined) continue;
    if (full === '*/*') return offered[0]!;
    const [type, subtype] = full.split('/');
    if (subtype === '*') {
      const match = offered.find((o) => o.startsWith(`${type}/`));
      if (match !== undefined) return match;
    }
    if (offered.includes(full)) return full;
  }
  return '';
}

export class OpenApiHandler {
  readonly #o: OpenApiHandlerOptions;
  #built: Built | undefined;

  constructor(o: OpenApiHandlerOptions) {
    this.#o = o;
  }

  #docs(): Built {
    if (this.#built === undefined) {
      const schemas = this.#o.schemas();
      const info = { version: this.#o.gitVersion };
      const v3 = buildV3Documents(this.#o.resources, schemas, info);
      const v2Bytes = Buffer.from(JSON.stringify(buildV2Document(this.#o.resources, schemas, info)));
      this.#built = { v3, index: v3Index(v3), v2: { key: 'v2', bytes: v2Bytes, hash: sha512Hex(v2Bytes) }, v2Protobuf: undefined };
    }
    return this.#built;
  }

  /** Serves an /openapi path; false when `path` is not one. */
  serve(path: string, query: URLSearchParams, req: RequestSource, res: ResponseSink): boolean {
    if (path !== '/openapi/v2' && path !== '/openapi/v3' && path !== '/openapi/v3/' && !path.startsWith('/openapi/v3/')) return false;
    const accept = headerValue(req.headers, 'accept');
    const built = this.#docs();
    if (path === '/openapi/v2') {
      const type = pick(accept, ['application/json', OPENAPI_V2_PROTOBUF]);
      if (type === '') throw notAcceptableError();
      if (type === OPENAPI_V2_PROTOBUF) {
        // kube-openapi gives the protobuf form the JSON form's ETag (Vary: Accept
        // keeps the two apart in caches), so both change exactly when the document does.
        const pb = (built.v2Protobuf ??= Buffer.from(encodeV2Protobuf(built.v2)));
        this.#write(res, req, 200, type, pb, built.v2.hash, false);
        return true;
      }
      this.#write(res, req, 200, 'application/json', built.v2.bytes, built.v2.hash, false);
      return true;
    }
    if (pick(accept, ['application/json']) === '') throw notAcceptableError();
    const key = path.replace(/^\/openapi\/v3\/?/, '').replace(/\/+$/, '');
    if (key === '') {
      this.#write(res, req, 200, 'application/json', built.index.bytes, built.index.hash, false);
      return true;
    }
    const doc = built.v3.get(key);
    if (doc === undefined) throw notFoundPath();
    const asked = query.get('hash');
    if (asked !== null && asked !== '' && asked !== doc.hash) {
      res.statusCode = 301;
      res.setHeader('Location', `/openapi/v3/${key}?hash=${doc.hash}`);
      res.setHeader('Content-Length', '0');
      res.end();
      return true;
    }
    this.#write(res, req, 200, 'application/json', doc.bytes, doc.hash, asked === doc.hash);
    return true;
  }

  #write(res: ResponseSink, req: RequestSource, code: number, type: string, bytes: Buffer, hash: string, immutable: boolean): void {
    const etag = `"${hash}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Vary', 'Accept');
    if (immutable) {
      res.setHeader('Cache-Control', 'public, immutable');
      res.setHeader('Expires', new Date((this.#o.now ?? Date.now)() + YEAR_MS).toUTCString());
    }
    if (headerValue(req.headers, 'if-none-match') === etag) {
      res.statusCode = 304;
      res.end();
      return;
    }
    res.statusCode = code;
    res.setHeader('Content-Type', type);
    res.setHeader('Content-Length', String(bytes.byteLength));
    res.end(bytes);
  }
}
