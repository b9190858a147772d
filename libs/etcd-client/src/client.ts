// A typed etcd v3 client over @grpc/grpc-js generic calls and
// @logbook/etcd-api's codecs. Works against real etcd and against Logbook's
// store alike (the contract tests run it against both).
//
// Endpoints are used round-robin, one call at a time. A read (Range) that
// fails with Unavailable is retried once on the next endpoint: it changes
// nothing, so a retry is always safe. Writes are retried only when the call
// never left this process (grpc-js: "No connection established" — the
// member is down), as etcd's clientv3 does for "there is no connection
// available": any other Unavailable does not prove the write was not applied,
// and only the caller knows whether repeating it is harmless.

import {
  ETCD_SERVICES,
  decodeCompactionResponse,
  decodeDeleteRangeResponse,
  decodeLeaseGrantResponse,
  decodeLeaseRevokeResponse,
  decodePutResponse,
  decodeRangeResponse,
  decodeTxnResponse,
  encodeCompactionRequest,
  encodeDeleteRangeRequest,
  encodeLeaseGrantRequest,
  encodeLeaseRevokeRequest,
  encodePutRequest,
  encodeRangeRequest,
  encodeStatusRequest,
  encodeTxnRequest,
} from '@logbook/etcd-api';
import type { Decoded } from '@logbook/etcd-api';
import type {
  CompactionRequest,
  CompactionResponse,
  DeleteRangeRequest,
  DeleteRangeResponse,
  LeaseGrantRequest,
  LeaseGrantResponse,
  LeaseRevokeRequest,
  LeaseRevokeResponse,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  TxnRequest,
  TxnResponse,
} from '@logbook/mvcc';
import type { Channel } from './channels.ts';
import { ChannelPool, buildMetadata, clientClosedError, unaryCall } from './channels.ts';
import { EtcdClientError, assert } from './errors.ts';
import type { EtcdClientOptions, ResolvedOptions } from './options.ts';
import { resolveOptions } from './options.ts';
import type { EtcdStatus } from './status-codec.ts';
import { decodeStatusResponse } from './status-codec.ts';
import { EtcdWatch } from './watch.ts';
import type { WatchCreateRequest } from './watch-codec.ts';
import type { EtcdHeader } from './wire-header.ts';
import { readHeader } from './wire-header.ts';
import { WatchStream } from './watch-stream.ts';

/** A response with the full header of the member that answered. */
export interface EtcdResult<T> {
  readonly header: EtcdHeader;
  readonly response: T;
}

export interface CallOptions {
  readonly signal?: AbortSignal;
  /**
   * gRPC metadata sent with this call. Keys ending in `-bin` carry bytes,
   * others ASCII strings (gRPC's rule). Logbook's store reads its request
   * context from here; real etcd ignores keys it does not know.
   */
  readonly metadata?: Readonly<Record<string, string | Uint8Array>>;
}

export interface WatchOptions {
  /** Aborting cancels the watch. */
  readonly signal?: AbortSignal;
}

/** A uniform number in [0, 1) from the OS's generator (lease ids must not repeat across clients). */
function secureRandom(): number {
  const [hi, lo] = crypto.getRandomValues(new Uint32Array(2));
  return (hi! * 2 ** 21 + (lo! >>> 11)) / 2 ** 53;
}

function methodPath(service: string, name: string): string {
  const m = ETCD_SERVICES[`etcdserverpb.${service}`]?.find((d) => d.name === name);
  assert(m !== undefined, `ETCD_SERVICES has no ${service}/${name}`);
  return m.path;
}

const M = {
  range: methodPath('KV', 'Range'),
  put: methodPath('KV', 'Put'),
  deleteRange: methodPath('KV', 'DeleteRange'),
  txn: methodPath('KV', 'Txn'),
  compact: methodPath('KV', 'Compact'),
  leaseGrant: methodPath('Lease', 'LeaseGrant'),
  leaseRevoke: methodPath('Lease', 'LeaseRevoke'),
  watch: methodPath('Watch', 'Watch'),
  status: methodPath('Maintenance', 'Status'),
} as const;

export class EtcdClient implements AsyncDisposable {
  readonly options: ResolvedOptions;
  readonly #pool: ChannelPool;
  #watchStream: WatchStream | undefined;
  /** Where the last watch stream failed: the next one starts elsewhere. */
  #failedWatchEndpoint: string | undefined;
  /** Watches whose creation was already moved once (the read-retry rule). */
  readonly #retriedWatches = new WeakSet<EtcdWatch>();
  readonly #watches = new Set<EtcdWatch>();
  #closed = false;

