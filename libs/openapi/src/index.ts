// @logbook/openapi: the OpenAPI documents (v3 per group-version, v2 whole)
// kube-apiserver publishes, built from the catalogue and the type schemas.

export { buildV3Documents, v3Index, sha512Hex, kindDefinition, type OpenApiDocument, type OpenApiInfo } from './documents.ts';
export { buildV2Document } from './v2.ts';
export { encodeV2Protobuf, encodeSwaggerProtobuf } from './v2-protobuf.ts';
export { V2ProtobufError, V2_PROTOBUF_ERROR_CODES, type V2ProtobufErrorCode } from './v2-protobuf-error.ts';
export { gnosticType } from './gnostic-proto.ts';
export { groupWord } from './paths.ts';
export { definitionSchema, fieldSchema, closure, namedSchemas, SPECIAL_DEFINITIONS, type JsonSchema, type RefStyle } from './schema-object.ts';
