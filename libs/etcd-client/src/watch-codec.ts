// The client's view of the Watch messages: @logbook/watch's shapes (what
// @logbook/etcd-api's codec speaks) with the exact header (see
// wire-header.ts), minus what this client does not offer: caller-chosen
// watch ids (not every server has them) and fragments (a watch's responses
// would need reassembly; etcd only fragments when asked).

import { decodeWatchResponse as decodeWire, encodeWatchRequest } from '@logbook/etcd-api';
import type { WatchCreateRequest as HubWatchCreateRequest, WatchResponse as HubWatchResponse } from '@logbook/watch';
import type { EtcdHeader } from './wire-header.ts';
import { readHeader } from './wire-header.ts';
import { badResponse } from './wire-ints.ts';

export type WatchCreateRequest = Omit<HubWatchCreateRequest, 'watchId' | 'streamId' | 'fragment'>;

export interface WatchResponse extends Omit<HubWatchResponse, 'header'> {
  readonly header: EtcdHeader;
}

export function encodeWatchCreate(r: WatchCreateRequest): Uint8Array {
  return encodeWatchRequest({ type: 'create', create: r });
}

export function encodeWatchCancel(watchId: number): Uint8Array {
  return encodeWatchRequest({ type: 'cancel', watchId });
}

export function encodeWatchProgress(): Uint8Array {
  return encodeWatchRequest({ type: 'progress' });
}

export function decodeWatchResponse(bytes: Uint8Array): WatchResponse {
  const header = readHeader(bytes);
  try {
    return { ...decodeWire(bytes).response, header };
  } catch (e) {
    throw badResponse(`WatchResponse: ${e instanceof Error ? e.message : String(e)}`, e);
  }
}
