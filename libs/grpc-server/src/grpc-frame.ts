// gRPC's message framing: a 5-byte prefix (compressed flag, big-endian
// length) before each message. Shared by the gRPC server here and
// the raft Send stream's client (node:http2).

/** Bytes of the prefix. */
export const GRPC_FRAME_HEADER_BYTES = 5;

/**
 * Above this many bytes a message is written as it is after its own prefix
 * (no copy into a framed buffer): a 10,000-key range answer is ~3 MB, a
 * catching-up MsgApp up to raft's maxSizePerMsg.
 */
export const GRPC_FRAME_COPY_LIMIT = 64 * 1024;

/** A message with its prefix: one buffer, or for a large message the prefix and the message itself. */
export function grpcFrame(message: Uint8Array): Buffer[] {
  if (message.byteLength > GRPC_FRAME_COPY_LIMIT) {
    const head = Buffer.allocUnsafe(GRPC_FRAME_HEADER_BYTES);
    head[0] = 0;
    head.writeUInt32BE(message.byteLength, 1);
    return [head, Buffer.from(message.buffer, message.byteOffset, message.byteLength)];
  }
  const out = Buffer.allocUnsafe(GRPC_FRAME_HEADER_BYTES + message.byteLength);
  out[0] = 0;
  out.writeUInt32BE(message.byteLength, 1);
  out.set(message, GRPC_FRAME_HEADER_BYTES);
  return [out];
}
