// Integer fields of messages decoded by the generated classes, which hand
// back int64/uint64 as Long objects, numbers or bigints. Revisions, counts
// and sizes must be safe integers (a rounded revision would read the wrong
// data); member ids are uint64 and stay exact as bigints.

import { EtcdClientError } from './errors.ts';

interface LongLike {
  readonly low: number;
  readonly high: number;
  readonly unsigned?: boolean;
}

function isLongLike(v: unknown): v is LongLike {
  return typeof v === 'object' && v !== null && typeof (v as { low?: unknown }).low === 'number' && typeof (v as { high?: unknown }).high === 'number';
}

export function badResponse(message: string, cause?: unknown): EtcdClientError {
  return new EtcdClientError('Internal', `malformed response: ${message}`, { reason: 'badResponse' }, cause === undefined ? undefined : { cause });
}

function toBigInt(v: unknown, path: string, unsigned: boolean): bigint {
  if (v === undefined || v === null) return 0n;
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  if (isLongLike(v)) {
    const low = BigInt(v.low >>> 0);
    const high = BigInt(v.high >>> 0);
    const u = (high << 32n) | low;
    // Two's complement for a signed field whose top bit is set.
    return !unsigned && v.unsigned !== true && u >= 1n << 63n ? u - (1n << 64n) : u;
  }
  throw badResponse(`${path}: expected an integer, got ${typeof v}`);
}

/** An int64 field as a safe integer. */
export function safeInt(v: unknown, path: string): number {
  const b = toBigInt(v, path, false);
  if (b < BigInt(-Number.MAX_SAFE_INTEGER) || b > BigInt(Number.MAX_SAFE_INTEGER)) throw badResponse(`${path}: outside the safe integer range`);
  return Number(b);
}

/** A uint64 id field, exact. */
export function uint64(v: unknown, path: string): bigint {
  const b = toBigInt(v, path, true);
  return b < 0n ? b + (1n << 64n) : b;
}
