// kube-apiserver's max-in-flight filter (`--max-requests-inflight`,
// `--max-mutating-requests-inflight`): two counters, read-only and mutating;
// a request over its limit is refused at once with 429 and `Retry-After: 1`
// rather than queued, so overload costs the server nothing and clients back
// off. Long-running requests (watch, exec, ...) and health probes are exempt:
// they would pin slots for hours, and HAProxy must still see /readyz.

import type { RequestInfo } from '@logbook/apimachinery';
import type { ResponseSink } from './http-types.ts';
import type { ApiserverMetrics, InflightRequestKind } from './metrics.ts';

const LONG_RUNNING_VERBS: ReadonlySet<string> = new Set(['watch', 'proxy']);
const LONG_RUNNING_SUBRESOURCES: ReadonlySet<string> = new Set(['attach', 'exec', 'proxy', 'log', 'portforward']);
const READ_ONLY_VERBS: ReadonlySet<string> = new Set(['get', 'list', 'watch']);
const HEALTH_PATH = /^\/(healthz|livez|readyz)(\/|$)/;

export const TOO_MANY_REQUESTS_MESSAGE = 'Too many requests, please try again later.';
export const RETRY_AFTER_SECONDS = 1;

/** kube's BasicLongRunningRequestCheck with its default verbs and subresources. */
export function isLongRunning(info: RequestInfo): boolean {
  if (LONG_RUNNING_VERBS.has(info.verb)) return true;
  if (info.isResourceRequest) return LONG_RUNNING_SUBRESOURCES.has(info.subresource);
  return info.path.startsWith('/debug/pprof/');
}

/** read-only = get/list/watch; non-resource requests use the lower-cased method (`get` is read-only). */
export function inflightKind(info: RequestInfo): InflightRequestKind {
  return READ_ONLY_VERBS.has(info.verb) ? 'readOnly' : 'mutating';
}

export interface InflightLimits {
  /** 0 = unlimited. */
  readonly maxReadOnly: number;
  /** 0 = unlimited. */
  readonly maxMutating: number;
  readonly metrics?: ApiserverMetrics;
}

/** A held slot; release exactly when the response is finished. Idempotent. */
export interface InflightTicket {
  release(): void;
}

const EXEMPT: InflightTicket = { release: () => undefined };

export class InflightLimiter {
  readonly #limits: Readonly<Record<InflightRequestKind, number>>;
  readonly #current: Record<InflightRequestKind, number> = { readOnly: 0, mutating: 0 };
  readonly #metrics: ApiserverMetrics | undefined;

  constructor(limits: InflightLimits) {
    for (const [k, v] of [['maxReadOnly', limits.maxReadOnly], ['maxMutating', limits.maxMutating]] as const) {
      if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`InflightLimiter: ${k} must be a non-negative integer, got ${v}`);
    }
    this.#limits = { readOnly: limits.maxReadOnly, mutating: limits.maxMutating };
    this.#metrics = limits.metrics;
  }

  /**
   * A ticket, or undefined when the request must get 429 (see writeTooManyRequests).
   * `privileged` (system:masters) is never refused, as upstream: the
   * super-admin must always get an answer; it still counts.
   */
  admit(info: RequestInfo, opts: { readonly privileged?: boolean } = {}): InflightTicket | undefined {
    if (isLongRunning(info) || (!info.isResourceRequest && HEALTH_PATH.test(info.path))) return EXEMPT;
    const kind = inflightKind(info);
    const limit = this.#limits[kind];
    if (limit === 0) return EXEMPT;
    if (this.#current[kind] >= limit && opts.privileged !== true) return undefined;
    this.#current[kind]++;
    this.#publish();
    let held = true;
    return {
      release: () => {
        if (!held) return;
        held = false;
        this.#current[kind]--;
        if (this.#current[kind] < 0) throw new Error(`InflightLimiter: ${kind} count went negative`);
        this.#publish();
      },
    };
  }

  inflight(kind: InflightRequestKind): number {
    return this.#current[kind];
  }

  #publish(): void {
    this.#metrics?.setInflight(this.#current.readOnly, this.#current.mutating);
  }
}

/**
 * kube's answer: plain text via Go's http.Error (not a Status object),
 * `Retry-After: 1`. client-go turns a bodiless 429 into a TooManyRequests
 * StatusError and retries after the header's delay.
 */
export function writeTooManyRequests(res: ResponseSink): void {
  const body = `${TOO_MANY_REQUESTS_MESSAGE}\n`;
  res.statusCode = 429;
  res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Length', String(Buffer.byteLength(body, 'utf8')));
  res.end(Buffer.from(body, 'utf8'));
}
