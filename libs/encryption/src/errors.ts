// Operational errors of this package. Two classes because the two failures
// happen at different times and are handled by different layers: a bad
// --encryption-provider-config stops the apiserver at startup; a value that
// cannot be decrypted fails one storage read (kube answers 500 InternalError).
// Neither ever carries key material or plaintext: messages hold only provider
// names, key names and kube's fixed wording.

import type { FieldError } from '@logbook/apimachinery';

export const ENCRYPTION_CONFIG_ERROR_CODES = ['empty-file', 'decode-failed', 'invalid-config', 'masked-resource'] as const;
export type EncryptionConfigErrorCode = (typeof ENCRYPTION_CONFIG_ERROR_CODES)[number];

/** The configuration cannot be used; `fieldErrors` holds every validation problem at once. */
export class EncryptionConfigError extends Error {
  override readonly name = 'EncryptionConfigError';
  readonly code: EncryptionConfigErrorCode;
  readonly fieldErrors: readonly FieldError[];

  constructor(code: EncryptionConfigErrorCode, message: string, options: { readonly cause?: unknown; readonly fieldErrors?: readonly FieldError[] } = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.code = code;
    this.fieldErrors = options.fieldErrors ?? [];
  }
}

export const TRANSFORM_ERROR_CODES = [
  // no configured provider prefix matched the stored bytes
  'no-matching-prefix',
  // the provider matched but none of its key names did
  'no-matching-key',
  // identity (the only reader) was handed data with the k8s:enc: prefix
  'identity-read-encrypted',
  // the stored value is shorter than IV/nonce (+ tag) of its provider
  'data-too-short',
  // aescbc: ciphertext length is not a multiple of the AES block size
  'invalid-block-size',
  // aescbc: padding malformed (wrong key or corrupt data, CBC is unauthenticated)
  'invalid-padding',
  // aesgcm / secretbox: the tag did not verify (wrong key, corrupt data, or moved to another etcd key)
  'authentication-failed',
  // several matching providers each failed; `causes` holds each failure
  'multiple-failures',
] as const;
export type TransformErrorCode = (typeof TRANSFORM_ERROR_CODES)[number];

/** A stored value could not be turned back into plaintext. Never returns garbage in its place. */
export class TransformError extends Error {
  override readonly name = 'TransformError';
  readonly code: TransformErrorCode;
  readonly causes: readonly TransformError[];

  constructor(code: TransformErrorCode, message: string, options: { readonly cause?: unknown; readonly causes?: readonly TransformError[] } = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.code = code;
    this.causes = options.causes ?? [];
  }
}

/**
 * kube's errors.Reduce(NewAggregate(errs)): one error stays itself, several
 * become one whose message is `[a, b]` (duplicate messages dropped).
 */
export function reduceTransformErrors(errs: readonly TransformError[]): TransformError | undefined {
  if (errs.length === 0) return undefined;
  if (errs.length === 1) return errs[0];
  const messages = [...new Set(errs.map((e) => e.message))];
  if (messages.length === 1) return errs[0];
  return new TransformError('multiple-failures', `[${messages.join(', ')}]`, { causes: errs });
}
