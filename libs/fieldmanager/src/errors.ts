// Typed failures of field management. Conflicts have their own class
// (ApplyConflictError, conflict-error.ts) because the caller answers them with
// a 409 carrying causes; everything else is a FieldManagerError whose `code`
// says which status the caller should send (see FIELD_MANAGER_ERROR_STATUS).

export type FieldManagerErrorCode =
  | 'APPLY_NOT_OBJECT'
  | 'APPLY_INVALID_OBJECT_TYPE'
  | 'APPLY_MISSING_NAME'
  | 'APPLY_MANAGED_FIELDS_SET'
  | 'APPLY_TYPED_PATCH'
  | 'UNKNOWN_KIND'
  | 'BAD_FIELDS_V1'
  | 'BAD_MANAGED_FIELDS'
  | 'SCHEMA_MISMATCH'
  | 'TOO_DEEP';

/** The HTTP status kube-apiserver answers each failure with. */
export const FIELD_MANAGER_ERROR_STATUS: Readonly<Record<FieldManagerErrorCode, 400 | 500>> = {
  APPLY_NOT_OBJECT: 400,
  APPLY_INVALID_OBJECT_TYPE: 400,
  APPLY_MISSING_NAME: 400,
  APPLY_MANAGED_FIELDS_SET: 400,
  // kube wraps SMD's typed-conversion failure in a plain error → 500.
  APPLY_TYPED_PATCH: 500,
  UNKNOWN_KIND: 500,
  BAD_FIELDS_V1: 500,
  BAD_MANAGED_FIELDS: 500,
  SCHEMA_MISMATCH: 500,
  TOO_DEEP: 400,
};

export class FieldManagerError extends Error {
  readonly code: FieldManagerErrorCode;
  constructor(code: FieldManagerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FieldManagerError';
    this.code = code;
  }
}

/** Assertions stay on: a broken invariant is a bug, never a client error. */
export function assert(cond: boolean, msg: string): asserts cond {
  if (!cond) throw new Error(`fieldmanager assertion failed: ${msg}`);
}
