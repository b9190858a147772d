// A small client for a member's HTTP API, over a keep-alive agent. Used by
// the demo, the end-to-end tests and the benchmark.

import { Agent, request } from 'node:http';
import type { NodeStatus } from '@logbook/raft';

export interface KvResponse {
  readonly status: number;
  readonly body: unknown;
}

export interface KvClientOptions {
  /** Sockets per member; 0 < n. Default 64. */
  readonly maxSockets?: number;
  readonly timeoutMs?: number;
}

export class KvClient {
  readonly baseUrl: string;
  readonly #agent: Agent;
  readonly #timeoutMs: number;

  constructor(baseUrl: string, opts: KvClientOptions = {}) {
    this.baseUrl = baseUrl;
    this.#agent = new Agent({ keepAlive: true, maxSockets: opts.maxSockets ?? 64 });
    this.#timeoutMs = opts.timeoutMs ?? 10_000;
  }

  put(key: string, value: string, query = ''): Promise<KvResponse> {
    return this.#call('PUT', `/kv/${encodeURIComponent(key)}${query}`, value);
  }

  get(key: string, opts: { serializable?: boolean } = {}): Promise<KvResponse> {
    return this.#call('GET', `/kv/${encodeURIComponent(key)}${opts.serializable === true ? '?serializable=true' : ''}`);
  }

  delete(key: string): Promise<KvResponse> {
    return this.#call('DELETE', `/kv/${encodeURIComponent(key)}`);
  }

  async status(): Promise<NodeStatus> {
    const r = await this.#call('GET', '/status');
    if (r.status !== 200) throw new Error(`status: HTTP ${r.status}`);
    return r.body as NodeStatus;
  }

  close(): void {
    this.#agent.destroy();
  }

  #call(method: string, path: string, body?: string): Promise<KvResponse> {
    return new Promise((resolve, reject) => {
      const req = request(
        `${this.baseUrl}${path}`,
        {
          method,
          agent: this.#agent,
          timeout: this.#timeoutMs,
          headers: body === undefined ? {} : { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = text === '' ? null : JSON.parse(text);
            } catch {
              // not JSON: hand back the text
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out after ${this.#timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }
}
