// aescbc: IV (16 random bytes) || AES-CBC(PKCS#7(plaintext)). Like kube, no
// authentication and no binding to the etcd key: a wrong key or corrupt
// ciphertext is caught only by the padding check (about 1 in 256 wrong-key
// decryptions pass it; the object decoder then rejects the bytes).

import { createCipheriv, createDecipheriv } from 'node:crypto';
import { TransformError } from './errors.ts';
import type { SecretKey } from './secret-key.ts';
import { concatBytes, takeRandom } from './transformer.ts';
import type { ByteTransformer, RandomBytes } from './transformer.ts';

export const AES_BLOCK_SIZE = 16;

function cipherName(key: SecretKey): string {
  return `aes-${key.length * 8}-cbc`;
}

export function aesCbcTransformer(key: SecretKey, randomBytes: RandomBytes): ByteTransformer {
  const name = cipherName(key);
  return {
    toStorage(data) {
      const iv = takeRandom(randomBytes, AES_BLOCK_SIZE);
      const paddingSize = AES_BLOCK_SIZE - (data.length % AES_BLOCK_SIZE);
      const padded = concatBytes(data, new Uint8Array(paddingSize).fill(paddingSize));
      const c = createCipheriv(name, key.bytes(), iv).setAutoPadding(false);
      return concatBytes(iv, c.update(padded), c.final());
    },
    fromStorage(stored) {
      if (stored.length < AES_BLOCK_SIZE) throw new TransformError('data-too-short', 'the stored data was shorter than the required size');
      const iv = stored.subarray(0, AES_BLOCK_SIZE);
      const body = stored.subarray(AES_BLOCK_SIZE);
      if (body.length % AES_BLOCK_SIZE !== 0) throw new TransformError('invalid-block-size', 'the stored data is not a multiple of the block size');
      // An IV with no blocks after it decrypts to nothing: kube indexes the
      // last byte of an empty slice there and panics; we report bad padding.
      if (body.length === 0) throw new TransformError('invalid-padding', 'invalid PKCS7 data (empty or not padded)');
      const d = createDecipheriv(name, key.bytes(), iv).setAutoPadding(false);
      const result = concatBytes(d.update(body), d.final());
      // kube's unpadding, byte for byte: any padding length up to the whole
      // plaintext is accepted if every padding byte matches.
      const c = result[result.length - 1] ?? 0;
      const size = result.length - c;
      if (c === 0 || c > result.length) throw new TransformError('invalid-padding', 'invalid PKCS7 data (empty or not padded)');
      for (let i = 0; i < c; i++) {
        if (result[size + i] !== c) throw new TransformError('invalid-padding', 'invalid padding on input');
      }
      return { data: result.subarray(0, size), stale: false };
    },
  };
}
