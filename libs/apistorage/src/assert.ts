// Always-on assertions for this package's own invariants and for misuse of
// its API by our own code: a failure is a bug, never an operational error.

export class ApiStorageAssertionError extends Error {
  override readonly name = 'ApiStorageAssertionError';
  constructor(message: string) {
    super(`apistorage assertion failed: ${message}`);
  }
}

export function assert(cond: boolean, message: string): asserts cond {
  if (!cond) throw new ApiStorageAssertionError(message);
}
