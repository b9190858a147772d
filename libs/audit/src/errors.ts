// Operational errors of the audit package. Policy problems carry every field
// error at once, so an operator fixes a policy file in one pass.

export const AUDIT_ERROR_CODES = ['InvalidPolicy', 'InvalidFlags', 'BackendFailed', 'BackendShutDown', 'EventTooLarge'] as const;
export type AuditErrorCode = (typeof AUDIT_ERROR_CODES)[number];

export class AuditError extends Error {
  readonly code: AuditErrorCode;

  constructor(code: AuditErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuditError';
    this.code = code;
  }
}

/** A policy that failed to decode or validate; `problems` lists each field error's message. */
export class AuditPolicyError extends AuditError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[], options?: { cause?: unknown }) {
    super('InvalidPolicy', `invalid audit policy: ${problems.length === 1 ? problems[0] ?? '' : `[${problems.join(', ')}]`}`, options);
    this.name = 'AuditPolicyError';
    this.problems = problems;
  }
}

/** Bad audit flag values; `problems` lists every one (flag groups report all problems at once). */
export class AuditFlagsError extends AuditError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super('InvalidFlags', problems.join('; '));
    this.name = 'AuditFlagsError';
    this.problems = problems;
  }
}
