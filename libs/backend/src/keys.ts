// Byte-order helpers shared by both engines, so that the in-memory engine
// accepts and orders exactly what LMDB does.

import { BackendError } from './errors.ts';
import type { Bytes } from './backend.ts';

/**
 * LMDB (as built by the lmdb package) refuses keys longer than this, and
 * refuses empty keys. Both engines enforce the same limits so that code tested
 * against MemoryBackend cannot write a key LMDB would reject.
 */
export const MAX_KEY_BYTES = 1978;

/** Unsigned lexicographic byte order; a proper prefix sorts first. */
export function compareBytes(a: Bytes, b: Bytes): number {
  return Buffer.compare(a, b);
}

export function checkKey(key: Bytes): void {
  if (!(key instanceof Uint8Array)) {
    throw new BackendError('invalid-key', 'key must be a Uint8Array');
  }
  if (key.length === 0) throw new BackendError('invalid-key', 'empty keys are not allowed');
  if (key.length > MAX_KEY_BYTES) {
    throw new BackendError('invalid-key', `key of ${key.length} bytes exceeds MAX_KEY_BYTES (${MAX_KEY_BYTES})`);
  }
}

export function checkValue(value: Bytes): void {
  if (!(value instanceof Uint8Array)) {
    throw new BackendError('invalid-argument', 'value must be a Uint8Array');
  }
}

/** A range bound may be empty (the start of the keyspace) but not oversized. */
export function checkBound(bound: Bytes): void {
  if (!(bound instanceof Uint8Array)) {
    throw new BackendError('invalid-key', 'range bound must be a Uint8Array');
  }
}

export function checkLimit(limit: number | undefined): void {
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) {
    throw new BackendError('invalid-argument', `range limit must be a non-negative integer, got ${limit}`);
  }
}

export function isThenable(value: unknown): boolean {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * The pairs of a restore, validated as they stream: each key and value
 * checked, keys strictly ascending (a snapshot is a sorted dump; anything
 * else is corrupt). Both engines restore through this.
 */
export async function* checkedRestorePairs(pairs: AsyncIterable<readonly [Uint8Array, Uint8Array]>): AsyncIterable<readonly [Uint8Array, Uint8Array]> {
  let previous: Uint8Array | undefined;
  for await (const [key, value] of pairs) {
    checkKey(key);
    checkValue(value);
    if (previous !== undefined && compareBytes(previous, key) >= 0) {
      throw new BackendError('restore-order', 'restore pairs are not in strictly ascending key order');
    }
    previous = key;
    yield [key, value];
  }
}
