// Allocator failures. `message` is kube's text for the same failure, so the
// registry can embed it in the 422/500 it answers.

export const ALLOCATION_ERROR_CODES = ['already-allocated', 'not-in-range', 'range-full', 'conflict', 'invalid'] as const;
export type AllocationErrorCode = (typeof ALLOCATION_ERROR_CODES)[number];

export class AllocationError extends Error {
  readonly code: AllocationErrorCode;

  constructor(code: AllocationErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AllocationError';
    this.code = code;
  }
}

export const RANGE_FULL_MSG = 'range is full';
