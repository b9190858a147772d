// @logbook/kube-protobuf — decodes Kubernetes protobuf request bodies
// (`k8s\0` + runtime.Unknown) into the JSON object a JSON client would send.
export { decodeKubeProtobuf, hasKubeProtobufPrefix, KUBE_PROTOBUF_PREFIX, DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH } from './decode.ts';
export type { DecodedObject, DecodeLimits } from './decode.ts';
export { encodeKubeProtobuf } from './encode.ts';
export { KubeProtobufError, KUBE_PROTOBUF_ERROR_CODES } from './errors.ts';
export type { KubeProtobufErrorCode } from './errors.ts';
export { messageForKind, supportedKinds } from './kinds.ts';
export { completeGoZeroValues } from './go-zero.ts';
