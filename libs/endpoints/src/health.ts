// `/healthz`, `/livez`, `/readyz`, with kube-apiserver's texts: `ok`; with
// `?verbose` one `[+]name ok` line per check and `<endpoint> check passed`;
// on failure 500 with `[-]name failed: reason withheld` (the reason is for
// logs, not for anonymous probes) and `<endpoint> check failed`. A single
// check at `/<endpoint>/<name>` does show its error. HAProxy probes /readyz.

import type { ResponseSink } from './http-types.ts';
import { SYSTEM_TIMERS, type Timers } from './drain.ts';

export const HEALTH_ENDPOINTS = ['healthz', 'livez', 'readyz'] as const;
export type HealthEndpoint = (typeof HEALTH_ENDPOINTS)[number];

export interface HealthCheck {
  /** e.g. `ping`, `etcd`, `informer-sync`, `shutdown`, `poststarthook/x`. */
  readonly name: string;
  /** Resolves when healthy; rejects with the reason otherwise. Should stop when `signal` aborts. */
  check(signal: AbortSignal): Promise<void>;
}

export interface HealthOptions {
  readonly checks: Readonly<Record<HealthEndpoint, readonly HealthCheck[]>>;
  /** A check still running after this long has failed. */
  readonly checkTimeoutMs?: number;
  readonly timers?: Timers;
  /** Gets the real reasons that the response withholds. */
  readonly onFailure?: (endpoint: HealthEndpoint, failures: readonly { name: string; error: unknown }[]) => void;
}

export const DEFAULT_HEALTH_CHECK_TIMEOUT_MS = 10_000;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;

export class HealthEndpoints {
  readonly #opts: HealthOptions;

  constructor(opts: HealthOptions) {
    for (const ep of HEALTH_ENDPOINTS) {
      const names = new Set<string>();
      for (const c of opts.checks[ep]) {
        if (!NAME.test(c.name)) throw new RangeError(`health check name ${JSON.stringify(c.name)} is not a path segment`);
        if (names.has(c.name)) throw new RangeError(`health check ${JSON.stringify(c.name)} registered twice on /${ep}`);
        names.add(c.name);
      }
    }
    this.#opts = opts;
  }

  /** Serves `path` if it is a health path, returning false (writing nothing) otherwise. */
  async serve(path: string, query: URLSearchParams, res: ResponseSink): Promise<boolean> {
    const m = /^\/(healthz|livez|readyz)(?:\/(.+))?$/.exec(path);
    if (m === null) return false;
    const endpoint = m[1] as HealthEndpoint;
    const checks = this.#opts.checks[endpoint];
    const single = m[2];
    if (single !== undefined) {
      const check = checks.find((c) => c.name === single);
      if (check === undefined) return false;
      const err = await this.#run(check);
      if (err === undefined) writeText(res, 200, 'ok');
      else writeText(res, 500, `internal server error: ${errorText(err)}\n`);
      return true;
    }
    await this.#serveAll(endpoint, checks, query, res);
    return true;
  }

  async #serveAll(endpoint: HealthEndpoint, checks: readonly HealthCheck[], query: URLSearchParams, res: ResponseSink): Promise<void> {
    const excluded = new Set(query.getAll('exclude'));
    const results = await Promise.all(checks.map(async (c) => (excluded.has(c.name) ? 'excluded' as const : await this.#run(c))));
    let lines = '';
    const failures: { name: string; error: unknown }[] = [];
    checks.forEach((c, i) => {
      const r = results[i];
      excluded.delete(c.name);
      if (r === 'excluded') lines += `[+]${c.name} excluded: ok\n`;
      else if (r === undefined) lines += `[+]${c.name} ok\n`;
      else {
        lines += `[-]${c.name} failed: reason withheld\n`;
        failures.push({ name: c.name, error: r });
      }
    });
    if (excluded.size > 0) {
      const names = [...excluded].sort().map((n) => JSON.stringify(n)).join(',');
      lines += `warn: some health checks cannot be excluded: no matches for ${names}\n`;
    }
    if (failures.length > 0) {
      this.#opts.onFailure?.(endpoint, failures);
      writeText(res, 500, `${lines}${endpoint} check failed\n`);
      return;
    }
    writeText(res, 200, query.has('verbose') ? `${lines}${endpoint} check passed\n` : 'ok');
  }

  // undefined = healthy; otherwise the failure.
  async #run(check: HealthCheck): Promise<unknown> {
    const timers = this.#opts.timers ?? SYSTEM_TIMERS;
    const timeoutMs = this.#opts.checkTimeoutMs ?? DEFAULT_HEALTH_CHECK_TIMEOUT_MS;
    const ac = new AbortController();
    let timer: unknown;
    const timedOut = new Promise<Error>((resolve) => {
      timer = timers.setTimeout(() => resolve(new Error(`check timed out after ${timeoutMs}ms`)), timeoutMs);
    });
    try {
      return await Promise.race([check.check(ac.signal).then(() => undefined, (err: unknown) => err ?? new Error('check failed')), timedOut]);
    } finally {
      timers.clearTimeout(timer);
      ac.abort();
    }
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function writeText(res: ResponseSink, code: number, body: string): void {
  res.statusCode = code;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Length', String(Buffer.byteLength(body, 'utf8')));
  res.end(Buffer.from(body, 'utf8'));
}
