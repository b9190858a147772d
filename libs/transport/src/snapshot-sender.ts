// Streams one MsgSnap to one peer on its own SendSnapshot call, over its own
// channel (so a large transfer never stalls the peer's Send stream behind
// HTTP/2 flow control). The payload comes from the application's
// SnapshotPayloads as a stream and goes out in chunks of snapshotChunkBytes;
// the first chunk carries the header, the last the CRC-32. The outcome is
// 'finish' once the receiver acknowledged the complete, verified snapshot;
// anything else is 'failure'.

import { crc32 } from 'node:zlib';
import type * as grpc from '@grpc/grpc-js';
import type { SnapshotAck, SnapshotChunk } from '@logbook/proto';
import type { Logger, Message, SnapshotStatus } from '@logbook/raft';
import type { TransportCredentials } from './credentials.ts';
import { assert } from './errors.ts';
import { maxEncodedBytes } from './message-size.ts';
import { CHUNK_OVERHEAD_BYTES } from './options.ts';
import type { TransportLimits, TransportTiming } from './options.ts';
import { connectOnce, describeError, newPeerClient } from './peer-client.ts';
import type { RaftServiceDefinition } from './service-definition.ts';
import type { OutgoingSnapshot, SnapshotPayloads } from './snapshot-payloads.ts';

export interface SnapshotSenderOptions {
  readonly address: string;
  readonly service: RaftServiceDefinition;
  readonly credentials: TransportCredentials;
  readonly limits: TransportLimits;
  readonly timing: TransportTiming;
  readonly logger: Logger;
  readonly payloads: SnapshotPayloads;
}

/**
 * Chunks handed to grpc-js whose write has not completed yet. grpc-js itself
 * only pushes back (write() returns false) at 16 buffered messages: 16 MiB
 * per transfer once chunks are read from a file instead of being views of
 * data already in memory. A few are enough to keep the HTTP/2 window (64 KiB
 * unless configured) full.
 */
export const MAX_UNFLUSHED_CHUNKS = 4;

/** Tags and varints of a chunk's own fields, next to its header and data. */
const CHUNK_FIELDS_MAX_BYTES = 64;

/** open() broke its promise (wrong size, a header that cannot fit a chunk): a bug on the application's side. */
export class SnapshotPayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotPayloadError';
  }
}

/** Pieces of the payload not yet sent, taken out a chunk at a time. */
class PendingBytes {
  #pieces: Uint8Array[] = [];
  #head = 0;
  bytes = 0;

  push(piece: Uint8Array): void {
    if (piece.byteLength === 0) return;
    this.#pieces.push(piece);
    this.bytes += piece.byteLength;
  }

  /** The next n bytes (n <= bytes): a view when one piece holds them all, else a copy. */
  take(n: number): Uint8Array {
    assert(n <= this.bytes, 'taking more bytes than are pending');
    this.bytes -= n;
    const first = this.#pieces[this.#head];
    if (first !== undefined && first.byteLength >= n) {
      this.#consume(first, n);
      return first.subarray(0, n);
    }
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const piece = this.#pieces[this.#head];
      assert(piece !== undefined, 'pending byte count out of step with its pieces');
      const k = Math.min(piece.byteLength, n - filled);
      out.set(piece.subarray(0, k), filled);
      filled += k;
      this.#consume(piece, k);
    }
    return out;
  }

  #consume(piece: Uint8Array, k: number): void {
    if (k < piece.byteLength) {
      this.#pieces[this.#head] = piece.subarray(k);
      return;
    }
    this.#head++;
    if (this.#head === this.#pieces.length) {
      this.#pieces = [];
      this.#head = 0;
    }
  }
}

/**
 * The chunks of one SendSnapshot stream for `m` and its payload. Every chunk
 * but the last is exactly chunkBytes long, whatever the sizes of the pieces
 * (pieces of at least a chunk are sliced into views, smaller ones copied
 * together). The last chunk is only produced once the pieces ran out: before
 * that the size is not known to be right, and a receiver that got `final`
 * would acknowledge. Throws SnapshotPayloadError as soon as the pieces run
 * past `size`, or when they end short of it.
 */
export async function* snapshotChunks(
  m: Message,
  payload: Pick<OutgoingSnapshot, 'headerData' | 'size' | 'chunks'>,
  chunkBytes: number,
): AsyncGenerator<SnapshotChunk, void, undefined> {
  assert(m.type === 'MsgSnap' && m.snapshot !== undefined, 'snapshotChunks needs a MsgSnap');
  assert(chunkBytes > 0, 'chunk size must be positive');
  const size = payload.size;
  if (!Number.isSafeInteger(size) || size < 0) throw new SnapshotPayloadError(`payload size ${size} is not a byte count`);
  const header: Message = { ...m, snapshot: { metadata: m.snapshot.metadata, data: payload.headerData } };
  // The room options.ts keeps next to a chunk for its header; a larger header would make the first chunk exceed the peer's maxMessageBytes.
  const headerBytes = maxEncodedBytes(header) + CHUNK_FIELDS_MAX_BYTES;
  if (headerBytes > CHUNK_OVERHEAD_BYTES) {
    throw new SnapshotPayloadError(`snapshot header of up to ${headerBytes} bytes does not fit the ${CHUNK_OVERHEAD_BYTES} bytes kept for it in a chunk`);
  }
  const pending = new PendingBytes();
  let offset = 0;
  let crc = 0;
  let first = true;
  const chunk = (data: Uint8Array, final: boolean): SnapshotChunk => {
    crc = crc32(data, crc);
    const c: SnapshotChunk = {
      ...(first ? { header } : {}),
      totalSize: first ? size : 0,
      offset,
      data,
      final,
      crc32: final ? crc : 0,
    };
    first = false;
    offset += data.byteLength;
    return c;
  };
  for await (const piece of payload.chunks) {
    if (offset + pending.bytes + piece.byteLength > size) {
      throw new SnapshotPayloadError(`payload runs past its announced size of ${size} bytes`);
    }
    pending.push(piece);
    while (pending.bytes > chunkBytes) yield chunk(pending.take(chunkBytes), false);
  }
  if (offset + pending.bytes !== size) {
    throw new SnapshotPayloadError(`payload ended after ${offset + pending.bytes} of its announced ${size} bytes`);
  }
  yield chunk(pending.take(pending.bytes), true);
}

