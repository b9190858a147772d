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

/**
 * Encryption at rest: what turns the JSON bytes into the stored bytes and
 * back, keyed by the etcd key (which a transformer may bind into the
 * ciphertext). `stale` says the value was not written by the transformer's
 * current key, so a rewrite would change it even when the object does not.
 */
export interface ValueTransformer {
  toStorage(plain: Uint8Array, key: string): Uint8Array;
  fromStorage(stored: Uint8Array, key: string): { readonly data: Uint8Array; readonly stale: boolean };
}

/** The stored bytes' plaintext; a transformer's failure (wrong key, corrupt data) is a storage error naming the key, never the bytes. */
export function plainValue(value: Uint8Array, key: string, t: ValueTransformer | undefined): { readonly data: Uint8Array; readonly stale: boolean } {
  if (t === undefined) return { data: value, stale: false };
  try {
    return t.fromStorage(value, key);
  } catch (e) {
    throw new StorageError('invalidObject', key, `the value stored at ${key} cannot be decrypted: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

export function encodeObject(obj: KubeObject, key: string, t?: ValueTransformer): Uint8Array {
  const plain = encodePlain(obj, key);
  return t === undefined ? plain : t.toStorage(plain, key);
}

/** The JSON bytes of an object as stored before any transformer. */
export function encodePlain(obj: KubeObject, key: string): Uint8Array {
  if (typeof obj !== 'object' || obj === null || typeof obj.metadata !== 'object' || obj.metadata === null) {
    throw new StorageError('invalidObject', key, `cannot store ${key}: the object has no metadata`);
  }
  const { resourceVersion: _dropped, ...metadata } = obj.metadata;
  return encoder.encode(JSON.stringify({ ...obj, metadata }));
}

export function decodeObject(value: Uint8Array, key: string, revision: number, t?: ValueTransformer): KubeObject {
  return decodePlain(plainValue(value, key, t).data, key, revision);
}

export function decodePlain(value: Uint8Array, key: string, revision: number): KubeObject {
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
