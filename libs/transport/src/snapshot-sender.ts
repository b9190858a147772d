// Streams one MsgSnap to one peer on its own SendSnapshot call, over its own
// channel (so a large transfer never stalls the peer's Send stream behind
// HTTP/2 flow control). The data goes in chunks of snapshotChunkBytes; the
// first carries the header, the last the CRC-32. The outcome is 'finish'
// once the receiver acknowledged the complete, verified snapshot; anything
// else is 'failure'.

import { crc32 } from 'node:zlib';
import type * as grpc from '@grpc/grpc-js';
import type { SnapshotAck, SnapshotChunk } from '@logbook/proto';
import type { Logger, Message, SnapshotStatus } from '@logbook/raft';
import type { TransportCredentials } from './credentials.ts';
import { assert } from './errors.ts';
import type { TransportLimits, TransportTiming } from './options.ts';
import { connectOnce, describeError, newPeerClient } from './peer-client.ts';
import type { RaftServiceDefinition } from './service-definition.ts';

export interface SnapshotSenderOptions {
  readonly address: string;
  readonly service: RaftServiceDefinition;
  readonly credentials: TransportCredentials;
  readonly limits: TransportLimits;
  readonly timing: TransportTiming;
  readonly logger: Logger;
}

/** Splits a MsgSnap into the chunks of one SendSnapshot stream (lazily: chunks are views, not copies). */
export function* snapshotChunks(m: Message, chunkBytes: number): Generator<SnapshotChunk> {
  assert(m.type === 'MsgSnap' && m.snapshot !== undefined, 'snapshotChunks needs a MsgSnap');
  assert(chunkBytes > 0, 'chunk size must be positive');
  const data = m.snapshot.data;
  const header: Message = { ...m, snapshot: { metadata: m.snapshot.metadata, data: new Uint8Array(0) } };
  let crc = 0;
  let offset = 0;
  do {
    const end = Math.min(offset + chunkBytes, data.byteLength);
    const slice = data.subarray(offset, end);
    crc = crc32(slice, crc);
    const first = offset === 0;
    const final = end === data.byteLength;
    yield {
      ...(first ? { header } : {}),
      totalSize: first ? data.byteLength : 0,
      offset,
      data: slice,
      final,
      crc32: final ? crc : 0,
    };
    offset = end;
  } while (offset < data.byteLength);
}

export class SnapshotSender {
  readonly #o: SnapshotSenderOptions;
  #client: grpc.Client | undefined;
  #call: grpc.ClientWritableStream<SnapshotChunk> | undefined;
  #cancelled = false;

  constructor(o: SnapshotSenderOptions) {
    this.#o = o;
  }

  /** Streams `m` and resolves with its outcome. Never rejects. */
  async send(m: Message): Promise<SnapshotStatus> {
    const fields = { peer: m.to, index: m.snapshot?.metadata.index, bytes: m.snapshot?.data.byteLength };
    try {
      const ack = await this.#stream(m);
      this.#o.logger.info('raft transport: snapshot sent', { ...fields, receivedBytes: ack.receivedBytes });
      return 'finish';
    } catch (e) {
      if (!this.#cancelled) this.#o.logger.warn('raft transport: snapshot send failed', { ...fields, ...describeError(e) });
      return 'failure';
    } finally {
      this.#call = undefined;
      this.#client?.close();
      this.#client = undefined;
    }
  }

  /** Abandons the transfer; send() then resolves 'failure'. */
  cancel(): void {
    this.#cancelled = true;
    this.#call?.cancel();
    this.#client?.close();
  }

  async #stream(m: Message): Promise<SnapshotAck> {
    const client = newPeerClient(this.#o.address, this.#o.credentials, this.#o.timing);
    this.#client = client;
    if (this.#cancelled) throw new Error('cancelled');
    await connectOnce(client, this.#o.timing.connectTimeoutMs);
    if (this.#cancelled) throw new Error('cancelled');

    const def = this.#o.service.sendSnapshot;
    let outcome: { readonly ack?: SnapshotAck; readonly error?: Error } | undefined;
    let wake: (() => void) | undefined;
    const call = client.makeClientStreamRequest<SnapshotChunk, SnapshotAck>(
      def.path,
      def.requestSerialize,
      def.responseDeserialize,
      { deadline: Date.now() + this.#o.timing.snapshotTimeoutMs },
      (err, ack) => {
        outcome = err !== null || ack === undefined ? { error: err ?? new Error('no ack') } : { ack };
        wake?.();
      },
    );
    this.#call = call;
    call.on('error', () => {}); // reported through the callback
    call.on('drain', () => wake?.());
    const waitForWake = (): Promise<void> =>
      new Promise<void>((resolve) => {
        wake = () => {
          wake = undefined;
          resolve();
        };
      });

    for (const chunk of snapshotChunks(m, this.#o.limits.snapshotChunkBytes)) {
      if (outcome !== undefined) break; // the receiver already answered (a rejection) or the call died
      // Respect back-pressure: at most the stream's buffer of chunks is serialized ahead of the network.
      if (!call.write(chunk)) await waitForWake();
    }
    if (outcome === undefined) {
      call.end();
      while (outcome === undefined) await waitForWake(); // a late 'drain' may wake us first
    }
    if (outcome.error !== undefined) throw outcome.error;
    assert(outcome.ack !== undefined, 'snapshot call ended without an ack or an error');
    return outcome.ack;
  }
}
