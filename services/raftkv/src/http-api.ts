// The member's client API: HTTP/1.1 + JSON on the client port.
//
//   GET    /kv/<key>[?serializable=true]   → 200 {key, value, index} | 404
//   PUT    /kv/<key>  body = value          → 200 {op, index, prev}
//          ?prevValue=<v> | ?prevExist=false   compare-and-swap → 200 {succeeded, current} | 412
//   DELETE /kv/<key>                        → 200 {op, index, prev}
//   POST   /pipeline  NDJSON requests       → NDJSON responses (see pipeline.ts)
//   GET    /status                          → the member's raft status
//
// Errors are JSON {error: {code, message}} with the status from http-errors.ts.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:http';
import type { Logger } from '@logbook/raft';
import { validateKey, type KvCommand } from './kv-command.ts';
import type { KvService } from './kv-service.ts';
import { BadRequestError, toHttpError } from './http-errors.ts';
import { handlePipeline } from './pipeline.ts';

export interface HttpApiOptions {
  readonly service: KvService;
  readonly logger: Logger;
  readonly requestTimeoutMs: number;
  /** Largest request body (a value) accepted; larger → 413. */
  readonly maxBodyBytes: number;
  /** Largest number of pipelined requests in flight on one /pipeline stream; at the bound reading pauses. */
  readonly maxPipelineInFlight: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function createHttpApi(o: HttpApiOptions): Server {
  const server = createServer({ keepAliveTimeout: 60_000, requestTimeout: 0 }, (req, res) => {
    void route(o, req, res).catch((err: unknown) => sendError(o, res, err));
  });
  return server;
}

async function route(o: HttpApiOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://local');
  // Abort raft waits when the client goes away or the request times out.
  const gone = new AbortController();
  res.on('close', () => gone.abort(new Error('client closed the connection')));
  if (url.pathname === '/pipeline') {
    if (req.method !== 'POST') throw new BadRequestError(405, 'method-not-allowed', 'use POST');
    await handlePipeline({ ...o, req, res, signal: gone.signal });
    return;
  }
  const signal = AbortSignal.any([gone.signal, AbortSignal.timeout(o.requestTimeoutMs)]);
  if (url.pathname === '/status' && req.method === 'GET') {
    sendJson(res, 200, o.service.status());
    return;
  }
  if (!url.pathname.startsWith('/kv/')) throw new BadRequestError(404, 'not-found', `no route for ${url.pathname}`);
  let key: string;
  try {
    key = decodeURIComponent(url.pathname.slice('/kv/'.length));
  } catch {
    throw new BadRequestError(400, 'bad-key', 'key is not valid percent-encoding');
  }
  const keyProblem = validateKey(key);
  if (keyProblem !== undefined) throw new BadRequestError(400, 'bad-key', keyProblem);

  switch (req.method) {
    case 'GET': {
      const r = await o.service.get(key, { serializable: url.searchParams.get('serializable') === 'true', signal });
      if (r.value === null) sendJson(res, 404, { error: { code: 'not-found', message: `key ${key} not found` }, index: r.index });
      else sendJson(res, 200, r);
      return;
    }
    case 'PUT': {
      const value = utf8Body(await readBody(req, o.maxBodyBytes));
      const cmd = putCommand(key, value, url.searchParams);
      const result = await o.service.write(cmd, signal);
      sendJson(res, result.op === 'cas' && !result.succeeded ? 412 : 200, result);
      return;
    }
    case 'DELETE':
      sendJson(res, 200, await o.service.write({ op: 'delete', key }, signal));
      return;
    default:
      throw new BadRequestError(405, 'method-not-allowed', `${req.method} is not supported on /kv/`);
  }
}

function putCommand(key: string, value: string, q: URLSearchParams): KvCommand {
  const prevValue = q.get('prevValue');
  const prevExist = q.get('prevExist');
  if (prevValue !== null && prevExist !== null) throw new BadRequestError(400, 'bad-query', 'use prevValue or prevExist, not both');
  if (prevValue !== null) return { op: 'cas', key, expected: prevValue, value };
  if (prevExist === 'false') return { op: 'cas', key, expected: null, value };
  if (prevExist !== null) throw new BadRequestError(400, 'bad-query', 'prevExist only supports false');
  return { op: 'put', key, value };
}

export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new BadRequestError(413, 'too-large', `request body exceeds ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function utf8Body(b: Uint8Array): string {
  try {
    return utf8.decode(b);
  } catch {
    throw new BadRequestError(400, 'bad-value', 'value must be UTF-8');
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendError(o: HttpApiOptions, res: ServerResponse, err: unknown): void {
  const e = toHttpError(err);
  if (e.status === 500) o.logger.error('request failed', { error: String(err) });
  const headers: Record<string, string> = e.retryAfterSeconds !== undefined ? { 'retry-after': String(e.retryAfterSeconds) } : {};
  sendJson(res, e.status, { error: { code: e.code, message: e.message, ...(e.leader !== undefined ? { leader: e.leader } : {}) } }, headers);
}
