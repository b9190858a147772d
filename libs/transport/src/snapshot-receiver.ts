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

import { GRPC_STATUS, GrpcStatusError, type GrpcStatus, type StreamCall } from '@logbook/grpc-server';
import { decodeSnapshotChunk, encodeSnapshotAck } from '@logbook/proto';
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
  /** A chunk that cannot be decoded: logged by the caller; the call fails with INTERNAL. */
  readonly onDecodeError: (e: unknown) => void;
  /** Called once, when the transfer holds nothing any more: the call is answered and the payload completed or aborted. */
  readonly onReleased: () => void;
}

const REJECT_STATUS: Readonly<Record<SnapshotRejectCode, number>> = {
  'missing-header': GRPC_STATUS.INVALID_ARGUMENT,
  'duplicate-header': GRPC_STATUS.INVALID_ARGUMENT,
  'wrong-recipient': GRPC_STATUS.FAILED_PRECONDITION,
  'too-large': GRPC_STATUS.RESOURCE_EXHAUSTED,
  'bad-offset': GRPC_STATUS.INVALID_ARGUMENT,
  overflow: GRPC_STATUS.INVALID_ARGUMENT,
  'after-final': GRPC_STATUS.INVALID_ARGUMENT,
  'size-mismatch': GRPC_STATUS.DATA_LOSS,
  'crc-mismatch': GRPC_STATUS.DATA_LOSS,
  incomplete: GRPC_STATUS.CANCELLED,
};

export class SnapshotReceiver {
  readonly #o: SnapshotReceiverOptions;
  readonly #call: StreamCall;
  readonly #assembly: SnapshotAssembly;
  /** Checked chunks waiting for the payload's pending call: at most the one that arrived before the stream paused. */
  readonly #queue: AcceptedChunk[] = [];
  #payload: IncomingSnapshot | undefined;
  /** A call into the payload (receive, write, complete) is in progress; chunks wait behind it. */
  #busy = false;
  #paused = false;
  /** complete() was called: from then on its outcome decides, as the payload can no longer be aborted once it resolves. */
  #completing = false;
  #failed = false;
  #answered = false;
  #released = false;

  constructor(call: StreamCall, o: SnapshotReceiverOptions) {
    this.#o = o;
    this.#call = call;
    this.#assembly = new SnapshotAssembly(o.localId, o.maxSnapshotBytes);
    call.onMessage((bytes) => {
      let c: SnapshotChunk;
      try {
        c = decodeSnapshotChunk(bytes);
      } catch (e) {
        o.onDecodeError(e);
        this.#fail({ code: GRPC_STATUS.INTERNAL, message: 'undecodable SendSnapshot request' });
        return;
      }
      this.#onChunk(c);
    });
    call.onHalfClose(() => this.#onEnd());
    // Cancelled by the sender, the connection died, or the server shut down; also after our own answer, when it changes nothing.
    call.onClose(() => this.#abandon());
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
    this.#fail({ code: GRPC_STATUS.CANCELLED, message: 'snapshot stream abandoned' });
  }

  #reject(e: unknown): void {
    if (!(e instanceof SnapshotRejectedError)) throw e;
    this.#o.logger.warn('raft transport: rejected incoming snapshot', {
      from: this.#assembly.header?.from,
      code: e.code,
      error: e.message,
    });
    this.#fail({ code: REJECT_STATUS[e.code], message: e.message });
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
      this.#fail({ code: GRPC_STATUS.INTERNAL, message: `snapshot not stored: ${describeError(e).details}` });
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

  #fail(status: GrpcStatus): void {
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

  #answer(err: GrpcStatus | null, ack?: SnapshotAck): void {
    if (this.#answered) return;
    this.#answered = true;
    if (err !== null) {
      this.#call.end(new GrpcStatusError(err.code, err.message));
      return;
    }
    this.#call.write(encodeSnapshotAck(ack ?? { receivedBytes: 0 }));
    this.#call.end();
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
