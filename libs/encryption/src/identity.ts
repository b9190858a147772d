// kube's identity "encrypt check" transformer: stores plaintext, and refuses
// to hand back anything that carries the reserved k8s:enc: prefix, so
// ciphertext is never served as if it were an object.

import { TransformError } from './errors.ts';
import type { ByteTransformer } from './transformer.ts';

export const ENCRYPTED_PREFIX = new TextEncoder().encode('k8s:enc:');

export function hasPrefix(data: Uint8Array, prefix: Uint8Array): boolean {
  if (data.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (data[i] !== prefix[i]) return false;
  return true;
}

export const identityTransformer: ByteTransformer = {
  fromStorage(data) {
    if (hasPrefix(data, ENCRYPTED_PREFIX)) throw new TransformError('identity-read-encrypted', 'identity transformer tried to read encrypted data');
    return { data, stale: false };
  },
  toStorage(data) {
    return data;
  },
};
