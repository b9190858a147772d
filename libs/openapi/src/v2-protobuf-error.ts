// The one way encoding a Swagger document as gnostic protobuf fails: the JSON
// holds something the gnostic messages have no place for, or something of the
// wrong shape. Dropping it silently would serve kubectl a document that
// disagrees with /openapi/v2 as JSON, so the encoder refuses instead.

export const V2_PROTOBUF_ERROR_CODES = ['UnsupportedField', 'InvalidValue', 'MissingField'] as const;
export type V2ProtobufErrorCode = (typeof V2_PROTOBUF_ERROR_CODES)[number];

export class V2ProtobufError extends Error {
  override readonly name = 'V2ProtobufError';
  readonly code: V2ProtobufErrorCode;
  /** JSON pointer of the offending value, e.g. `#/definitions/io.k8s.api.core.v1.Pod/properties/spec`. */
  readonly at: string;

  constructor(code: V2ProtobufErrorCode, at: string, message: string, opts: { readonly cause?: unknown } = {}) {
    super(`${at}: ${message}`, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.code = code;
    this.at = at;
  }
}
