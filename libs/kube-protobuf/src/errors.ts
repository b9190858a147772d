// One error class for every way a protobuf body can be refused. The endpoint
// turns `UnknownKind` into kube's 415 and everything else into a 400 whose
// message carries `message` (Go's decoder wording where there is one).

export const KUBE_PROTOBUF_ERROR_CODES = ['NotProtobuf', 'Malformed', 'TooDeep', 'TooLarge', 'UnknownKind'] as const;
export type KubeProtobufErrorCode = (typeof KUBE_PROTOBUF_ERROR_CODES)[number];

export class KubeProtobufError extends Error {
  override readonly name = 'KubeProtobufError';
  readonly code: KubeProtobufErrorCode;

  constructor(code: KubeProtobufErrorCode, message: string, opts: { readonly cause?: unknown } = {}) {
    super(message, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.code = code;
  }
}

export function malformed(message: string, cause?: unknown): KubeProtobufError {
  return new KubeProtobufError('Malformed', message, cause !== undefined ? { cause } : {});
}
