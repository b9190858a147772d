// The one error this client throws for a failed call: the gRPC status code
// (by grpc-go's name, as @logbook/etcd-api spells them) and etcd's own
// message. Callers branch on `code` and, for the failures etcd distinguishes
// only by text, on `reason` — derived here, once, from the message (as etcd's
// Go client does), so nobody downstream switches on strings.

import { GRPC_CODES, etcdErrorName } from '@logbook/etcd-api';
import type { EtcdErrorName, GrpcCodeName } from '@logbook/etcd-api';

export type { GrpcCodeName } from '@logbook/etcd-api';

/** gRPC status names, indexed by the numeric code. */
export const GRPC_CODE_NAMES: readonly GrpcCodeName[] = Object.freeze(
  (Object.entries(GRPC_CODES) as [GrpcCodeName, number][]).sort((a, b) => a[1] - b[1]).map(([name]) => name),
);

/** Client-side conditions that are not a server's answer. */
export const CLIENT_ERROR_REASONS = ['clientClosed', 'watchOverflow', 'watchStreamEnded', 'badResponse'] as const;

/** etcd's well-known errors (by @logbook/etcd-api's names) plus this client's own. */
export type EtcdErrorReason = EtcdErrorName | (typeof CLIENT_ERROR_REASONS)[number];

export class EtcdClientError extends Error {
  /** gRPC status name, e.g. `Unavailable`, `OutOfRange`. */
  readonly code: GrpcCodeName;
  /** The numeric gRPC status. */
  readonly grpcCode: number;
  /** etcd's text (gRPC status details), e.g. `etcdserver: mvcc: required revision has been compacted`. */
  readonly details: string;
  /** A stable name for the failure when etcd's text identifies one. */
  readonly reason: EtcdErrorReason | undefined;
  /** The full gRPC method path, e.g. `/etcdserverpb.KV/Range`; empty for client-side failures. */
  readonly method: string;
  /** host:port the call went to; empty when no endpoint was involved. */
  readonly endpoint: string;

  constructor(
    code: GrpcCodeName,
    details: string,
    where: { readonly method?: string; readonly endpoint?: string; readonly reason?: EtcdErrorReason },
    options?: ErrorOptions,
  ) {
    super(`${code}: ${details}${where.endpoint !== undefined && where.endpoint !== '' ? ` (${where.endpoint})` : ''}`, options);
    this.name = 'EtcdClientError';
    this.code = code;
    this.grpcCode = GRPC_CODES[code];
    this.details = details;
    this.reason = where.reason ?? etcdErrorName(details);
    this.method = where.method ?? '';
    this.endpoint = where.endpoint ?? '';
  }
}

function isServiceErrorLike(e: unknown): e is { code: number; details: string } {
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'number' && typeof (e as { details?: unknown }).details === 'string';
}

/** Translates whatever a grpc-js call failed with into an EtcdClientError (kept as `cause`). */
export function toEtcdClientError(e: unknown, method: string, endpoint: string): EtcdClientError {
  if (e instanceof EtcdClientError) return e;
  if (isServiceErrorLike(e)) {
    const code = GRPC_CODE_NAMES[e.code] ?? 'Unknown';
    return new EtcdClientError(code, e.details, { method, endpoint }, { cause: e });
  }
  const details = e instanceof Error ? e.message : String(e);
  return new EtcdClientError('Unknown', details, { method, endpoint }, { cause: e });
}

/** Always-on assertion for this package's own invariants. */
export class EtcdClientAssertionError extends Error {
  constructor(message: string) {
    super(`etcd-client assertion failed: ${message}`);
    this.name = 'EtcdClientAssertionError';
  }
}

export function assert(cond: boolean, message: string): asserts cond {
  if (!cond) throw new EtcdClientAssertionError(message);
}
