// The one error a caller of this package sees for bad input from an etcd
// client: it carries the gRPC status the server must answer with, so the
// gRPC layer translates it without looking at the text. The wire-level detail
// (a ProtoDecodeError from @logbook/proto) stays available as `cause`.

import { ProtoDecodeError } from '@logbook/proto';
import type { ProtoDecodeErrorCode } from '@logbook/proto';

/** gRPC status code numbers, by the names grpc-go and @grpc/grpc-js use. */
export const GRPC_STATUS = {
  InvalidArgument: 3,
  Internal: 13,
} as const;
export type EtcdApiErrorCode = keyof typeof GRPC_STATUS;

/** etcd's own text for a bad sort enum (clients match on it). */
export const INVALID_SORT_OPTION = 'etcdserver: invalid sort option';

export class EtcdApiError extends Error {
  /** gRPC status code name, e.g. `InvalidArgument`. */
  readonly code: EtcdApiErrorCode;
  /** The numeric gRPC status for `code`. */
  readonly grpcStatus: number;
  /** What was wrong with the input, in @logbook/proto's vocabulary. */
  readonly reason: ProtoDecodeErrorCode;
  /** Dotted path of the offending field; empty when the whole message is bad. */
  readonly field: string;
  constructor(code: EtcdApiErrorCode, reason: ProtoDecodeErrorCode, field: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EtcdApiError';
    this.code = code;
    this.grpcStatus = GRPC_STATUS[code];
    this.reason = reason;
    this.field = field;
  }
}

/**
 * Translates a decode failure into what etcd would answer. Bytes that are not
 * protobuf at all fail inside grpc-go's codec in etcd, which answers Internal
 * with this exact prefix; a well-formed message with an unusable value is the
 * request's fault: InvalidArgument.
 */
export function toEtcdApiError(e: unknown): unknown {
  if (!(e instanceof ProtoDecodeError)) return e;
  if (e.code === 'truncated' || e.code === 'malformed') {
    return new EtcdApiError('Internal', e.code, e.field, `grpc: error unmarshalling request: ${e.message}`, { cause: e });
  }
  if (e.code === 'invalid-enum' && /sort(Order|Target)$/.test(e.field)) {
    return new EtcdApiError('InvalidArgument', e.code, e.field, INVALID_SORT_OPTION, { cause: e });
  }
  return new EtcdApiError('InvalidArgument', e.code, e.field, `etcdserver: ${e.message}`, { cause: e });
}
