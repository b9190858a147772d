// Where a snapshot's bytes come from and go to. The transport streams a
// MsgSnap's payload between these two ends and checks it on the way (offsets,
// size, CRC-32); what the payload is (the snapshot data itself, or a file the
// snapshot data only describes) is the application's business. Memory on
// either side is then bounded by a few chunks, not by the snapshot's size.

import type { Message } from '@logbook/raft';
import { assert } from './errors.ts';

/** What the sender streams for one MsgSnap. */
export interface OutgoingSnapshot {
  /** The snapshot data carried inside the first chunk's header MsgSnap (the rest travels as the payload). */
  readonly headerData: Uint8Array;
  /** Payload size in bytes: announced as the first chunk's total_size. */
  readonly size: number;
  /** The payload in order. Pieces may be any size; the sender re-slices them into chunks of at most limits.snapshotChunkBytes. */
  readonly chunks: AsyncIterable<Uint8Array>;
  /** Releases what open() holds (e.g. a file descriptor). Called exactly once, whatever the outcome. */
  close(): Promise<void>;
}

/** Where the receiver puts one incoming snapshot's payload. */
export interface IncomingSnapshot {
  /** The next bytes, in order. The server reads no further chunk from the stream until this resolves (back-pressure). */
  write(bytes: Uint8Array): Promise<void>;
  /** Every byte arrived and the size and CRC-32 checked out: make it durable and resolve with the snapshot data for the MsgSnap handed to raft. */
  complete(): Promise<Uint8Array>;
  /** The transfer failed or was abandoned: discard what was written. Called at most once, never after complete() resolved. */
  abort(): Promise<void>;
}

export interface SnapshotPayloads {
  /** Sender side, for one MsgSnap about to go to m.to. May reject (the send then reports 'failure'). */
  open(m: Message): Promise<OutgoingSnapshot>;
  /** Receiver side, once the first chunk (header MsgSnap whose snapshot.data is the headerData; announced size) passed validation. May reject (the stream then fails). */
  receive(header: Message, size: number): Promise<IncomingSnapshot>;
}

const EMPTY = new Uint8Array(0);
const DONE = Promise.resolve();

function once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
      let done = false;
      return {
        next(): Promise<IteratorResult<Uint8Array>> {
          const r: IteratorResult<Uint8Array> = done ? { done: true, value: undefined } : { done: false, value: bytes };
          done = true;
          return Promise.resolve(r);
        },
      };
    },
  };
}

/** Today's behaviour, the default: headerData is empty, the payload is m.snapshot.data, the receiver buffers it (one allocation at the announced, already size-checked total) and complete() returns the buffer. */
export const inMemorySnapshotPayloads: SnapshotPayloads = {
  open(m: Message): Promise<OutgoingSnapshot> {
    assert(m.type === 'MsgSnap' && m.snapshot !== undefined, 'a snapshot payload needs a MsgSnap');
    const data = m.snapshot.data;
    // One piece: the sender slices it into views, so nothing is copied on this side.
    return Promise.resolve({ headerData: EMPTY, size: data.byteLength, chunks: once(data), close: () => DONE });
  },
  receive(_header: Message, size: number): Promise<IncomingSnapshot> {
    // The size was checked against maxSnapshotBytes before this is called, so
    // the allocation is bounded; chunks are copied in place, never concatenated.
    let buffer: Uint8Array | undefined = new Uint8Array(size);
    let written = 0;
    return Promise.resolve({
      write(bytes: Uint8Array): Promise<void> {
        assert(buffer !== undefined, 'write() after abort()');
        buffer.set(bytes, written);
        written += bytes.byteLength;
        return DONE;
      },
      complete(): Promise<Uint8Array> {
        assert(buffer !== undefined && written === size, 'complete() before every byte was written');
        return Promise.resolve(buffer);
      },
      abort(): Promise<void> {
        buffer = undefined;
        return DONE;
      },
    });
  },
};
