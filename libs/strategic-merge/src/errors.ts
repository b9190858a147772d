// One typed error for every way a strategic merge patch can fail. Messages are
// kube's (k8s.io/apimachinery/pkg/util/strategicpatch and mergepatch), because
// kube-apiserver returns them verbatim; `httpStatusFor` says how
// kube-apiserver's patch handler answers each (interpretStrategicMergePatchError:
// five sentinel errors are 400, two are 422, every other error reaches the
// client as a 500 whose reason is empty and whose message is the error text).

export const STRATEGIC_MERGE_ERROR_CODES = [
  // mergepatch sentinels, answered 400 BadRequest
  'SMP_BAD_JSON_DOC', 'SMP_BAD_PRIMITIVE_LIST_FORMAT', 'SMP_BAD_RETAIN_KEYS_FORMAT',
  'SMP_BAD_SET_ELEMENT_ORDER_FORMAT', 'SMP_UNSUPPORTED',
  // mergepatch sentinels, answered 422
  'SMP_LIST_OF_LISTS', 'SMP_PATCH_CONTENT_NOT_MATCH_RETAIN_KEYS',
  // everything else kube raises with fmt.Errorf, answered 500 with the message
  'SMP_NO_MERGE_KEY', 'SMP_BAD_ARG_TYPE', 'SMP_BAD_PATCH_TYPE', 'SMP_MERGE_DIRECTIVE_IN_LIST',
  'SMP_FIELD_NOT_FOUND', 'SMP_NOT_STRUCT', 'SMP_NOT_SLICE', 'SMP_SLICE_OF_SLICE', 'SMP_MIXED_LIST_TYPES',
  'SMP_NO_LIST_ELEMENTS', 'SMP_MERGE_KEY_UNDECLARED', 'SMP_SET_ELEMENT_ORDER_MISMATCH',
  'SMP_UNEXPECTED_PATCH_STRATEGY', 'SMP_ELEMENT_NOT_A_MAP', 'SMP_INVALID_DIRECTIVE_VALUE',
  'SMP_NULL_LIST_ELEMENT', 'SMP_UNKNOWN_DEFINITION',
  // Logbook's limits (kube relies on its 3 MiB body limit and Go's 10000-deep decoder)
  'SMP_DEPTH_EXCEEDED', 'SMP_TOO_LARGE',
] as const;
export type StrategicMergeErrorCode = (typeof STRATEGIC_MERGE_ERROR_CODES)[number];

export class StrategicMergeError extends Error {
  readonly code: StrategicMergeErrorCode;
  constructor(code: StrategicMergeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StrategicMergeError';
    this.code = code;
  }
}

const SENTINEL_MESSAGES = {
  SMP_BAD_JSON_DOC: 'invalid JSON document',
  SMP_BAD_PRIMITIVE_LIST_FORMAT: 'invalid patch format of primitive list',
  SMP_BAD_RETAIN_KEYS_FORMAT: 'invalid patch format of retainKeys',
  SMP_BAD_SET_ELEMENT_ORDER_FORMAT: 'invalid patch format of setElementOrder list',
  SMP_UNSUPPORTED: 'strategic merge patch format is not supported',
  SMP_LIST_OF_LISTS: 'lists of lists are not supported',
  SMP_PATCH_CONTENT_NOT_MATCH_RETAIN_KEYS: "patch content doesn't match retainKeys list",
} as const;

export function sentinel(code: keyof typeof SENTINEL_MESSAGES): StrategicMergeError {
  return new StrategicMergeError(code, SENTINEL_MESSAGES[code]);
}

/** How kube-apiserver's PATCH handler answers an error of this code. */
export interface PatchErrorHttp {
  readonly code: 400 | 413 | 422 | 500;
  /** The Status reason; '' is kube's StatusReasonUnknown, which the JSON form omits. */
  readonly reason: 'BadRequest' | 'RequestEntityTooLarge' | 'Invalid' | '';
  /** The Status message. */
  readonly message: string;
}

/** kube's NewGenericServerResponse(422, ...) drops the error text for this fixed sentence. */
const GENERIC_422_MESSAGE = 'the server rejected our request due to an error in our request';

export function httpStatusFor(err: StrategicMergeError): PatchErrorHttp {
  switch (err.code) {
    case 'SMP_BAD_JSON_DOC': case 'SMP_BAD_PRIMITIVE_LIST_FORMAT': case 'SMP_BAD_RETAIN_KEYS_FORMAT':
    case 'SMP_BAD_SET_ELEMENT_ORDER_FORMAT': case 'SMP_UNSUPPORTED': case 'SMP_DEPTH_EXCEEDED':
      return { code: 400, reason: 'BadRequest', message: err.message };
    case 'SMP_LIST_OF_LISTS': case 'SMP_PATCH_CONTENT_NOT_MATCH_RETAIN_KEYS':
      return { code: 422, reason: 'Invalid', message: GENERIC_422_MESSAGE };
    case 'SMP_TOO_LARGE':
      return { code: 413, reason: 'RequestEntityTooLarge', message: err.message };
    default:
      return { code: 500, reason: '', message: err.message };
  }
}