  readonly #random: () => number;

  private constructor(options: ResolvedOptions, random: () => number) {
    this.options = options;
    this.#random = random;
    this.#pool = new ChannelPool(options);
  }

  /** Validates the options and opens channels lazily (the first call connects). */
  static connect(options: EtcdClientOptions): EtcdClient {
    return new EtcdClient(resolveOptions(options), options.random ?? secureRandom);
  }

  get endpoints(): readonly string[] {
    return this.#pool.endpoints;
  }

  range(r: RangeRequest, o?: CallOptions): Promise<EtcdResult<RangeResponse>> {
    return this.#unary(M.range, () => encodeRangeRequest(r), decodeRangeResponse, true, o);
  }

  put(r: PutRequest, o?: CallOptions): Promise<EtcdResult<PutResponse>> {
    return this.#unary(M.put, () => encodePutRequest(r), decodePutResponse, false, o);
  }

  deleteRange(r: DeleteRangeRequest, o?: CallOptions): Promise<EtcdResult<DeleteRangeResponse>> {
    return this.#unary(M.deleteRange, () => encodeDeleteRangeRequest(r), decodeDeleteRangeResponse, false, o);
  }

  txn(r: TxnRequest, o?: CallOptions): Promise<EtcdResult<TxnResponse>> {
    return this.#unary(M.txn, () => encodeTxnRequest(r), decodeTxnResponse, false, o);
  }

  compact(r: CompactionRequest, o?: CallOptions): Promise<EtcdResult<CompactionResponse>> {
    return this.#unary(M.compact, () => encodeCompactionRequest(r), decodeCompactionResponse, false, o);
  }

  /**
   * `id` 0: this client picks a random id below 2^53. etcd's own choice is
   * usually above 2^53, which a JS number cannot hold exactly (and
   * @logbook/mvcc's LeaseId is a number). On the rare collision
   * (leaseExist) it tries once more with another id.
   */
  async leaseGrant(r: LeaseGrantRequest, o?: CallOptions): Promise<EtcdResult<LeaseGrantResponse>> {
    if (r.id !== 0) return this.#unary(M.leaseGrant, () => encodeLeaseGrantRequest(r), decodeLeaseGrantResponse, false, o);
    try {
      return await this.#unary(M.leaseGrant, () => encodeLeaseGrantRequest({ ...r, id: this.#newLeaseId() }), decodeLeaseGrantResponse, false, o);
    } catch (e) {
      if (!(e instanceof EtcdClientError) || e.reason !== 'leaseExist') throw e;
      return this.#unary(M.leaseGrant, () => encodeLeaseGrantRequest({ ...r, id: this.#newLeaseId() }), decodeLeaseGrantResponse, false, o);
    }
  }

  leaseRevoke(r: LeaseRevokeRequest, o?: CallOptions): Promise<EtcdResult<LeaseRevokeResponse>> {
    return this.#unary(M.leaseRevoke, () => encodeLeaseRevokeRequest(r), decodeLeaseRevokeResponse, false, o);
  }

  /** Status of one member: `endpoint` (host:port, as given to connect) or the next in turn. */
  async status(endpoint?: string, o?: CallOptions): Promise<EtcdStatus> {
    this.#assertOpen(M.status);
    let ch: Channel;
    if (endpoint === undefined) {
      ch = this.#pool.pick();
    } else {
      const found = this.#pool.byEndpoint(endpoint);
      if (found === undefined) throw new EtcdClientError('InvalidArgument', `${endpoint} is not one of this client's endpoints`, { method: M.status });
      ch = found;
    }
    const bytes = await unaryCall(ch, M.status, encodeStatusRequest(), this.options.requestTimeoutMs, o?.signal);
    return decodeStatusResponse(bytes);
  }

