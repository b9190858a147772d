// The SendSnapshot stream's frames and the acks of both transport calls.
// Layout (see proto/raft.proto): the first chunk carries the MsgSnap header
// (its snapshot data only what the sender keeps in the header, by default
// nothing) and the payload's total size; every chunk carries its offset and a
// slice of the payload; the last has `final` and the CRC-32 of all of it.

import type { Message } from '@logbook/raft';
import { ProtoDecodeError, ProtoEncodeError } from './errors.ts';
import { logbook } from './gen/raft.js';
import { fromWireMessage, toWireMessage } from './message-codec.ts';
import {
  checkUint64,
  field,
  readBool,
  readBytes,
  readObject,
  readUint32,
  readUint64,
  requireObject,
  runDecode,
} from './wire-values.ts';

const pb = logbook.raft.v1;

export interface SnapshotChunk {
  /** First chunk only: the MsgSnap being streamed; its snapshot data is the sender's header data (empty by default). */
  readonly header?: Message;
  /** First chunk only: the length of the whole snapshot data. */
  readonly totalSize: number;
  /** Bytes of snapshot data sent before this chunk. */
  readonly offset: number;
  readonly data: Uint8Array;
  /** Set on the last chunk. */
  readonly final: boolean;
  /** Last chunk only: CRC-32 (IEEE) of the whole snapshot data. */
  readonly crc32: number;
}

/** Send's response carries nothing: the stream only ends when one side closes it. */
export type SendAck = Readonly<Record<string, never>>;

export interface SnapshotAck {
  readonly receivedBytes: number;
}

export function encodeSnapshotChunk(c: SnapshotChunk): Uint8Array {
  if (!Number.isInteger(c.crc32) || c.crc32 < 0 || c.crc32 > 0xffff_ffff) {
    throw new ProtoEncodeError('invalid-integer', 'crc32', `${c.crc32} is not a uint32`);
  }
  const props: logbook.raft.v1.SnapshotChunk.$Properties = {
    totalSize: checkUint64(c.totalSize, 'totalSize'),
    offset: checkUint64(c.offset, 'offset'),
    data: c.data,
    final: c.final,
    crc32: c.crc32,
  };
  if (c.header !== undefined) props.header = toWireMessage(c.header, 'header');
  return pb.SnapshotChunk.encode(props).finish();
}

/** Byte fields of the result alias `bytes`: do not reuse or mutate the input afterwards. */
export function decodeSnapshotChunk(bytes: Uint8Array): SnapshotChunk {
  const o = requireObject(runDecode('SnapshotChunk', () => pb.SnapshotChunk.decode(bytes)), '');
  const rawHeader = readObject(field(o, 'header'), 'header');
  const header = rawHeader === undefined ? undefined : fromWireMessage(rawHeader, 'header');
  if (header !== undefined && header.type !== 'MsgSnap') {
    throw new ProtoDecodeError('invalid-field', 'header.type', `a snapshot stream carries MsgSnap, not ${header.type}`);
  }
  return {
    ...(header !== undefined ? { header } : {}),
    totalSize: readUint64(field(o, 'totalSize'), 'totalSize'),
    offset: readUint64(field(o, 'offset'), 'offset'),
    data: readBytes(field(o, 'data'), 'data'),
    final: readBool(field(o, 'final'), 'final'),
    crc32: readUint32(field(o, 'crc32'), 'crc32'),
  };
}

export function encodeSendAck(_ack: SendAck): Uint8Array {
  return pb.SendAck.encode({}).finish();
}

export function decodeSendAck(bytes: Uint8Array): SendAck {
  requireObject(runDecode('SendAck', () => pb.SendAck.decode(bytes)), '');
  return {};
}

export function encodeSnapshotAck(ack: SnapshotAck): Uint8Array {
  return pb.SnapshotAck.encode({ receivedBytes: checkUint64(ack.receivedBytes, 'receivedBytes') }).finish();
}

export function decodeSnapshotAck(bytes: Uint8Array): SnapshotAck {
  const o = requireObject(runDecode('SnapshotAck', () => pb.SnapshotAck.decode(bytes)), '');
  return { receivedBytes: readUint64(field(o, 'receivedBytes'), 'receivedBytes') };
}