export class SnapshotSender {
  readonly #o: SnapshotSenderOptions;
  #client: grpc.Client | undefined;
  #call: grpc.ClientWritableStream<SnapshotChunk> | undefined;
  #cancelled = false;

  constructor(o: SnapshotSenderOptions) {
    this.#o = o;
  }

  /** Streams `m` and resolves with its outcome, after the payload was closed. Never rejects. */
  async send(m: Message): Promise<SnapshotStatus> {
    const fields: Record<string, number | undefined> = { peer: m.to, index: m.snapshot?.metadata.index };
    let payload: OutgoingSnapshot | undefined;
    try {
      payload = await this.#o.payloads.open(m);
      fields.bytes = payload.size;
      if (this.#cancelled) throw new Error('cancelled');
      const ack = await this.#stream(m, payload);
      this.#o.logger.info('raft transport: snapshot sent', { ...fields, receivedBytes: ack.receivedBytes });
      return 'finish';
    } catch (e) {
      if (e instanceof SnapshotPayloadError) {
        this.#o.logger.error('raft transport: snapshot payload broke its contract; send abandoned', { ...fields, error: e.message });
      } else if (!this.#cancelled) {
        this.#o.logger.warn('raft transport: snapshot send failed', { ...fields, ...describeError(e) });
      }
      return 'failure';
    } finally {
      this.#call = undefined;
      this.#client?.close();
      this.#client = undefined;
      try {
        await payload?.close();
      } catch (e) {
        this.#o.logger.warn('raft transport: closing a snapshot payload failed', { ...fields, ...describeError(e) });
      }
    }
  }

  /** Abandons the transfer, also while the payload is being read; send() then resolves 'failure'. */
  cancel(): void {
    this.#cancelled = true;
    this.#call?.cancel();
    this.#client?.close();
  }

  async #stream(m: Message, payload: OutgoingSnapshot): Promise<SnapshotAck> {
    const client = newPeerClient(this.#o.address, this.#o.credentials, this.#o.timing);
    this.#client = client;
    if (this.#cancelled) throw new Error('cancelled');
    await connectOnce(client, this.#o.timing.connectTimeoutMs);
    if (this.#cancelled) throw new Error('cancelled');

    const def = this.#o.service.sendSnapshot;
    let outcome: { readonly ack?: SnapshotAck; readonly error?: Error } | undefined;
    let wake: (() => void) | undefined;
    const wakeUp = (): void => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    let answered!: () => void;
    // Settles when the call does (ack, rejection, deadline, cancel()): reading the payload stops waiting then.
    const callOver = new Promise<undefined>((resolve) => {
      answered = () => resolve(undefined);
    });
    const call = client.makeClientStreamRequest<SnapshotChunk, SnapshotAck>(
      def.path,
      def.requestSerialize,
      def.responseDeserialize,
      { deadline: Date.now() + this.#o.timing.snapshotTimeoutMs },
      (err, ack) => {
        outcome = err !== null || ack === undefined ? { error: err ?? new Error('no ack') } : { ack };
        answered();
        wakeUp();
      },
    );
    this.#call = call;
    call.on('error', () => {}); // reported through the callback
    let needDrain: boolean;
    call.on('drain', () => {
      needDrain = false;
      wakeUp();
    });
    let unflushed = 0;
    const flushed = (): void => {
      unflushed--;
      wakeUp();
    };
    const sleep = (): Promise<void> =>
      new Promise<void>((resolve) => {
        wake = resolve;
      });

    const chunks = snapshotChunks(m, payload, this.#o.limits.snapshotChunkBytes);
    let exhausted = false;
    try {
      while (outcome === undefined) {
        const next = await Promise.race([chunks.next(), callOver]);
        if (next === undefined || outcome !== undefined) break; // the receiver already answered (a rejection) or the call died
        if (next.done === true) {
          exhausted = true;
          call.end();
          break;
        }
        unflushed++;
        needDrain = !call.write(next.value, flushed);
        // Respect back-pressure: at most a few chunks are serialized ahead of the network.
        while (outcome === undefined && (needDrain || unflushed >= MAX_UNFLUSHED_CHUNKS)) await sleep();
      }
    } catch (e) {
      exhausted = true; // a generator that threw is finished
      // The payload failed on this side: the receiver must not wait for the rest, nor keep what it got.
      call.cancel();
      throw e;
    } finally {
      // Stops the payload's iterator; queued behind a read still pending, hence not awaited.
      if (!exhausted) void chunks.return(undefined).catch(() => {});
    }
    while (outcome === undefined) await sleep(); // a late flush or 'drain' may wake us first
    if (outcome.error !== undefined) throw outcome.error;
    assert(outcome.ack !== undefined, 'snapshot call ended without an ack or an error');
    return outcome.ack;
  }
}