  /**
   * Opens a watch on the client's shared watch stream (opened on the next
   * endpoint when none is open). Iterate the result for responses; await
   * `created` to know the watch is in place.
   */
  watch(r: WatchCreateRequest, o?: WatchOptions): EtcdWatch {
    const watch = new EtcdWatch(r, this.options.maxBufferedWatchResponses);
    if (this.#closed) {
      watch.onEnd(clientClosedError(M.watch));
      return watch;
    }
    if (this.#watches.size >= this.options.maxWatches) {
      watch.onEnd(new EtcdClientError('ResourceExhausted', `this client already has ${this.options.maxWatches} watches open`, { method: M.watch }));
      return watch;
    }
    this.#watches.add(watch);
    void watch.closed.then(() => this.#watches.delete(watch));
    if (o?.signal !== undefined) {
      const signal = o.signal;
      const onAbort = (): void => void watch.cancel();
      if (signal.aborted) onAbort();
      else {
        signal.addEventListener('abort', onAbort, { once: true });
        void watch.closed.then(() => signal.removeEventListener('abort', onAbort));
      }
    }
    if (!watch.done) this.#stream().add(watch);
    return watch;
  }

  /**
   * Asks the server for a progress response on every open watch (etcd's
   * WatchProgressRequest): each gets a response without events at the
   * store's revision, so an idle watcher learns it is current. No-op without
   * open watches.
   */
  requestWatchProgress(): void {
    if (this.#closed) return;
    this.#watchStream?.requestProgress();
  }

  /** Ends every watch (their iterators throw `clientClosed`) and closes the channels. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#watchStream?.close(clientClosedError(M.watch));
    for (const w of this.#watches) w.onEnd(clientClosedError(M.watch));
    this.#pool.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }

  /** The open watch stream, or a new one: after a failure, on the endpoint after the one that failed. */
  #stream(): WatchStream {
    if (this.#watchStream === undefined || this.#watchStream.closed) {
      const failed = this.#failedWatchEndpoint === undefined ? undefined : this.#pool.byEndpoint(this.#failedWatchEndpoint);
      this.#failedWatchEndpoint = undefined;
      const ch = failed === undefined ? this.#pool.pick() : this.#pool.after(failed);
      this.#watchStream = new WatchStream(ch, M.watch, {
        onClosed: (closed, error) => {
          if (this.#watchStream !== closed) return;
          this.#watchStream = undefined;
          if (error !== undefined) this.#failedWatchEndpoint = closed.endpoint;
        },
        retry: (w) => {
          if (this.#closed || this.#retriedWatches.has(w)) return false;
          this.#retriedWatches.add(w);
          this.#stream().add(w);
          return true;
        },
      });
    }
    return this.#watchStream;
  }

  #newLeaseId(): number {
    const id = Math.floor(this.#random() * Number.MAX_SAFE_INTEGER) + 1;
    assert(Number.isSafeInteger(id) && id > 0, `random lease id ${id} out of range`);
    return id;
  }

  /** Test seam: whether an error proves the call was never sent. */
  static neverSent(e: EtcdClientError): boolean {
    return neverSent(e);
  }

  #assertOpen(method: string): void {
    if (this.#closed) throw clientClosedError(method);
  }

  async #unary<T>(method: string, encode: () => Uint8Array, decode: (b: Uint8Array) => Decoded<T>, isRead: boolean, o?: CallOptions): Promise<EtcdResult<T>> {
    this.#assertOpen(method);
    let request: Uint8Array;
    try {
      request = encode();
    } catch (e) {
      // The request cannot be put on the wire (e.g. an integer beyond 2^53): the caller's input.
      throw new EtcdClientError('InvalidArgument', `invalid request: ${e instanceof Error ? e.message : String(e)}`, { method }, { cause: e });
    }
    const metadata = buildMetadata(method, o?.metadata);
    let ch = this.#pool.pick();
    let bytes: Uint8Array;
    try {
      bytes = await unaryCall(ch, method, request, this.options.requestTimeoutMs, o?.signal, metadata);
    } catch (e) {
      if (!(e instanceof EtcdClientError) || e.code !== 'Unavailable' || this.#closed || !(isRead || neverSent(e))) throw e;
      ch = this.#pool.after(ch);
      bytes = await unaryCall(ch, method, request, this.options.requestTimeoutMs, o?.signal, metadata);
    }
    try {
      return { header: readHeader(bytes), response: decode(bytes).response };
    } catch (e) {
      const details = e instanceof EtcdClientError ? e.details : `malformed response: ${e instanceof Error ? e.message : String(e)}`;
      throw new EtcdClientError('Internal', details, { method, endpoint: ch.endpoint, reason: 'badResponse' }, { cause: e });
    }
  }
}

/** grpc-js fails a call this way when the channel has no connection to send it on: nothing reached the member. */
function neverSent(e: EtcdClientError): boolean {
  return e.code === 'Unavailable' && e.details.startsWith('No connection established');
}
