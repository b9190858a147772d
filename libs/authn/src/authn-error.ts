// Operational errors of this package: configuration that cannot be used
// (a malformed token file, an unreadable key). Never carries a credential.

export const AUTHN_ERROR_CODES = ['invalid-config', 'invalid-token-file', 'invalid-key', 'signing-failed'] as const;
export type AuthnErrorCode = (typeof AUTHN_ERROR_CODES)[number];

export class AuthnError extends Error {
  override readonly name = 'AuthnError';
  readonly code: AuthnErrorCode;

  constructor(code: AuthnErrorCode, message: string, options: { readonly cause?: unknown } = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.code = code;
  }
}
