// Operational errors of the admission setup (flags, configuration file,
// plugin construction). These stop the server at start-up; they never reach
// a client, so they are plain typed errors, not StatusErrors.

export const ADMISSION_CONFIG_ERROR_CODES = [
  'UnknownPlugin', 'EnabledAndDisabled', 'NotImplemented', 'ConfigFileUnreadable', 'ConfigFileInvalid', 'PluginConfigUnreadable', 'PluginConfigInvalid',
] as const;
export type AdmissionConfigErrorCode = (typeof ADMISSION_CONFIG_ERROR_CODES)[number];

export class AdmissionConfigError extends Error {
  readonly code: AdmissionConfigErrorCode;

  constructor(code: AdmissionConfigErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'AdmissionConfigError';
    this.code = code;
  }
}
