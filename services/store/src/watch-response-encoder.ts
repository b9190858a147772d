// Watch responses, encoded with the work shared between watchers done once.
//
// One applied revision reaches every watcher whose range it matches, and
// each gets its own WatchResponse: the same header, its own watch_id, the
// same events (the same KeyValue objects, with or without prev_kv). With a
// hundred watchers on a prefix (an apiserver's watch cache and its clients)
// encoding each response whole with protobufjs was ~14% of the serving
// member's CPU in the store benchmark's watch row. Here the header field and
// each event field are encoded once and every response is their
// concatenation around its own watch_id: the same bytes protobufjs writes
// (fields in number order), which the tests check. Anything but a plain
// event delivery (created, canceled, compacted, fragment, progress) goes
// through the general encoder.

import * as api from '@logbook/etcd-api';
import { varintSize, writeVarint, type Event, type KeyValue } from '@logbook/mvcc';
import type { WatchResponse } from '@logbook/watch';


/** Field 2 (watch_id, varint) and field 11 (events, length-delimited) of WatchResponse. */
const WATCH_ID_TAG = 0x10;
const EVENTS_TAG = 0x5a;

interface EncodedEvent {
  readonly type: Event['type'];
  /** The prevKv object these bytes include (undefined: none). */
  readonly prevKv: KeyValue | undefined;
  /** Tag, length and the Event message. */
  readonly field: Uint8Array;
}

interface EncodedHeader {
  readonly revision: number;
  readonly clusterId: number;
  readonly memberId: number;
  readonly raftTerm: number;
  /** Tag, length and the ResponseHeader message. */
  readonly field: Uint8Array;
}

function lengthDelimited(tag: number, message: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + varintSize(message.byteLength) + message.byteLength);
  out[0] = tag;
  const at = writeVarint(out, 1, message.byteLength);
  out.set(message, at);
  return out;
}

/** A plain event delivery: header, watch id and events, every other field at its default. */
function isDelivery(r: WatchResponse): boolean {
  return (
    r.events.length > 0 &&
    !r.created &&
    !r.canceled &&
    r.compactRevision === 0 &&
    r.cancelReason === '' &&
    !r.fragment &&
    r.watchId >= 0 &&
    Number.isSafeInteger(r.watchId)
  );
}

export class WatchResponseEncoder {
  /** Per KeyValue object (an event's kv is shared by every watcher it reaches). */
  readonly #events = new WeakMap<KeyValue, EncodedEvent[]>();
  #header: EncodedHeader | undefined;

  encode(r: WatchResponse, id: api.ServerIdentity): Uint8Array {
    if (!isDelivery(r)) return api.encodeWatchResponse(r, id);
    const header = this.#headerField(r.header.revision, id);
    const events = r.events.map((e) => this.#eventField(e));
    let size = header.byteLength;
    if (r.watchId !== 0) size += 1 + varintSize(r.watchId);
    for (const e of events) size += e.byteLength;
    const out = new Uint8Array(size);
    out.set(header, 0);
    let at = header.byteLength;
    if (r.watchId !== 0) {
      out[at++] = WATCH_ID_TAG;
      at = writeVarint(out, at, r.watchId);
    }
    for (const e of events) {
      out.set(e, at);
      at += e.byteLength;
    }
    return out;
  }

  #headerField(revision: number, id: api.ServerIdentity): Uint8Array {
    const h = this.#header;
    if (h !== undefined && h.revision === revision && h.clusterId === id.clusterId && h.memberId === id.memberId && h.raftTerm === id.raftTerm) {
      return h.field;
    }
    // A response holding only its header encodes as exactly the header field.
    const field = api.encodeWatchResponse(
      { header: { revision }, watchId: 0, created: false, canceled: false, compactRevision: 0, cancelReason: '', fragment: false, events: [] },
      id,
    );
    this.#header = { revision, clusterId: id.clusterId, memberId: id.memberId, raftTerm: id.raftTerm, field };
    return field;
  }

  #eventField(e: Event): Uint8Array {
    let cached = this.#events.get(e.kv);
    const hit = cached?.find((c) => c.type === e.type && c.prevKv === e.prevKv);
    if (hit !== undefined) return hit.field;
    const field = lengthDelimited(EVENTS_TAG, api.encodeEvent(e));
    if (cached === undefined) {
      cached = [];
      this.#events.set(e.kv, cached);
    }
    cached.push({ type: e.type, prevKv: e.prevKv, field });
    return field;
  }
}
