// Size estimates for queue and fragment bounds. An estimate, not the exact
// protobuf size: key and value bytes dominate, plus a fixed allowance per
// event and per response for the numeric fields and framing.

import type { Event, KeyValue } from '@logbook/mvcc';
import type { WatchResponse } from './types.ts';

export const RESPONSE_OVERHEAD_BYTES = 64;
const KV_OVERHEAD_BYTES = 48;

function kvBytes(kv: KeyValue): number {
  return KV_OVERHEAD_BYTES + kv.key.length + kv.value.length;
}

export function eventBytes(e: Event): number {
  return kvBytes(e.kv) + (e.prevKv === undefined ? 0 : kvBytes(e.prevKv));
}

export function responseBytes(r: WatchResponse): number {
  let n = RESPONSE_OVERHEAD_BYTES + r.cancelReason.length;
  for (const e of r.events) n += eventBytes(e);
  return n;
}

/**
 * Split a response whose events exceed maxBytes into fragments of at least
 * one event each; every fragment but the last has `fragment: true` (etcd's
 * client reassembles them). A single oversized event is sent alone.
 */
export function fragmentResponse(r: WatchResponse, maxBytes: number): WatchResponse[] {
  if (responseBytes(r) <= maxBytes) return [r];
  const out: WatchResponse[] = [];
  let cur: Event[] = [];
  let size = RESPONSE_OVERHEAD_BYTES;
  for (const e of r.events) {
    const n = eventBytes(e);
    if (cur.length > 0 && size + n > maxBytes) {
      out.push({ ...r, events: cur, fragment: true });
      cur = [];
      size = RESPONSE_OVERHEAD_BYTES;
    }
    cur.push(e);
    size += n;
  }
  out.push({ ...r, events: cur, fragment: false });
  return out;
}
