// The bounds on what the engine walks. The merge is recursive and, for lists
// merged by key, quadratic in the list length, so both depth and size are
// capped before any work starts: a document beyond a bound is rejected whole
// (SMP_DEPTH_EXCEEDED or SMP_TOO_LARGE), never partly merged. kube itself
// leans on its 3 MiB request body limit and Go's 10000-deep JSON decoder;
// the defaults here sit well above anything a built-in kind needs.

import { StrategicMergeError } from './errors.ts';
import { type JsonObject, type JsonValue, newObject } from './json.ts';

export interface StrategicMergeLimits {
  /** Deepest nesting of maps and lists in any one document. */
  readonly maxDepth: number;
  /** Most elements in any one list. */
  readonly maxListLength: number;
  /** Most values (maps, lists and scalars) in any one document. */
  readonly maxValues: number;
}

export const DEFAULT_LIMITS: StrategicMergeLimits = Object.freeze({ maxDepth: 100, maxListLength: 10_000, maxValues: 1_000_000 });

/**
 * Decode one input document at the trust boundary: check it is JSON data
 * within the limits and copy it, so the merge may mutate freely.
 * `null`/`undefined` count as the empty object, as kube's handleUnmarshal does.
 */
export function decodeDocument(input: unknown, limits: StrategicMergeLimits, what: string): JsonObject {
  if (input === null || input === undefined) return newObject();
  const counter = { values: 0 };
  const out = copy(input, 1, limits, counter, what);
  if (typeof out !== 'object' || out === null || Array.isArray(out)) {
    throw new StrategicMergeError('SMP_BAD_JSON_DOC', 'invalid JSON document');
  }
  return out;
}

function copy(v: unknown, depth: number, limits: StrategicMergeLimits, counter: { values: number }, what: string): JsonValue {
  if (++counter.values > limits.maxValues) {
    throw new StrategicMergeError('SMP_TOO_LARGE', `strategic merge patch: the ${what} holds more than ${limits.maxValues} values`);
  }
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new StrategicMergeError('SMP_BAD_JSON_DOC', 'invalid JSON document');
    return v;
  }
  if (typeof v !== 'object') throw new StrategicMergeError('SMP_BAD_JSON_DOC', 'invalid JSON document');
  if (depth > limits.maxDepth) {
    throw new StrategicMergeError('SMP_DEPTH_EXCEEDED', `strategic merge patch: the ${what} nests deeper than ${limits.maxDepth} levels`);
  }
  if (Array.isArray(v)) {
    if (v.length > limits.maxListLength) {
      throw new StrategicMergeError('SMP_TOO_LARGE', `strategic merge patch: a list in the ${what} has ${v.length} elements, more than ${limits.maxListLength}`);
    }
    const out: JsonValue[] = [];
    for (const x of v as unknown[]) out.push(copy(x, depth + 1, limits, counter, what));
    return out;
  }
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) throw new StrategicMergeError('SMP_BAD_JSON_DOC', 'invalid JSON document');
  const out = newObject();
  for (const [k, x] of Object.entries(v)) out[k] = copy(x, depth + 1, limits, counter, what);
  return out;
}
