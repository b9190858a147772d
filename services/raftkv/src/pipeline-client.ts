// Client side of POST /pipeline (see pipeline.ts): one long HTTP exchange,
// requests written as NDJSON lines, answers matched by id. Writes made in one
// turn of the event loop go out in one chunk.

import { request, type ClientRequest } from 'node:http';

export interface PipelineResponse {
  readonly id: number;
  readonly status: number;
  readonly result?: unknown;
  readonly error?: { readonly code: string; readonly message: string };
}

type Op =
  | { readonly op: 'put'; readonly key: string; readonly value: string }
  | { readonly op: 'get'; readonly key: string; readonly serializable?: boolean }
  | { readonly op: 'delete'; readonly key: string }
  | { readonly op: 'cas'; readonly key: string; readonly expected: string | null; readonly value: string | null };

export class PipelineClient {
  readonly #req: ClientRequest;
  readonly #pending = new Map<number, { resolve: (r: PipelineResponse) => void; reject: (e: Error) => void }>();
  readonly #done: Promise<void>;
  #nextId = 1;
  #failure: Error | undefined;
  #out: string[] = [];
  #flushScheduled = false;

  constructor(baseUrl: string) {
    this.#req = request(`${baseUrl}/pipeline`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson', 'transfer-encoding': 'chunked' },
    });
    this.#req.setNoDelay(true);
    this.#done = new Promise<void>((resolve) => {
      const fail = (err: Error): void => {
        this.#failure ??= err;
        for (const p of this.#pending.values()) p.reject(err);
        this.#pending.clear();
        resolve();
      };
      this.#req.on('error', fail);
      this.#req.on('response', (res) => {
        if (res.statusCode !== 200) {
          fail(new Error(`pipeline: HTTP ${res.statusCode}`));
          res.resume();
          return;
        }
        res.setEncoding('utf8');
        let buffered = '';
        res.on('data', (chunk: string) => {
          const lines = (buffered + chunk).split('\n');
          buffered = lines.pop() ?? '';
          for (const line of lines) {
            if (line === '') continue;
            const r = JSON.parse(line) as PipelineResponse;
            const p = this.#pending.get(r.id);
            if (p === undefined) continue;
            this.#pending.delete(r.id);
            p.resolve(r);
          }
        });
        res.on('end', () => fail(new Error('pipeline closed by the server')));
        res.on('error', fail);
      });
    });
  }

  get inFlight(): number {
    return this.#pending.size;
  }

  send(op: Op): Promise<PipelineResponse> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    const p = new Promise<PipelineResponse>((resolve, reject) => this.#pending.set(id, { resolve, reject }));
    this.#out.push(JSON.stringify({ id, ...op }));
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => this.#flush());
    }
    return p;
  }

  #flush(): void {
    this.#flushScheduled = false;
    if (this.#out.length === 0 || this.#req.writableEnded) return;
    const text = `${this.#out.join('\n')}\n`;
    this.#out = [];
    this.#req.write(text);
  }

  /** Ends the request and waits for the server to finish answering. */
  async close(): Promise<void> {
    this.#flush();
    this.#req.end();
    await this.#done;
  }
}
