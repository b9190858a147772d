// HTTPS to a `logbook cluster` as the admin (client certificate from D/pki),
// to HAProxy or straight to one replica, with every failure sorted into the
// kinds a client sees during failover: a connection refused or reset, a
// timeout, a 429, a 5xx, a 410. The HA test counts these and bounds them.

import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { join } from 'node:path';

export interface AdminTls {
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
}

export function adminTls(dir: string): AdminTls {
  const pki = join(dir, 'pki');
  return { ca: readFileSync(join(pki, 'ca.crt')), cert: readFileSync(join(pki, 'admin.crt')), key: readFileSync(join(pki, 'admin.key')) };
}

export const FAILURE_KINDS = ['refused', 'reset', 'timeout', 'http-429', 'http-503', 'http-504', 'http-5xx', 'http-410', 'http-409', 'http-404', 'http-other'] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

/** The request may have been applied: the client cannot know (a write's outcome is then uncertain). */
export const AMBIGUOUS: ReadonlySet<FailureKind> = new Set(['reset', 'timeout', 'http-503', 'http-504', 'http-5xx']);
/** What a client may retry as it is: the failover kinds (kube's clients retry these, with Retry-After where given). */
export const RETRYABLE: ReadonlySet<FailureKind> = new Set(['refused', 'reset', 'timeout', 'http-429', 'http-503', 'http-504', 'http-410']);

export type Reply = { readonly ok: true; readonly status: number; readonly body: unknown } | { readonly ok: false; readonly kind: FailureKind; readonly status?: number; readonly detail: string };

const MAX_BODY_BYTES = 4 * 1024 * 1024;

export function failureOf(status: number): FailureKind {
  if (status === 429) return 'http-429';
  if (status === 503) return 'http-503';
  if (status === 504) return 'http-504';
  if (status >= 500) return 'http-5xx';
  if (status === 410) return 'http-410';
  if (status === 409) return 'http-409';
  if (status === 404) return 'http-404';
  return 'http-other';
}

function networkKind(e: NodeJS.ErrnoException): FailureKind {
  if (e.code === 'ECONNREFUSED') return 'refused';
  if (e.code === 'ETIMEDOUT' || e.message.startsWith('timeout')) return 'timeout';
  return 'reset';
}

/** One base URL (HAProxy or a replica), a keep-alive agent of its own. */
export class KubeHttp {
  readonly base: string;
  readonly #tls: AdminTls;
  readonly #agent: Agent;

  constructor(base: string, tls: AdminTls) {
    this.base = base;
    this.#tls = tls;
    // Bounded sockets: a loop of requests never opens more than this to one endpoint.
    this.#agent = new Agent({ keepAlive: true, maxSockets: 8, ca: tls.ca, cert: tls.cert, key: tls.key });
  }

  /** Never rejects: every failure is a Reply with its kind. */
  call(method: string, path: string, body: unknown, timeoutMs: number, contentType = 'application/json'): Promise<Reply> {
    return new Promise((resolve) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = request(`${this.base}${path}`, {
        method,
        agent: this.#agent,
        headers: { accept: 'application/json', ...(payload === undefined ? {} : { 'content-type': contentType, 'content-length': payload.length }) },
      }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= MAX_BODY_BYTES) chunks.push(c);
        });
        res.once('error', (e) => resolve({ ok: false, kind: networkKind(e), detail: e.message }));
        res.once('end', () => {
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // A proxy's error page is not JSON; the status says enough.
          }
          if (status >= 200 && status < 300) resolve({ ok: true, status, body: parsed });
          else resolve({ ok: false, kind: failureOf(status), status, detail: text.slice(0, 300) });
        });
      });
      const timer = setTimeout(() => req.destroy(new Error(`timeout after ${timeoutMs} ms`)), timeoutMs);
      req.once('close', () => clearTimeout(timer));
      req.once('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, kind: networkKind(e), detail: e.message }));
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /** A streaming GET (a watch): `onLine` per newline-terminated line; resolves when the stream ends, how it ended. */
  stream(path: string, onLine: (line: string) => void, signal: AbortSignal): Promise<{ readonly status: number; readonly end: 'clean' | 'aborted' | FailureKind; readonly detail: string }> {
    return new Promise((resolve) => {
      let done = false;
      const finish = (r: { status: number; end: 'clean' | 'aborted' | FailureKind; detail: string }): void => {
        if (done) return;
        done = true;
        resolve(r);
      };
      const req = request(`${this.base}${path}`, { method: 'GET', ca: this.#tls.ca, cert: this.#tls.cert, key: this.#tls.key, agent: false, headers: { accept: 'application/json' }, signal }, (res) => {
        const status = res.statusCode ?? 0;
        let partial = '';
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          if (status !== 200) {
            if (body.length < 4096) body += c;
            return;
          }
          const parts = (partial + c).split('\n');
          partial = parts.pop()!;
          for (const l of parts) if (l.trim() !== '') onLine(l);
        });
        res.once('end', () => finish({ status, end: status === 200 ? 'clean' : failureOf(status), detail: body.slice(0, 300) }));
        res.once('error', (e: NodeJS.ErrnoException) => finish({ status, end: signal.aborted ? 'aborted' : networkKind(e), detail: e.message }));
        res.once('close', () => finish({ status, end: signal.aborted ? 'aborted' : res.complete ? 'clean' : 'reset', detail: 'closed' }));
      });
      req.once('error', (e: NodeJS.ErrnoException) => finish({ status: 0, end: signal.aborted ? 'aborted' : networkKind(e), detail: e.message }));
      req.end();
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}

/** Counts of failures by kind, per role (writer, watcher, reader). */
export class FailureTally {
  readonly counts = new Map<string, number>();
  /** The first few distinct details per role:kind (bounded), so a report can say what a 5xx was. */
  readonly samples = new Map<string, string[]>();

  add(role: string, kind: FailureKind, detail?: string): void {
    const k = `${role}:${kind}`;
    this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
    if (detail === undefined) return;
    const d = detail.replace(/\s+/g, ' ').slice(0, 160);
    const list = this.samples.get(k) ?? [];
    if (list.length < 3 && !list.includes(d)) list.push(d);
    this.samples.set(k, list);
  }

  total(role?: string, kinds?: readonly FailureKind[]): number {
    let n = 0;
    for (const [k, v] of this.counts) {
      const [r, kind] = k.split(':') as [string, FailureKind];
      if ((role === undefined || r === role) && (kinds === undefined || kinds.includes(kind))) n += v;
    }
    return n;
  }

  sampleLines(): string[] {
    return [...this.samples.entries()].flatMap(([k, ds]) => ds.map((d) => `${k}: ${d}`));
  }

  summary(): string {
    return [...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join(' ');
  }
}
