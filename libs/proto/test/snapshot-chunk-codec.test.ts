import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeSendAck,
  decodeSnapshotAck,
  decodeSnapshotChunk,
  encodeMessage,
  encodeSendAck,
  encodeSnapshotAck,
  encodeSnapshotChunk,
  logbook,
  ProtoDecodeError,
  ProtoEncodeError,
} from '../src/index.ts';
import type { SnapshotChunk } from '../src/index.ts';
import { allBytes, EMPTY, msg, snapshot } from './fixtures.ts';

const pb = logbook.raft.v1;
const header = msg('MsgSnap', { term: 3, snapshot: snapshot(50, 3, [1, 2, 3], [], EMPTY) });

describe('snapshot chunks', () => {
  it('round-trip a first chunk with the header', () => {
    const c: SnapshotChunk = { header, totalSize: 300, offset: 0, data: allBytes(), final: false, crc32: 0 };
    assert.deepStrictEqual(decodeSnapshotChunk(encodeSnapshotChunk(c)), c);
  });

  it('round-trip a middle chunk and a final chunk without a header', () => {
    const mid: SnapshotChunk = { totalSize: 0, offset: 256, data: allBytes(), final: false, crc32: 0 };
    const last: SnapshotChunk = { totalSize: 0, offset: 512, data: new Uint8Array([1]), final: true, crc32: 0xffff_ffff };
    assert.deepStrictEqual(decodeSnapshotChunk(encodeSnapshotChunk(mid)), mid);
    assert.deepStrictEqual(decodeSnapshotChunk(encodeSnapshotChunk(last)), last);
  });

  it('reject a header that is not MsgSnap', () => {
    const bytes = pb.SnapshotChunk.encode({ header: pb.Message.decode(encodeMessage(msg('MsgApp'))) }).finish();
    assert.throws(() => decodeSnapshotChunk(bytes), (e: unknown) => e instanceof ProtoDecodeError && e.field === 'header.type');
  });

  it('reject an invalid header and unsafe sizes', () => {
    const badHeader = pb.SnapshotChunk.encode({ header: { type: pb.MessageType.MSG_SNAP, from: 1, to: 2 } }).finish();
    assert.throws(() => decodeSnapshotChunk(badHeader), (e: unknown) => e instanceof ProtoDecodeError && e.field === 'header.snapshot');
    const unsafe = pb.SnapshotChunk.encode({ totalSize: 2 ** 53 }).finish();
    assert.throws(() => decodeSnapshotChunk(unsafe), (e: unknown) => e instanceof ProtoDecodeError && e.code === 'unsafe-integer');
    assert.throws(() => decodeSnapshotChunk(new Uint8Array([0x22, 0x05, 0x01])), (e: unknown) => e instanceof ProtoDecodeError && e.code === 'truncated');
  });

  it('refuse to encode a CRC that is not a uint32', () => {
    const c: SnapshotChunk = { totalSize: 0, offset: 0, data: EMPTY, final: true, crc32: 2 ** 32 };
    assert.throws(() => encodeSnapshotChunk(c), (e: unknown) => e instanceof ProtoEncodeError && e.code === 'invalid-integer');
  });
});

describe('acks', () => {
  it('round-trip', () => {
    assert.deepStrictEqual(decodeSendAck(encodeSendAck({})), {});
    assert.deepStrictEqual(decodeSnapshotAck(encodeSnapshotAck({ receivedBytes: 5 * 1024 * 1024 })), { receivedBytes: 5 * 1024 * 1024 });
    assert.deepStrictEqual(decodeSnapshotAck(new Uint8Array(0)), { receivedBytes: 0 });
  });
});
