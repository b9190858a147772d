// Receives one SendSnapshot call. Each chunk is checked as it arrives
// (SnapshotAssembly) and its payload passed to the application's
// IncomingSnapshot one write at a time, in order. While a write is pending
// the call is paused, so a slow disk slows the sender down through HTTP/2 flow
// control instead of filling this member's memory. Every way the transfer
// can fail (a rejected chunk, the sender gone, the application's own error)
// ends in one abort() of what was written.
//
//   first chunk ─▶ payloads.receive() ─▶ write() … write() ─▶ final chunk checked ─▶ complete() ─▶ handler.receive, ack
//        any failure before complete() was called ─▶ the call fails ─▶ abort() ─▶ slot released

import type { Readable } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import type { SnapshotAck, SnapshotChunk } from '@logbook/proto';
import type { Logger, Message, NodeId } from '@logbook/raft';
import { assert } from './errors.ts';
import { describeError } from './peer-client.ts';
import { SnapshotAssembly, SnapshotRejectedError } from './snapshot-assembly.ts';
import type { AcceptedChunk, SnapshotRejectCode } from './snapshot-assembly.ts';
import type { IncomingSnapshot, SnapshotPayloads } from './snapshot-payloads.ts';

export interface SnapshotReceiverOptions {
  readonly localId: NodeId;
  readonly maxSnapshotBytes: number;
  readonly payloads: SnapshotPayloads;
  readonly logger: Logger;
  /** Hands the complete MsgSnap to the member. */
  readonly deliver: (m: Message) => void;
  /** Called once, when the transfer holds nothing any more: the call is answered and the payload completed or aborted. */
  readonly onReleased: () => void;
}

const REJECT_STATUS: Readonly<Record<SnapshotRejectCode, grpc.status>> = {
  'missing-header': grpc.status.INVALID_ARGUMENT,
  'duplicate-header': grpc.status.INVALID_ARGUMENT,
  'wrong-recipient': grpc.status.FAILED_PRECONDITION,
  'too-large': grpc.status.RESOURCE_EXHAUSTED,
  'bad-offset': grpc.status.INVALID_ARGUMENT,
  overflow: grpc.status.INVALID_ARGUMENT,
  'after-final': grpc.status.INVALID_ARGUMENT,
  'size-mismatch': grpc.status.DATA_LOSS,
  'crc-mismatch': grpc.status.DATA_LOSS,
  incomplete: grpc.status.CANCELLED,
};

/**
 * Chunks grpc-js may read ahead of this receiver. Its server stream is an
 * object-mode Readable with the default highWaterMark of 16 messages: paused,
 * it keeps reading chunks off the connection until 16 of them (16 MiB) sit in
 * its buffer, and grpc-js has no option for it. Lowering the field the
 * Readable consults bounds that to one chunk; were the field ever gone, the
 * read-ahead would only be larger again, nothing would break.
 */
const READ_AHEAD_CHUNKS = 1;

function limitReadAhead(stream: Readable): void {
  const state: unknown = Reflect.get(stream, '_readableState');
  if (typeof state === 'object' && state !== null && typeof Reflect.get(state, 'highWaterMark') === 'number') {
    Reflect.set(state, 'highWaterMark', READ_AHEAD_CHUNKS);
  }
}

export class SnapshotReceiver {
  readonly #o: SnapshotReceiverOptions;
  readonly #call: grpc.ServerReadableStream<SnapshotChunk, SnapshotAck>;
  readonly #callback: grpc.sendUnaryData<SnapshotAck>;
  readonly #assembly: SnapshotAssembly;
  /** Checked chunks waiting for the payload's pending call: at most the one that arrived before the stream paused. */
  readonly #queue: AcceptedChunk[] = [];
  #payload: IncomingSnapshot | undefined;
  /** A call into the payload (receive, write, complete) is in progress; chunks wait behind it. */
  #busy = false;
  #paused = false;
  /** The sender half-closed: a later 'close' is the normal end of the call, not an abandonment. */
  #ended = false;
  /** complete() was called: from then on its outcome decides, as the payload can no longer be aborted once it resolves. */
  #completing = false;
  #failed = false;
  #answered = false;
  #released = false;

