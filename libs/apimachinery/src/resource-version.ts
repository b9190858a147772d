// resourceVersion strings, parsed once at the API boundary. On the wire they
// are opaque decimal uint64s; here they become safe integers (store revisions).

import { invalid, aggregateMessage } from './field-errors.ts';
import { goParseUint64 } from './go-format.ts';
import { badRequest } from './status.ts';

/**
 * "" and "0" both mean "no particular version" and parse to 0 (callers tell
 * them apart by the string: "" = consistent read, "0" = any). Anything else
 * must be a decimal uint64, or this throws kube's 400. Values beyond 2^53-1
 * are valid to kube but unreachable for our store; they clamp to
 * MAX_SAFE_INTEGER, which is "newer than anything we have" and therefore
 * ends in the same "Too large resource version" answer kube would give.
 */
export function parseResourceVersion(rv: string): number {
  if (rv === '' || rv === '0') return 0;
  const parsed = goParseUint64(rv);
  if (!parsed.ok) {
    const detail = aggregateMessage([invalid('resourceVersion', rv, parsed.error)]) ?? '';
    throw badRequest(`invalid resource version: ${detail}`);
  }
  return parsed.value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(parsed.value);
}

/** The wire form of a revision. */
export function formatResourceVersion(revision: number): string {
  if (!Number.isSafeInteger(revision) || revision < 0) throw new RangeError(`formatResourceVersion: ${revision} is not a revision`);
  return String(revision);
}
