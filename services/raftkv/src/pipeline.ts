// POST /pipeline: many requests on one HTTP exchange, for load generators that
// would otherwise measure HTTP's per-request overhead rather than raft's.
// The request body is NDJSON, one operation per line:
//   {"id": 1, "op": "put", "key": "k", "value": "v"}
//   {"id": 2, "op": "get", "key": "k"}            (linearizable unless "serializable": true)
//   {"id": 3, "op": "delete" | "cas", ...}        (cas: "expected" and "value", string or null)
// The response body is NDJSON, one line per operation, in completion order:
//   {"id": 1, "status": 200, "result": {...}}  |  {"id": 2, "status": 503, "error": {...}}
//
// Bounds: a line longer than maxBodyBytes ends the stream with a 413 line;
// at most maxPipelineInFlight operations run at once (reading pauses at the
// bound); reading also pauses while the response is backed up.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@logbook/raft';
import { decodeCommand } from './kv-command.ts';
import type { KvService } from './kv-service.ts';
import { BadRequestError, toHttpError } from './http-errors.ts';

export interface PipelineContext {
  readonly service: KvService;
  readonly logger: Logger;
  readonly requestTimeoutMs: number;
  readonly maxBodyBytes: number;
  readonly maxPipelineInFlight: number;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly signal: AbortSignal;
}

const encoder = new TextEncoder();
const DEADLINE_BUCKET_MS = 100;

export function handlePipeline(c: PipelineContext): Promise<void> {
  const { req, res } = c;
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  res.flushHeaders();
  let buffered = '';
  let inFlight = 0;
  let ended = false;
  let stopped = false;
  // Operations that start within the same DEADLINE_BUCKET_MS share one deadline
  // signal: one timer per bucket instead of one per operation (deadlines run
  // up to a bucket late).
  let bucket = -1;
  let deadline: AbortSignal = c.signal;
  const deadlineSignal = (): AbortSignal => {
    const b = Math.floor(performance.now() / DEADLINE_BUCKET_MS);
    if (b !== bucket) {
      bucket = b;
      deadline = AbortSignal.any([c.signal, AbortSignal.timeout(c.requestTimeoutMs)]);
    }
    return deadline;
  };

  return new Promise<void>((resolve) => {
    const finish = (): void => {
      if (!res.writableEnded) res.end();
      resolve();
    };
    const maybeResume = (): void => {
      if (!stopped && inFlight < c.maxPipelineInFlight && !res.writableNeedDrain) req.resume();
    };
    const write = (line: object): void => {
      if (res.writableEnded || res.destroyed) return;
      res.write(`${JSON.stringify(line)}\n`);
    };
    const run = async (line: string): Promise<void> => {
      let id: unknown = null;
      try {
        const parsed: unknown = JSON.parse(line);
        if (typeof parsed !== 'object' || parsed === null) throw new BadRequestError(400, 'bad-request', 'line is not a JSON object');
        const o = parsed as Record<string, unknown>;
        id = o['id'] ?? null;
        const signal = deadlineSignal();
        if (o['op'] === 'get') {
          if (typeof o['key'] !== 'string') throw new BadRequestError(400, 'bad-key', 'key must be a string');
          const r = await c.service.get(o['key'], { serializable: o['serializable'] === true, signal });
          write({ id, status: r.value === null ? 404 : 200, result: r });
          return;
        }
        const cmd = decodeCommand(encoder.encode(line));
        if ('invalid' in cmd) throw new BadRequestError(400, 'bad-request', cmd.invalid);
        write({ id, status: 200, result: await c.service.write(cmd, signal) });
      } catch (err) {
        const e = toHttpError(err);
        write({ id, status: e.status, error: { code: e.code, message: e.message } });
      }
    };
    const start = (line: string): void => {
      inFlight++;
      if (inFlight >= c.maxPipelineInFlight) req.pause();
      void run(line).finally(() => {
        inFlight--;
        if (ended && inFlight === 0) finish();
        else maybeResume();
      });
    };

    res.on('drain', maybeResume);
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      if (stopped) return;
      const lines = (buffered + chunk).split('\n');
      buffered = lines.pop() ?? '';
      for (const raw of lines) {
        const line = raw.trim();
        if (line !== '') start(line);
      }
      if (buffered.length > c.maxBodyBytes) {
        stopped = true;
        write({ id: null, status: 413, error: { code: 'too-large', message: `line exceeds ${c.maxBodyBytes} bytes` } });
        req.pause();
        ended = true;
        buffered = '';
        if (inFlight === 0) finish();
        return;
      }
      if (res.writableNeedDrain) req.pause();
    });
    req.on('end', () => {
      if (buffered.trim() !== '') start(buffered.trim());
      buffered = '';
      ended = true;
      if (inFlight === 0) finish();
    });
    req.on('error', () => {
      ended = true;
      if (inFlight === 0) finish();
    });
  });
}
