// One gRPC channel per endpoint, picked round-robin per call, and the unary
// call itself: bytes in, bytes out, with a deadline and an AbortSignal.
// Messages are already encoded by the codecs, so the channel's serializers
// are the identity (a Buffer view over the same memory, no copy).

import * as grpc from '@grpc/grpc-js';
import { EtcdClientError, assert, toEtcdClientError } from './errors.ts';
import type { ResolvedOptions } from './options.ts';

export interface Channel {
  readonly endpoint: string;
  readonly client: grpc.Client;
}

export const toBuffer = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
export const fromBuffer = (b: Buffer): Uint8Array => b;

export function clientClosedError(method = ''): EtcdClientError {
  return new EtcdClientError('Canceled', 'the client is closed', { method, reason: 'clientClosed' });
}

/** How much an endpoint may send ahead of what this client has read. */
const FLOW_CONTROL_WINDOW_BYTES = 16 * 1024 * 1024;

export class ChannelPool {
  readonly #channels: readonly Channel[];
  #next = 0;

  constructor(opts: ResolvedOptions) {
    assert(opts.endpoints.length > 0, 'a pool needs at least one endpoint');
    this.#channels = opts.endpoints.map((endpoint) => ({
      endpoint,
      client: new grpc.Client(endpoint, grpc.credentials.createInsecure(), {
        // Own connections: grpc-js otherwise shares them process-wide, and a
        // closed client's dropped connection can fail another client's calls.
        'grpc.use_local_subchannel_pool': 1,
        'grpc.max_receive_message_length': opts.maxRecvBytes,
        'grpc.max_send_message_length': opts.maxSendBytes,
        // Detects a dead member under an idle watch stream; etcd permits pings every 5 s.
        'grpc.keepalive_time_ms': 30_000,
        'grpc.keepalive_timeout_ms': 10_000,
        'grpc.keepalive_permit_without_calls': 0,
        // HTTP/2 receive window, per stream and per connection. At the 64 KiB
        // default a 3 MB range answer waits for ~48 WINDOW_UPDATE round trips;
        // grpc-go (kube-apiserver's etcd client) grows its window to 16 MiB.
        'grpc-node.flow_control_window': FLOW_CONTROL_WINDOW_BYTES,
      }),
    }));
  }

  get size(): number {
    return this.#channels.length;
  }

  /** The next channel in round-robin order. */
  pick(): Channel {
    const ch = this.#channels[this.#next % this.#channels.length]!;
    this.#next = (this.#next + 1) % this.#channels.length;
    return ch;
  }

  /** The channel after `ch` (for a retry elsewhere). */
  after(ch: Channel): Channel {
    const i = this.#channels.indexOf(ch);
    assert(i >= 0, `channel ${ch.endpoint} is not in this pool`);
    return this.#channels[(i + 1) % this.#channels.length]!;
  }

  byEndpoint(endpoint: string): Channel | undefined {
    return this.#channels.find((c) => c.endpoint === endpoint);
  }

  get endpoints(): readonly string[] {
    return this.#channels.map((c) => c.endpoint);
  }

  close(): void {
    for (const c of this.#channels) c.client.close();
  }
}

/**
 * Per-call metadata, checked before anything is sent: grpc-js throws on a
 * `-bin` key with a string or a plain key with bytes, and the caller should
 * learn that as an InvalidArgument, not as a crash inside the call.
 */
export function buildMetadata(method: string, entries: Readonly<Record<string, string | Uint8Array>> | undefined): grpc.Metadata {
  const md = new grpc.Metadata();
  if (entries === undefined) return md;
  for (const [key, value] of Object.entries(entries)) {
    try {
      md.set(key, typeof value === 'string' ? value : Buffer.from(value));
    } catch (e) {
      throw new EtcdClientError('InvalidArgument', `invalid metadata ${JSON.stringify(key)}: ${e instanceof Error ? e.message : String(e)}`, { method }, { cause: e });
    }
  }
  return md;
}

/** One unary call; rejects with EtcdClientError. */
export function unaryCall(ch: Channel, method: string, request: Uint8Array, timeoutMs: number, signal?: AbortSignal, metadata?: grpc.Metadata): Promise<Uint8Array> {
  if (signal?.aborted === true) return Promise.reject(toEtcdClientError(abortReason(signal), method, ch.endpoint));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => call.cancel();
    const call = ch.client.makeUnaryRequest(
      method,
      toBuffer,
      fromBuffer,
      request,
      // grpc-js may add to the metadata it is given; a retry gets its own copy.
      metadata?.clone() ?? new grpc.Metadata(),
      { deadline: Date.now() + timeoutMs },
      (err, response) => {
        signal?.removeEventListener('abort', onAbort);
        if (err !== null) reject(toEtcdClientError(err, method, ch.endpoint));
        else if (response === undefined) reject(new EtcdClientError('Internal', 'empty response', { method, endpoint: ch.endpoint, reason: 'badResponse' }));
        else resolve(response);
      },
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortReason(signal: AbortSignal): EtcdClientError {
  return new EtcdClientError('Canceled', 'the call was aborted', {}, { cause: signal.reason });
}
