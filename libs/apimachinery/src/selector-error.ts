// Operational error for an unparsable or invalid selector. The message is
// kube's parser text; the HTTP layer turns it into a 400 BadRequest.

export const SELECTOR_ERROR_CODES = ['invalidLabelSelector', 'invalidFieldSelector'] as const;
export type SelectorErrorCode = (typeof SELECTOR_ERROR_CODES)[number];

export class SelectorError extends Error {
  override readonly name = 'SelectorError';
  readonly code: SelectorErrorCode;

  constructor(code: SelectorErrorCode, message: string, opts: { readonly cause?: unknown } = {}) {
    super(message, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.code = code;
  }
}
