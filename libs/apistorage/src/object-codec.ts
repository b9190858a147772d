// Stored values: the object as JSON bytes without metadata.resourceVersion
// (the store's revision is the resourceVersion, so storing it would be
// stale the moment it was written). Every object handed out gets it back
// from the revision it was read at.

import type { KubeObject } from './interface.ts';
import { StorageError } from './errors.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export const keyBytes = (key: string): Uint8Array => encoder.encode(key);
export const keyString = (key: Uint8Array): string => decoder.decode(key);

/** The rangeEnd that selects every key starting with `prefix` (etcd's prefix rule). */
export function prefixEnd(prefix: string): Uint8Array {
  const end = keyBytes(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]!++;
      return end.slice(0, i + 1);
    }
  }
  return new Uint8Array([0]); // an all-0xff prefix: every key from it on
}

export function encodeObject(obj: KubeObject, key: string): Uint8Array {
  if (typeof obj !== 'object' || obj === null || typeof obj.metadata !== 'object' || obj.metadata === null) {
    throw new StorageError('invalidObject', key, `cannot store ${key}: the object has no metadata`);
  }
  const { resourceVersion: _dropped, ...metadata } = obj.metadata;
  return encoder.encode(JSON.stringify({ ...obj, metadata }));
}

export function decodeObject(value: Uint8Array, key: string, revision: number): KubeObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(value));
  } catch (e) {
    throw new StorageError('invalidObject', key, `the value stored at ${key} is not JSON`, { cause: e });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new StorageError('invalidObject', key, `the value stored at ${key} is not an object`);
  }
  const o = parsed as { metadata?: unknown };
  const metadata = typeof o.metadata === 'object' && o.metadata !== null && !Array.isArray(o.metadata) ? o.metadata : {};
  return { ...o, metadata: { ...metadata, resourceVersion: String(revision) } };
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}
