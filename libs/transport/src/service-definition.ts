// The Raft service for @grpc/grpc-js, built from @logbook/proto's method
// descriptors and codecs: no proto-loader at runtime, no second copy of the
// schema. Both the server and the clients use this one definition.

import type * as grpc from '@grpc/grpc-js';
import {
  decodeMessage,
  decodeSendAck,
  decodeSnapshotAck,
  decodeSnapshotChunk,
  encodeMessage,
  encodeSendAck,
  encodeSnapshotAck,
  encodeSnapshotChunk,
  RAFT_SERVICE_METHODS,
} from '@logbook/proto';
import type { SendAck, SnapshotAck, SnapshotChunk } from '@logbook/proto';
import type { Message } from '@logbook/raft';

/** grpc-js wants Buffers; the codecs produce Uint8Arrays (Buffers in Node, but not by contract). */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Called when a request cannot be decoded; grpc-js then fails the call with INTERNAL and hides the reason, so log it here. */
export type DecodeErrorHook = (method: string, error: unknown) => void;

function decoding<T>(method: string, decode: (b: Uint8Array) => T, onError: DecodeErrorHook | undefined): (b: Buffer) => T {
  return (b) => {
    try {
      return decode(b);
    } catch (e) {
      onError?.(method, e);
      throw e;
    }
  };
}

export interface RaftServiceDefinition extends grpc.ServiceDefinition {
  readonly send: grpc.MethodDefinition<Message, SendAck>;
  readonly sendSnapshot: grpc.MethodDefinition<SnapshotChunk, SnapshotAck>;
}

export function raftServiceDefinition(onDecodeError?: DecodeErrorHook): RaftServiceDefinition {
  const { send, sendSnapshot } = RAFT_SERVICE_METHODS;
  return {
    send: {
      path: send.path,
      requestStream: send.requestStream,
      responseStream: send.responseStream,
      requestSerialize: (m: Message) => asBuffer(encodeMessage(m)),
      requestDeserialize: decoding(send.name, decodeMessage, onDecodeError),
      responseSerialize: (a: SendAck) => asBuffer(encodeSendAck(a)),
      responseDeserialize: decoding(send.name, decodeSendAck, onDecodeError),
      originalName: send.name,
    },
    sendSnapshot: {
      path: sendSnapshot.path,
      requestStream: sendSnapshot.requestStream,
      responseStream: sendSnapshot.responseStream,
      requestSerialize: (c: SnapshotChunk) => asBuffer(encodeSnapshotChunk(c)),
      requestDeserialize: decoding(sendSnapshot.name, decodeSnapshotChunk, onDecodeError),
      responseSerialize: (a: SnapshotAck) => asBuffer(encodeSnapshotAck(a)),
      responseDeserialize: decoding(sendSnapshot.name, decodeSnapshotAck, onDecodeError),
      originalName: sendSnapshot.name,
    },
  };
}
