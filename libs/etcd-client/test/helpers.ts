// Shared bits of the tests that talk to a real etcd.

import assert from 'node:assert/strict';
import { EtcdClientError } from '../src/errors.ts';
import type { EtcdErrorReason, GrpcCodeName } from '../src/errors.ts';

export const te = (s: string): Uint8Array => new TextEncoder().encode(s);
export const td = (b: Uint8Array): string => new TextDecoder().decode(b);

/** The rangeEnd that selects every key with `prefix`. */
export function prefixEnd(prefix: string): Uint8Array {
  const b = te(prefix);
  const end = b.slice();
  end[end.length - 1]!++;
  return end;
}

export async function rejectsWith(p: Promise<unknown>, code: GrpcCodeName, reason?: EtcdErrorReason): Promise<EtcdClientError> {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof EtcdClientError, `expected EtcdClientError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  if (reason !== undefined) assert.equal(caught.reason, reason, caught.message);
  return caught;
}
