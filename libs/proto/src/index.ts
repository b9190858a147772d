// @logbook/proto: the wire formats generated from proto/*.proto, and the
// codecs that convert between them and the core's types. Everything decoded
// here is validated once, at this boundary; callers receive typed values or a
// ProtoDecodeError.

/** The generated classes (protobufjs static code). Prefer the codecs below. */
export { logbook } from './gen/raft.js';

export { ProtoDecodeError, ProtoEncodeError } from './errors.ts';
export type { ProtoDecodeErrorCode, ProtoEncodeErrorCode } from './errors.ts';

export { encodeMessage, decodeMessage, isNetworkMessageType } from './message-codec.ts';
export {
  encodeEntry,
  decodeEntry,
  encodeHardState,
  decodeHardState,
  encodeConfState,
  decodeConfState,
} from './state-codec.ts';
export {
  encodeSnapshotChunk,
  decodeSnapshotChunk,
  encodeSendAck,
  decodeSendAck,
  encodeSnapshotAck,
  decodeSnapshotAck,
} from './snapshot-chunk-codec.ts';
export type { SnapshotChunk, SendAck, SnapshotAck } from './snapshot-chunk-codec.ts';

export { RAFT_SERVICE_NAME, RAFT_SERVICE_METHODS } from './raft-service.ts';
export type { RpcMethodDescriptor } from './raft-service.ts';
// Scalar readers for decoded protobuf messages, shared by every codec package.
export { checkUint64, field, readArray, readBool, readBytes, readObject, readString, readUint64, requireObject, runDecode } from './wire-values.ts';
