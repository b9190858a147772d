// The operational error of this package: a PodSecurityConfiguration (or a
// level/version string handed to the public API) that cannot be used. kube
// refuses to start the apiserver on a bad admission config; the lead's
// wiring does the same with this error.

export const POD_SECURITY_ERROR_CODES = ['InvalidConfiguration', 'InvalidLevelVersion'] as const;
export type PodSecurityErrorCode = (typeof POD_SECURITY_ERROR_CODES)[number];

export class PodSecurityError extends Error {
  override readonly name = 'PodSecurityError';
  readonly code: PodSecurityErrorCode;

  constructor(code: PodSecurityErrorCode, message: string, opts: { readonly cause?: unknown } = {}) {
    super(message, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.code = code;
  }
}
