// Connection options: validated once, every problem reported together, then
// frozen. Endpoints are `host:port`, `[v6]:port` or `http://host:port` (the
// form etcd's --advertise-client-urls and kube-apiserver's --etcd-servers use).

import { EtcdClientError } from './errors.ts';

export interface EtcdClientOptions {
  readonly endpoints: readonly string[];
  /** Deadline of each unary call (each attempt, when a read is retried). */
  readonly requestTimeoutMs?: number;
  /** Largest response accepted; a bigger one fails the call with ResourceExhausted. */
  readonly maxRecvBytes?: number;
  /** Largest request sent (etcd's server default accepts 1.5 MiB plus gRPC overhead). */
  readonly maxSendBytes?: number;
  /**
   * Responses buffered per watch that its consumer has not taken yet. At the
   * bound the watch is canceled and its iterator throws `watchOverflow`
   * after yielding what was buffered; the consumer resumes from the last
   * revision it saw. One slow consumer never stalls the shared stream.
   */
  readonly maxBufferedWatchResponses?: number;
  /** Watches open at once on this client; one more fails with ResourceExhausted. */
  readonly maxWatches?: number;
  /** Uniform in [0, 1), for lease ids this client picks; the OS's secure generator by default. */
  readonly random?: () => number;
}

export interface ResolvedOptions {
  /** host:port, in the order given. */
  readonly endpoints: readonly string[];
  readonly requestTimeoutMs: number;
  readonly maxRecvBytes: number;
  readonly maxSendBytes: number;
  readonly maxBufferedWatchResponses: number;
  readonly maxWatches: number;
}

export const CLIENT_DEFAULTS = {
  requestTimeoutMs: 10_000,
  maxRecvBytes: 64 * 1024 * 1024,
  maxSendBytes: 8 * 1024 * 1024,
  maxBufferedWatchResponses: 1024,
  maxWatches: 10_000,
} as const;

const ENDPOINT = /^(?:https?:\/\/)?(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})\/?$/;

/** `http://h:p`, `h:p` or `[v6]:p` -> `h:p` / `[v6]:p`; undefined when not an endpoint. */
export function parseEndpoint(s: string): string | undefined {
  const m = ENDPOINT.exec(s.trim());
  if (m === null) return undefined;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return undefined;
  if (s.trim().startsWith('https://')) return undefined; // TLS is not wired yet: refuse rather than send plaintext
  return `${m[1]!}:${port}`;
}

function positiveInt(v: number | undefined, name: string, dflt: number, problems: string[]): number {
  if (v === undefined) return dflt;
  if (!Number.isSafeInteger(v) || v <= 0) problems.push(`${name} must be a positive integer (got ${v})`);
  return v;
}

export function resolveOptions(o: EtcdClientOptions): ResolvedOptions {
  const problems: string[] = [];
  if (o.endpoints.length === 0) problems.push('endpoints must name at least one endpoint');
  const endpoints: string[] = [];
  for (const e of o.endpoints) {
    const parsed = parseEndpoint(e);
    if (parsed === undefined) problems.push(`endpoint "${e}" is not host:port or http://host:port`);
    else if (!endpoints.includes(parsed)) endpoints.push(parsed);
  }
  const resolved: ResolvedOptions = {
    endpoints,
    requestTimeoutMs: positiveInt(o.requestTimeoutMs, 'requestTimeoutMs', CLIENT_DEFAULTS.requestTimeoutMs, problems),
    maxRecvBytes: positiveInt(o.maxRecvBytes, 'maxRecvBytes', CLIENT_DEFAULTS.maxRecvBytes, problems),
    maxSendBytes: positiveInt(o.maxSendBytes, 'maxSendBytes', CLIENT_DEFAULTS.maxSendBytes, problems),
    maxBufferedWatchResponses: positiveInt(o.maxBufferedWatchResponses, 'maxBufferedWatchResponses', CLIENT_DEFAULTS.maxBufferedWatchResponses, problems),
    maxWatches: positiveInt(o.maxWatches, 'maxWatches', CLIENT_DEFAULTS.maxWatches, problems),
  };
  if (problems.length > 0) throw new EtcdClientError('InvalidArgument', `invalid client options: ${problems.join('; ')}`, {});
  return Object.freeze({ ...resolved, endpoints: Object.freeze(endpoints) });
}
