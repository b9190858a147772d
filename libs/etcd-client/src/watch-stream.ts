// Many watches on one Watch bidi stream to one endpoint, as etcd's own
// clients do. etcd answers create requests on a stream in the order they were
// sent, so pending creations match their `created` responses first-in,
// first-out (no client-chosen ids: not every server supports them); from then
// on responses route by watch id.
//
// Failure: when the stream ends or fails, every created watch on it ends
// with that error (after yielding what it had buffered); the caller
// re-watches from the last revision it saw. A watch still being created is a
// read that changed nothing, so on Unavailable the owner may move it to a
// stream on another endpoint instead (`retry`). The stream closes itself
// once no watch is left.

import * as grpc from '@grpc/grpc-js';
import type { Channel } from './channels.ts';
import { fromBuffer, toBuffer } from './channels.ts';
import { EtcdClientError, toEtcdClientError } from './errors.ts';
import type { EtcdWatch, WatchCarrier } from './watch.ts';
import type { WatchResponse } from './watch-codec.ts';
import { decodeWatchResponse, encodeWatchCancel, encodeWatchCreate, encodeWatchProgress } from './watch-codec.ts';

/** etcd answers a stream-wide progress request with this watch id (clientv3's InvalidWatchID). */
const STREAM_WATCH_ID = -1;

export interface WatchStreamOwner {
  /** The stream has closed (failed with `error`, or idle when undefined). */
  onClosed(s: WatchStream, error: EtcdClientError | undefined): void;
  /** Takes over a watch whose creation failed with Unavailable; false to let it fail. */
  retry(w: EtcdWatch): boolean;
}

export class WatchStream implements WatchCarrier {
  readonly endpoint: string;
  readonly #method: string;
  readonly #call: grpc.ClientDuplexStream<Uint8Array, Uint8Array>;
  /** Sent creations awaiting their `created` response, in send order. */
  readonly #pending: EtcdWatch[] = [];
  readonly #byId = new Map<number, EtcdWatch>();
  readonly #owner: WatchStreamOwner;
  #closed = false;

  constructor(ch: Channel, method: string, owner: WatchStreamOwner) {
    this.endpoint = ch.endpoint;
    this.#method = method;
    this.#owner = owner;
    this.#call = ch.client.makeBidiStreamRequest(method, toBuffer, fromBuffer, new grpc.Metadata());
    this.#call.on('data', (b: Uint8Array) => this.#onData(b));
    this.#call.on('error', (e: unknown) => this.#fail(toEtcdClientError(e, method, this.endpoint)));
    this.#call.on('end', () =>
      this.#fail(new EtcdClientError('Unavailable', 'the watch stream ended', { method, endpoint: this.endpoint, reason: 'watchStreamEnded' })),
    );
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Watches created or being created on this stream. */
  get size(): number {
    return this.#pending.length + this.#byId.size;
  }

  add(watch: EtcdWatch): void {
    if (this.#closed) {
      watch.onEnd(new EtcdClientError('Unavailable', 'the watch stream is closed', { method: this.#method, endpoint: this.endpoint }));
      return;
    }
    watch.attach(this);
    this.#pending.push(watch);
    this.#call.write(encodeWatchCreate(watch.request));
  }

  cancel(watch: EtcdWatch): void {
    // A pending watch is canceled when its `created` response arrives (it is done by then).
    if (this.#byId.get(watch.watchId) !== watch) return;
    this.#byId.delete(watch.watchId);
    this.#sendCancel(watch.watchId);
    this.#closeIfIdle();
  }

  /**
   * etcd's WatchProgressRequest: every watch on the stream gets a response
   * without events carrying the store's current revision once it has
   * delivered everything before it.
   */
  requestProgress(): void {
    if (!this.#closed) this.#call.write(encodeWatchProgress());
  }

  /** Ends every watch on the stream with `error` and closes it. */
  close(error: EtcdClientError): void {
    this.#fail(error);
  }

  #sendCancel(watchId: number): void {
    if (!this.#closed) this.#call.write(encodeWatchCancel(watchId));
  }

  #onData(bytes: Uint8Array): void {
    let r: WatchResponse;
    try {
      r = decodeWatchResponse(bytes);
    } catch (e) {
      this.#fail(toEtcdClientError(e, this.#method, this.endpoint));
      return;
    }
    if (r.created) {
      this.#onCreated(r);
      return;
    }
    if (r.watchId === STREAM_WATCH_ID && r.events.length === 0) {
      // A stream-wide progress response (etcd 3.5): it speaks for every watch on the stream.
      for (const [id, w] of [...this.#byId]) {
        if (!w.onResponse({ ...r, watchId: id })) {
          this.#byId.delete(id);
          this.#sendCancel(id);
        }
      }
      this.#closeIfIdle();
      return;
    }
    const watch = this.#byId.get(r.watchId);
    if (watch === undefined) return; // canceled on this side; the server's confirmation or a late event
    if (r.canceled) {
      this.#byId.delete(r.watchId);
      watch.onEnd(undefined, r);
      this.#closeIfIdle();
      return;
    }
    if (!watch.onResponse(r)) {
      this.#byId.delete(r.watchId);
      this.#sendCancel(r.watchId);
      this.#closeIfIdle();
    }
  }

  #onCreated(r: WatchResponse): void {
    const watch = this.#pending.shift();
    if (watch === undefined) {
      this.#fail(new EtcdClientError('Internal', `unexpected created response for watch ${r.watchId}`, { method: this.#method, endpoint: this.endpoint, reason: 'badResponse' }));
      return;
    }
    if (r.canceled) {
      // The server refused the watch (e.g. an invalid range, or too many watches).
      watch.onEnd(new EtcdClientError('InvalidArgument', r.cancelReason !== '' ? r.cancelReason : 'the watch was refused', { method: this.#method, endpoint: this.endpoint }));
    } else if (watch.done) {
      this.#sendCancel(r.watchId); // canceled while pending
    } else {
      this.#byId.set(r.watchId, watch);
      watch.onCreated(r.watchId, r.header.revision);
    }
    this.#closeIfIdle();
  }

  #closeIfIdle(): void {
    if (this.size > 0 || this.#closed) return;
    this.#closed = true;
    this.#owner.onClosed(this, undefined);
    this.#call.end();
    // Cancel rather than wait for the server to end its half: nothing more is wanted from it.
    this.#call.cancel();
  }

  #fail(error: EtcdClientError): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#owner.onClosed(this, error);
    const pending = [...this.#pending];
    const created = [...this.#byId.values()];
    this.#pending.length = 0;
    this.#byId.clear();
    this.#call.cancel();
    for (const w of created) w.onEnd(error);
    for (const w of pending) {
      if (w.done || error.code !== 'Unavailable' || !this.#owner.retry(w)) w.onEnd(error);
    }
  }
}
