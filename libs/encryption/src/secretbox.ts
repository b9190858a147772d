// secretbox: nonce (24 random bytes) || NaCl secretbox (16-byte Poly1305 tag
// || XSalsa20 ciphertext), as Go's nacl/secretbox.Seal lays it out. NaCl has
// no additional data, so like kube the etcd key is not bound.

import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { TransformError } from './errors.ts';
import type { SecretKey } from './secret-key.ts';
import { concatBytes, takeRandom } from './transformer.ts';
import type { ByteTransformer, RandomBytes } from './transformer.ts';

export const SECRETBOX_NONCE_SIZE = 24;
export const SECRETBOX_OVERHEAD = 16;

export function secretboxTransformer(key: SecretKey, randomBytes: RandomBytes): ByteTransformer {
  return {
    toStorage(data) {
      const nonce = takeRandom(randomBytes, SECRETBOX_NONCE_SIZE);
      return concatBytes(nonce, xsalsa20poly1305(key.bytes(), nonce).encrypt(data));
    },
    fromStorage(stored) {
      if (stored.length < SECRETBOX_NONCE_SIZE + SECRETBOX_OVERHEAD) {
        throw new TransformError('data-too-short', 'the stored data was shorter than the required size');
      }
      const nonce = stored.slice(0, SECRETBOX_NONCE_SIZE);
      try {
        return { data: xsalsa20poly1305(key.bytes(), nonce).decrypt(stored.subarray(SECRETBOX_NONCE_SIZE)), stale: false };
      } catch (err: unknown) {
        // kube's (misleading) wording for a failed Open, kept so messages match.
        throw new TransformError('authentication-failed', 'output array was not large enough for encryption', { cause: err });
      }
    },
  };
}
