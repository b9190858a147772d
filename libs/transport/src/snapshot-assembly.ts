// Checks one incoming SendSnapshot stream against the stream layout
// (proto/raft.proto) and the size limit, chunk by chunk, and hands out each
// chunk's payload bytes in order once the chunk passed. Pure: it holds no
// payload; the server feeds it chunks, passes what it hands out to the
// application's IncomingSnapshot, and maps its errors to gRPC statuses.

import { crc32 } from 'node:zlib';
import type { SnapshotChunk } from '@logbook/proto';
import type { Message, NodeId } from '@logbook/raft';

export type SnapshotRejectCode =
  | 'missing-header'
  | 'duplicate-header'
  | 'wrong-recipient'
  | 'too-large'
  | 'bad-offset'
  | 'overflow'
  | 'after-final'
  | 'size-mismatch'
  | 'crc-mismatch'
  | 'incomplete';

/** The incoming snapshot stream is invalid; the call is failed with this reason. */
export class SnapshotRejectedError extends Error {
  readonly code: SnapshotRejectCode;
  constructor(code: SnapshotRejectCode, message: string) {
    super(message);
    this.name = 'SnapshotRejectedError';
    this.code = code;
  }
}

/** One chunk that passed every check. */
export interface AcceptedChunk {
  /** First chunk only: the header MsgSnap (its snapshot.data is the sender's headerData) and the announced payload size, within maxSnapshotBytes. */
  readonly start?: { readonly header: Message; readonly size: number };
  /** The payload bytes that follow those of the previous chunk (possibly none). */
  readonly data: Uint8Array;
  /** The last chunk: the payload is complete, its size and CRC-32 match the sender's. */
  readonly final: boolean;
}

export class SnapshotAssembly {
  readonly #localId: NodeId;
  readonly #maxSnapshotBytes: number;
  #header: Message | undefined;
  #size = 0;
  #received = 0;
  #crc = 0;
  #finished = false;

  constructor(localId: NodeId, maxSnapshotBytes: number) {
    this.#localId = localId;
    this.#maxSnapshotBytes = maxSnapshotBytes;
  }

  get receivedBytes(): number {
    return this.#received;
  }

  /** The header of the snapshot being received, once the first chunk arrived. */
  get header(): Message | undefined {
    return this.#header;
  }

  /** Takes the next chunk; throws SnapshotRejectedError when the stream is invalid. */
  accept(c: SnapshotChunk): AcceptedChunk {
    if (this.#finished) throw new SnapshotRejectedError('after-final', 'chunk after the final chunk');
    let start: AcceptedChunk['start'];
    if (this.#header === undefined) start = this.#begin(c);
    else if (c.header !== undefined) throw new SnapshotRejectedError('duplicate-header', 'header on a chunk other than the first');

    if (c.offset !== this.#received) {
      throw new SnapshotRejectedError('bad-offset', `chunk at offset ${c.offset}, expected ${this.#received}`);
    }
    if (this.#received + c.data.byteLength > this.#size) {
      throw new SnapshotRejectedError('overflow', `chunk runs past the announced size of ${this.#size} bytes`);
    }
    this.#received += c.data.byteLength;
    this.#crc = crc32(c.data, this.#crc);
    if (c.final) {
      this.#finished = true;
      // Checked before the last bytes are handed out: the application completes only a verified payload.
      if (this.#received !== this.#size) {
        throw new SnapshotRejectedError('size-mismatch', `received ${this.#received} of ${this.#size} bytes`);
      }
      if (this.#crc !== c.crc32) {
        throw new SnapshotRejectedError('crc-mismatch', `CRC-32 ${this.#crc} does not match the sender's ${c.crc32}`);
      }
    }
    return { ...(start !== undefined ? { start } : {}), data: c.data, final: c.final };
  }

  /** The stream ended; throws unless the final chunk was accepted. */
  end(): void {
    if (!this.#finished) throw new SnapshotRejectedError('incomplete', `stream ended after ${this.#received} bytes without its final chunk`);
  }

  #begin(c: SnapshotChunk): NonNullable<AcceptedChunk['start']> {
    const h = c.header;
    if (h === undefined || h.snapshot === undefined) throw new SnapshotRejectedError('missing-header', 'first chunk has no header');
    if (h.to !== this.#localId) {
      throw new SnapshotRejectedError('wrong-recipient', `snapshot for member ${h.to} arrived at member ${this.#localId}`);
    }
    // Before anything is handed out: the application never sees, nor makes room for, a snapshot over the limit.
    if (c.totalSize > this.#maxSnapshotBytes) {
      throw new SnapshotRejectedError('too-large', `snapshot of ${c.totalSize} bytes exceeds maxSnapshotBytes ${this.#maxSnapshotBytes}`);
    }
    this.#header = h;
    this.#size = c.totalSize;
    return { header: h, size: c.totalSize };
  }
}
