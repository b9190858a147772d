// Storage's operational errors. The registry translates each code into the
// Kubernetes Status kube-apiserver answers with (NotFound, AlreadyExists,
// Conflict, Gone/Expired, Timeout...); nothing above the registry sees these.

export const STORAGE_ERROR_CODES = [
  /** get/delete/update of an absent key. */
  'keyNotFound',
  /** create of a present key. */
  'keyExists',
  /** A precondition (uid or resourceVersion) does not match the stored object. */
  'preconditionFailed',
  /** An update's expected revision lost a race and retrying is not allowed (e.g. the caller pinned resourceVersion). */
  'resourceVersionConflict',
  /** The requested revision was compacted away (a watch or list too far back: 410 Gone). */
  'resourceVersionTooOld',
  /** A continue token whose revision was compacted (410 Expired). */
  'continueExpired',
  /** A malformed continue token (400). */
  'invalidContinue',
  /** The requested revision is newer than the store's and did not arrive in time (504 "Too large resource version"). */
  'resourceVersionTooLarge',
  /** A resourceVersion that is not a decimal revision (400). */
  'invalidResourceVersion',
  /** A stored value that does not decode as an object. */
  'invalidObject',
  /** The store did not answer (unavailable, timed out). */
  'unreachable',
  /** A companion write's key moved past its expected revision: nothing was written (err.key is the companion's). */
  'companionConflict',
  /** The request was aborted by the caller. */
  'aborted',
] as const;

export type StorageErrorCode = (typeof STORAGE_ERROR_CODES)[number];

export class StorageError extends Error {
  override readonly name = 'StorageError';
  readonly code: StorageErrorCode;
  readonly key: string;
  /** For resourceVersionTooOld/continueExpired: the oldest revision still available; for resourceVersionTooLarge: the current one. */
  readonly revision: number | undefined;

  constructor(code: StorageErrorCode, key: string, message: string, opts: { readonly cause?: unknown; readonly revision?: number } = {}) {
    super(message, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.code = code;
    this.key = key;
    this.revision = opts.revision;
  }
}
