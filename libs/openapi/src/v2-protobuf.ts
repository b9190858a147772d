// /openapi/v2 as kubectl 1.27/1.28 fetch it: the Swagger 2.0 document encoded
// as gnostic's protobuf `openapi.v2.Document`. Those clients decode it with
// kube-openapi, read the x-kubernetes-* extensions for strategic merge and
// client-side validation, and look for a `fieldValidation` query parameter on
// PATCH operations to decide whether the server validates strictly itself.

import type { OpenApiDocument } from './documents.ts';
import { gnosticDocument } from './gnostic-convert.ts';
import { gnosticType } from './gnostic-proto.ts';
import { V2ProtobufError } from './v2-protobuf-error.ts';

/** Encodes a Swagger 2.0 JSON value; throws V2ProtobufError for anything gnostic has no field for. */
export function encodeSwaggerProtobuf(swagger: unknown): Uint8Array {
  const plain = gnosticDocument(swagger, '#') as Record<string, unknown>;
  return gnosticType('Document').encode(plain).finish();
}

/** Encodes the served JSON v2 document (its bytes), so both forms always say the same thing. */
export function encodeV2Protobuf(doc: OpenApiDocument): Uint8Array {
  let swagger: unknown;
  try {
    swagger = JSON.parse(doc.bytes.toString('utf8'));
  } catch (err: unknown) {
    throw new V2ProtobufError('InvalidValue', '#', 'the v2 document is not JSON', { cause: err });
  }
  return encodeSwaggerProtobuf(swagger);
}
