// Operational errors of certificate and kubeconfig handling. Each has a
// stable `code`; callers switch on the class or the code, never on the message.

export type PkiErrorCode =
  /** A caller passed something that cannot become a certificate (empty CN, bad IP, non-positive validity). */
  | 'invalid-argument'
  /** PEM that does not parse as the certificate or PKCS#8 key it claims to be. */
  | 'invalid-pem'
  /** Reading or writing a file failed; `cause` holds the system error. */
  | 'io';

export class PkiError extends Error {
  readonly code: PkiErrorCode;
  constructor(code: PkiErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PkiError';
    this.code = code;
  }
}
