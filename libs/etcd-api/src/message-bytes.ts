// The byte-level boundary every decode* function goes through: run the
// generated decoder, narrow its output once, and turn any failure into the
// EtcdApiError (with its gRPC status) that the caller answers with.

import { toEtcdApiError } from './errors.ts';
import { fromWireHeader } from './kv-codec.ts';
import type { Decoded } from './kv-response-codec.ts';
import { field, readObject, runDecode } from './wire-values.ts';

/** A generated message class, as far as decoding needs it. */
export interface Decodable {
  decode(bytes: Uint8Array): unknown;
}

export function decodeMessage<T>(gen: Decodable, what: string, bytes: Uint8Array, narrow: (v: unknown, path: string) => T): T {
  try {
    return narrow(runDecode(what, () => gen.decode(bytes)), '');
  } catch (e) {
    throw toEtcdApiError(e);
  }
}

/** A top-level response: the narrowed message plus the full header it arrived with. */
export function decodeResponse<T>(gen: Decodable, what: string, bytes: Uint8Array, narrow: (v: unknown, path: string) => T): Decoded<T> {
  return decodeMessage(gen, what, bytes, (v, path) => ({
    header: fromWireHeader(field(readObject(v, path) ?? {}, 'header'), 'header'),
    response: narrow(v, path),
  }));
}
