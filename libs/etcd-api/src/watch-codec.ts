// etcdserverpb.WatchRequest / WatchResponse <-> @logbook/watch's shapes. The
// Watch RPC is a bidi stream: the server decodes each request message and
// encodes responses, our etcd client does the reverse.

import type { WatchCreateRequest, WatchFilters, WatchResponse } from '@logbook/watch';
import { ProtoEncodeError } from '@logbook/proto';
import type { etcdserverpb } from './gen/etcd.js';
import type { ServerIdentity } from './kv-codec.ts';
import { fromWireEvent, fromWireRevisionHeader, toWireEvent, toWireRevisionHeader } from './kv-codec.ts';
import type { WatchRequest } from './types.ts';
import { at, checkInt64, field, readArray, readBool, readBytes, readInt64, readObject, readString } from './wire-values.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Wire values of WatchCreateRequest.FilterType. */
const FILTER_NOPUT = 0;
const FILTER_NODELETE = 1;

function obj(v: unknown, path: string): object {
  return readObject(v, path) ?? {};
}

// ---- WatchCreateRequest ----

/** `streamId` is the hub's own grouping and has no wire form; it is not sent. */
export function toWireWatchCreateRequest(r: WatchCreateRequest, path: string): etcdserverpb.WatchCreateRequest.$Properties {
  const p: Mutable<etcdserverpb.WatchCreateRequest.$Properties> = { key: r.key };
  if (r.rangeEnd !== undefined) p.rangeEnd = r.rangeEnd;
  if (r.startRevision !== undefined) p.startRevision = checkInt64(r.startRevision, at(path, 'startRevision'));
  if (r.progressNotify === true) p.progressNotify = true;
  const filters: etcdserverpb.WatchCreateRequest.FilterType[] = [];
  if (r.filters?.noPut === true) filters.push(FILTER_NOPUT);
  if (r.filters?.noDelete === true) filters.push(FILTER_NODELETE);
  if (filters.length > 0) p.filters = filters;
  if (r.prevKv === true) p.prevKv = true;
  if (r.watchId !== undefined) p.watchId = checkInt64(r.watchId, at(path, 'watchId'));
  if (r.fragment === true) p.fragment = true;
  return p;
}

/**
 * Canonical: empty rangeEnd, zero startRevision, no filters and false flags
 * are absent. watch_id 0 is etcd's "server assigns" (AutoWatchID, >= 3.4),
 * so it is absent too. Unknown filter values are skipped, as etcd's server
 * skips them (it builds its filter list with a switch that has no error
 * branch); a client using a future filter loses only the filtering.
 */
export function fromWireWatchCreateRequest(v: unknown, path: string): WatchCreateRequest {
  const o = obj(v, path);
  const r: Mutable<WatchCreateRequest> = { key: readBytes(field(o, 'key'), at(path, 'key')) };
  const rangeEnd = readBytes(field(o, 'rangeEnd'), at(path, 'rangeEnd'));
  if (rangeEnd.length > 0) r.rangeEnd = rangeEnd;
  const startRevision = readInt64(field(o, 'startRevision'), at(path, 'startRevision'));
  if (startRevision !== 0) r.startRevision = startRevision;
  if (readBool(field(o, 'progressNotify'), at(path, 'progressNotify'))) r.progressNotify = true;
  const filters: Mutable<WatchFilters> = {};
  for (const f of readArray(field(o, 'filters'), at(path, 'filters'))) {
    if (f === FILTER_NOPUT) filters.noPut = true;
    else if (f === FILTER_NODELETE) filters.noDelete = true;
  }
  if (filters.noPut === true || filters.noDelete === true) r.filters = filters;
  if (readBool(field(o, 'prevKv'), at(path, 'prevKv'))) r.prevKv = true;
  const watchId = readInt64(field(o, 'watchId'), at(path, 'watchId'));
  if (watchId !== 0) r.watchId = watchId;
  if (readBool(field(o, 'fragment'), at(path, 'fragment'))) r.fragment = true;
  return r;
}

// ---- WatchRequest ----

export function toWireWatchRequest(r: WatchRequest, path: string): etcdserverpb.WatchRequest.$Properties {
  switch (r.type) {
    case 'create': return { createRequest: toWireWatchCreateRequest(r.create, at(path, 'createRequest')) };
    case 'cancel': return { cancelRequest: { watchId: checkInt64(r.watchId, at(path, 'cancelRequest.watchId')) } };
    case 'progress': return { progressRequest: {} };
    default: throw new ProtoEncodeError('invalid-enum', at(path, 'type'), `unknown watch request ${String((r as { type: unknown }).type)}`);
  }
}

/** `undefined`: no member of the oneof is set (see WatchRequest). */
export function fromWireWatchRequest(v: unknown, path: string): WatchRequest | undefined {
  const o = obj(v, path);
  const member = field(o, 'requestUnion');
  switch (member) {
    case 'createRequest': return { type: 'create', create: fromWireWatchCreateRequest(field(o, member), at(path, member)) };
    case 'cancelRequest': {
      const c = obj(field(o, member), at(path, member));
      return { type: 'cancel', watchId: readInt64(field(c, 'watchId'), at(path, 'cancelRequest.watchId')) };
    }
    case 'progressRequest': return { type: 'progress' };
    default: return undefined;
  }
}

// ---- WatchResponse ----

export function toWireWatchResponse(r: WatchResponse, id: ServerIdentity, path: string): etcdserverpb.WatchResponse.$Properties {
  return {
    header: toWireRevisionHeader(r.header, id, path),
    watchId: checkInt64(r.watchId, at(path, 'watchId')),
    created: r.created,
    canceled: r.canceled,
    compactRevision: checkInt64(r.compactRevision, at(path, 'compactRevision')),
    cancelReason: r.cancelReason,
    fragment: r.fragment,
    events: r.events.map((e, i) => toWireEvent(e, `${at(path, 'events')}[${i}]`)),
  };
}

export function fromWireWatchResponse(v: unknown, path: string): WatchResponse {
  const o = obj(v, path);
  return {
    header: fromWireRevisionHeader(o, path),
    watchId: readInt64(field(o, 'watchId'), at(path, 'watchId')),
    created: readBool(field(o, 'created'), at(path, 'created')),
    canceled: readBool(field(o, 'canceled'), at(path, 'canceled')),
    compactRevision: readInt64(field(o, 'compactRevision'), at(path, 'compactRevision')),
    cancelReason: readString(field(o, 'cancelReason'), at(path, 'cancelReason')),
    fragment: readBool(field(o, 'fragment'), at(path, 'fragment')),
    events: readArray(field(o, 'events'), at(path, 'events')).map((e, i) => fromWireEvent(e, `${at(path, 'events')}[${i}]`)),
  };
}