  constructor(
    call: grpc.ServerReadableStream<SnapshotChunk, SnapshotAck>,
    callback: grpc.sendUnaryData<SnapshotAck>,
    o: SnapshotReceiverOptions,
  ) {
    this.#o = o;
    this.#call = call;
    this.#callback = callback;
    this.#assembly = new SnapshotAssembly(o.localId, o.maxSnapshotBytes);
    limitReadAhead(call);
    call.on('data', (c: SnapshotChunk) => this.#onChunk(c));
    call.on('end', () => this.#onEnd());
    // Cancelled by the sender, or the connection died.
    call.on('error', () => this.#abandon());
    call.on('cancelled', () => this.#abandon());
    call.on('close', () => {
      if (!this.#ended) this.#abandon();
    });
  }

  #onChunk(c: SnapshotChunk): void {
    // Once complete() was called, the snapshot is acknowledged whatever follows, as it was before payloads were streamed.
    if (this.#failed || this.#completing) return;
    let accepted: AcceptedChunk;
    try {
      accepted = this.#assembly.accept(c);
    } catch (e) {
      this.#reject(e);
      return;
    }
    this.#queue.push(accepted);
    if (this.#busy) this.#pause();
    else void this.#pump();
  }

  #onEnd(): void {
    this.#ended = true;
    if (this.#failed || this.#completing) return;
    try {
      this.#assembly.end();
    } catch (e) {
      this.#reject(e);
    }
  }

  #abandon(): void {
    if (this.#failed || this.#completing || this.#answered) return;
    this.#o.logger.debug('raft transport: inbound snapshot stream abandoned', {
      from: this.#assembly.header?.from,
      receivedBytes: this.#assembly.receivedBytes,
    });
    this.#fail({ code: grpc.status.CANCELLED, details: 'snapshot stream abandoned' });
  }

  #reject(e: unknown): void {
    if (!(e instanceof SnapshotRejectedError)) throw e;
    this.#o.logger.warn('raft transport: rejected incoming snapshot', {
      from: this.#assembly.header?.from,
      code: e.code,
      error: e.message,
    });
    this.#fail({ code: REJECT_STATUS[e.code], details: e.message });
  }

  /** Feeds queued chunks to the payload, one call at a time, until the queue is empty or the transfer failed. */
  async #pump(): Promise<void> {
    this.#busy = true;
    let completed: Uint8Array | undefined;
    try {
      for (let c = this.#queue.shift(); c !== undefined && !this.#failed; c = this.#queue.shift()) {
        // Room for the next chunk while this one is written; it pauses the stream again when it comes.
        this.#resume();
        completed = await this.#toPayload(c);
      }
    } catch (e) {
      this.#o.logger.error('raft transport: storing an incoming snapshot failed', {
        from: this.#assembly.header?.from,
        receivedBytes: this.#assembly.receivedBytes,
        error: describeError(e).details,
      });
      this.#fail({ code: grpc.status.INTERNAL, details: `snapshot not stored: ${describeError(e).details}` });
    } finally {
      this.#busy = false;
    }
    if (completed !== undefined) this.#finish(completed);
    else if (this.#failed) await this.#discard();
  }

  /** Resolves with complete()'s result after the final chunk, else undefined. */
  async #toPayload(c: AcceptedChunk): Promise<Uint8Array | undefined> {
    if (c.start !== undefined) {
      this.#payload = await this.#o.payloads.receive(c.start.header, c.start.size);
      if (this.#failed) return undefined;
    }
    const payload = this.#payload;
    assert(payload !== undefined, 'snapshot chunk before its payload was opened');
    if (c.data.byteLength > 0) await payload.write(c.data);
    if (!c.final || this.#failed) return undefined;
    this.#completing = true;
    return payload.complete();
  }

  #finish(data: Uint8Array): void {
    const header = this.#assembly.header;
    assert(header?.snapshot !== undefined, 'completed snapshot without a header');
    const m: Message = { ...header, snapshot: { metadata: header.snapshot.metadata, data } };
    this.#payload = undefined;
    this.#o.logger.info('raft transport: snapshot received', {
      from: m.from,
      index: header.snapshot.metadata.index,
      bytes: this.#assembly.receivedBytes,
    });
    try {
      this.#o.deliver(m);
      this.#answer(null, { receivedBytes: this.#assembly.receivedBytes });
    } finally {
      this.#release();
    }
  }

  #fail(status: Partial<grpc.StatusObject>): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#queue.length = 0;
    this.#answer(status);
    // A pending payload call finishes first (one call at a time); the pump discards after it.
    if (!this.#busy) void this.#discard();
  }

  async #discard(): Promise<void> {
    const payload = this.#payload;
    this.#payload = undefined;
    try {
      await payload?.abort();
    } catch (e) {
      this.#o.logger.error('raft transport: discarding an incoming snapshot failed', {
        from: this.#assembly.header?.from,
        error: describeError(e).details,
      });
    } finally {
      this.#release();
    }
  }

  #answer(err: Partial<grpc.StatusObject> | null, ack?: SnapshotAck): void {
    if (this.#answered) return;
    this.#answered = true;
    if (err !== null) this.#callback(err);
    else this.#callback(null, ack);
  }

  #release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#o.onReleased();
  }

  #pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    this.#call.pause();
  }

  #resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#call.resume();
  }
}
