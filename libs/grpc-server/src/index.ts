// @logbook/grpc-server: a gRPC server on HTTP/2 framing of our own, for the
// store's client port and the members' peer port.

export { GrpcServer, GrpcStatusError, CallAbortedError, CallMetadata, GRPC_STATUS, encodeGrpcMessage, parseGrpcTimeout } from './grpc-server.ts';
export type { CallContext, GrpcMethod, GrpcServerOptions, GrpcStatus, GrpcTls, StreamCall, StreamHandler, UnaryHandler, UnaryReply } from './grpc-server.ts';
export { grpcFrame, GRPC_FRAME_COPY_LIMIT, GRPC_FRAME_HEADER_BYTES } from './grpc-frame.ts';
export { H2ClientSession, H2ClientStream } from './h2-client.ts';
export type { H2ClientOptions, H2ResponseHeaders } from './h2-client.ts';
export { H2_ERROR } from './h2-frames.ts';
