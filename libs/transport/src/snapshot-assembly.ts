// Reassembles one incoming SendSnapshot stream into a complete MsgSnap,
// checking every chunk against the stream layout (proto/raft.proto) and the
// size limit before buffering anything. Pure: the server feeds it chunks and
// maps its errors to gRPC statuses.

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

export type AssemblyResult = { readonly done: false } | { readonly done: true; readonly message: Message };

const NOT_DONE: AssemblyResult = { done: false };

export class SnapshotAssembly {
  readonly #localId: NodeId;
  readonly #maxSnapshotBytes: number;
  #header: Message | undefined;
  #data: Uint8Array | undefined;
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
  accept(c: SnapshotChunk): AssemblyResult {
    if (this.#finished) throw new SnapshotRejectedError('after-final', 'chunk after the final chunk');
    if (this.#header === undefined) this.#begin(c);
    else if (c.header !== undefined) throw new SnapshotRejectedError('duplicate-header', 'header on a chunk other than the first');
    const data = this.#data;
    if (data === undefined) throw new SnapshotRejectedError('missing-header', 'first chunk has no header');

    if (c.offset !== this.#received) {
      throw new SnapshotRejectedError('bad-offset', `chunk at offset ${c.offset}, expected ${this.#received}`);
    }
    if (this.#received + c.data.byteLength > data.byteLength) {
      throw new SnapshotRejectedError('overflow', `chunk runs past the announced size of ${data.byteLength} bytes`);
    }
    data.set(c.data, this.#received);
    this.#received += c.data.byteLength;
    this.#crc = crc32(c.data, this.#crc);
    if (!c.final) return NOT_DONE;

    this.#finished = true;
    if (this.#received !== data.byteLength) {
      throw new SnapshotRejectedError('size-mismatch', `received ${this.#received} of ${data.byteLength} bytes`);
    }
    if (this.#crc !== c.crc32) {
      throw new SnapshotRejectedError('crc-mismatch', `CRC-32 ${this.#crc} does not match the sender's ${c.crc32}`);
    }
    const header = this.#header;
    if (header?.snapshot === undefined) throw new SnapshotRejectedError('missing-header', 'no header');
    return { done: true, message: { ...header, snapshot: { metadata: header.snapshot.metadata, data } } };
  }

  /** The stream ended; throws unless the final chunk was accepted. */
  end(): void {
    if (!this.#finished) throw new SnapshotRejectedError('incomplete', `stream ended after ${this.#received} bytes without its final chunk`);
  }

  #begin(c: SnapshotChunk): void {
    const h = c.header;
    if (h === undefined || h.snapshot === undefined) throw new SnapshotRejectedError('missing-header', 'first chunk has no header');
    if (h.to !== this.#localId) {
      throw new SnapshotRejectedError('wrong-recipient', `snapshot for member ${h.to} arrived at member ${this.#localId}`);
    }
    if (c.totalSize > this.#maxSnapshotBytes) {
      throw new SnapshotRejectedError('too-large', `snapshot of ${c.totalSize} bytes exceeds maxSnapshotBytes ${this.#maxSnapshotBytes}`);
    }
    this.#header = h;
    // Allocated once at the announced (bounded) size: chunks are copied in place, never concatenated.
    this.#data = new Uint8Array(c.totalSize);
  }
}
