// Options of the publisher, their defaults and their checks (reported all at once).

import type { Logger } from '@logbook/raft';
import type { HistoryQuery, HistoryResult, Revision } from '@logbook/mvcc';
import { isValidPrefix } from './subject.ts';

/** What the publisher reads committed changes from; MvccStore satisfies it. */
export interface ChangeSource {
  readonly currentRevision: Revision;
  readonly compactedRevision: Revision;
  eventsSince(q: HistoryQuery): HistoryResult;
}

/** Injected timers (a simulation can drive them); the handle is opaque. */
export interface PublisherTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemTimers: PublisherTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface NatsPublisherOptions {
  /** NATS server URL(s), e.g. `nats://127.0.0.1:4222` (the store's --nats-url). */
  readonly servers: string | readonly string[];
  /** Subject prefix (default `logbook.events`). */
  readonly prefix?: string;
  readonly source: ChangeSource;
  readonly logger: Logger;
  /** Events read from history per chunk (soft: a revision is never split). Default 1000. */
  readonly maxBatchEvents?: number;
  /** Cap on a message body below the server's max_payload (default: the server's). */
  readonly maxPayloadBytes?: number;
  /** Flush at the next revision boundary once this many bytes are unconfirmed. Default 4 MiB. */
  readonly maxPendingBytes?: number;
  /** Subjects remembered for prevRevision (see subject-chain.ts). Default 100,000. */
  readonly maxTrackedSubjects?: number;
  /** Attach each event's previous key-value (as a prev_kv watch). Default false. */
  readonly prevKv?: boolean;
  /** A flush not confirmed within this is a failure (and forces a reconnect). Default 5000. */
  readonly flushTimeoutMs?: number;
  /** Retry backoff after a failure: doubling from base, capped. Defaults 100 / 5000. */
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  /** The NATS client's pause between reconnect attempts. Default 1000. */
  readonly reconnectTimeWaitMs?: number;
  /** Timeout of one connection attempt. Default 5000. */
  readonly connectTimeoutMs?: number;
  /** Connection name shown by the NATS server's monitoring. */
  readonly name?: string;
  readonly timers?: PublisherTimers;
}

export interface ResolvedOptions {
  readonly servers: string[];
  readonly prefix: string;
  readonly maxBatchEvents: number;
  readonly maxPayloadBytes: number;
  readonly maxPendingBytes: number;
  readonly maxTrackedSubjects: number;
  readonly prevKv: boolean;
  readonly flushTimeoutMs: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  readonly reconnectTimeWaitMs: number;
  readonly connectTimeoutMs: number;
  readonly name: string;
  readonly timers: PublisherTimers;
}

export const DEFAULT_PREFIX = 'logbook.events';

/** Throws a TypeError naming every bad option. */
export function resolveOptions(o: NatsPublisherOptions): ResolvedOptions {
  const r: ResolvedOptions = {
    servers: typeof o.servers === 'string' ? [o.servers] : [...o.servers],
    prefix: o.prefix ?? DEFAULT_PREFIX,
    maxBatchEvents: o.maxBatchEvents ?? 1000,
    maxPayloadBytes: o.maxPayloadBytes ?? Number.MAX_SAFE_INTEGER,
    maxPendingBytes: o.maxPendingBytes ?? 4 * 1024 * 1024,
    maxTrackedSubjects: o.maxTrackedSubjects ?? 100_000,
    prevKv: o.prevKv ?? false,
    flushTimeoutMs: o.flushTimeoutMs ?? 5000,
    retryBaseMs: o.retryBaseMs ?? 100,
    retryMaxMs: o.retryMaxMs ?? 5000,
    reconnectTimeWaitMs: o.reconnectTimeWaitMs ?? 1000,
    connectTimeoutMs: o.connectTimeoutMs ?? 5000,
    name: o.name ?? 'logbook-store',
    timers: o.timers ?? systemTimers,
  };
  const problems: string[] = [];
  if (r.servers.length === 0) problems.push('servers: at least one NATS URL is required');
  if (!isValidPrefix(r.prefix)) problems.push(`prefix: ${JSON.stringify(r.prefix)} is not a NATS subject without wildcards`);
  const positive = (name: string, v: number): void => {
    if (!Number.isSafeInteger(v) || v <= 0) problems.push(`${name}: ${v} is not a positive integer`);
  };
  positive('maxBatchEvents', r.maxBatchEvents);
  positive('maxPendingBytes', r.maxPendingBytes);
  positive('maxTrackedSubjects', r.maxTrackedSubjects);
  positive('flushTimeoutMs', r.flushTimeoutMs);
  positive('retryBaseMs', r.retryBaseMs);
  positive('retryMaxMs', r.retryMaxMs);
  positive('reconnectTimeWaitMs', r.reconnectTimeWaitMs);
  positive('connectTimeoutMs', r.connectTimeoutMs);
  // Below this a reference message without keys might not fit.
  if (!Number.isSafeInteger(r.maxPayloadBytes) || r.maxPayloadBytes < 1024) problems.push(`maxPayloadBytes: ${r.maxPayloadBytes} is below 1024`);
  if (r.retryMaxMs < r.retryBaseMs) problems.push('retryMaxMs: must be >= retryBaseMs');
  if (problems.length > 0) throw new TypeError(`invalid NatsPublisher options:\n  ${problems.join('\n  ')}`);
  return r;
}
