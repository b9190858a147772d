// aesgcm: nonce (12 random bytes) || AES-GCM ciphertext || 16-byte tag, with
// the etcd key as additional authenticated data, exactly as kube's
// NewGCMTransformer: a value moved under another key fails to open.

import { createCipheriv, createDecipheriv } from 'node:crypto';
import type { CipherGCMTypes } from 'node:crypto';
import { TransformError } from './errors.ts';
import type { SecretKey } from './secret-key.ts';
import { concatBytes, takeRandom } from './transformer.ts';
import type { ByteTransformer, RandomBytes } from './transformer.ts';

export const GCM_NONCE_SIZE = 12;
export const GCM_TAG_SIZE = 16;

/** Go's crypto/cipher wording, which kube passes through unchanged. */
const OPEN_FAILED = 'cipher: message authentication failed';

function gcmName(keyLength: number): CipherGCMTypes {
  switch (keyLength) {
    case 16: return 'aes-128-gcm';
    case 24: return 'aes-192-gcm';
    case 32: return 'aes-256-gcm';
    default: throw new Error(`assertion failed: AES key of ${keyLength} bytes passed validation`);
  }
}

export function aesGcmTransformer(key: SecretKey, randomBytes: RandomBytes): ByteTransformer {
  const name = gcmName(key.length);
  return {
    toStorage(data, dataContext) {
      const nonce = takeRandom(randomBytes, GCM_NONCE_SIZE);
      const c = createCipheriv(name, key.bytes(), nonce, { authTagLength: GCM_TAG_SIZE });
      c.setAAD(dataContext);
      const body = concatBytes(c.update(data), c.final());
      return concatBytes(nonce, body, c.getAuthTag());
    },
    fromStorage(stored, dataContext) {
      if (stored.length < GCM_NONCE_SIZE) throw new TransformError('data-too-short', 'the stored data was shorter than the required size');
      // Go's Open reports a body shorter than the tag as an authentication failure.
      if (stored.length < GCM_NONCE_SIZE + GCM_TAG_SIZE) throw new TransformError('authentication-failed', OPEN_FAILED);
      const nonce = stored.subarray(0, GCM_NONCE_SIZE);
      const body = stored.subarray(GCM_NONCE_SIZE, stored.length - GCM_TAG_SIZE);
      const tag = stored.subarray(stored.length - GCM_TAG_SIZE);
      const d = createDecipheriv(name, key.bytes(), nonce, { authTagLength: GCM_TAG_SIZE });
      d.setAAD(dataContext);
      d.setAuthTag(tag);
      const plain = d.update(body);
      let tail: Uint8Array;
      try {
        tail = d.final();
      } catch (err: unknown) {
        // OpenSSL's text ("unable to authenticate data") is replaced by Go's so
        // messages match kube; the original stays as the cause.
        throw new TransformError('authentication-failed', OPEN_FAILED, { cause: err });
      }
      return { data: concatBytes(plain, tail), stale: false };
    },
  };
}
