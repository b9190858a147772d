// The seam between storage and encryption, shaped like kube's
// value.Transformer: what the registry's storage layer calls on every write
// (toStorage) and read (fromStorage) of an etcd value.

/**
 * One group-resource's view of the encryption config. Both calls are
 * synchronous and pure apart from randomness for IVs and nonces.
 *
 * `dataContext` is the full etcd key the value is stored under, exactly as
 * kube-apiserver passes it (`/registry/secrets/default/db-password`, with the
 * --etcd-prefix). aesgcm binds it as additional authenticated data, so a
 * value copied under another key fails to decrypt; aescbc and secretbox
 * ignore it, as in kube.
 */
export interface ValueTransformer {
  /** Encrypts with the first provider's first key; the result carries that provider's prefix. */
  toStorage(plain: Uint8Array, dataContext: string): Uint8Array;
  /**
   * Decrypts with whichever configured provider/key the prefix names. `stale`
   * is true when that was not the first provider/key, so the caller should
   * rewrite the object to re-encrypt it. Throws TransformError, never returns
   * garbage for authenticated providers.
   */
  fromStorage(stored: Uint8Array, dataContext: string): { readonly data: Uint8Array; readonly stale: boolean };
}

/** Cryptographic randomness: `length` fresh bytes. Injected so tests can pin IVs and nonces. */
export type RandomBytes = (length: number) => Uint8Array;

/** The internal form: bytes in, bytes out, context already encoded. */
export interface ByteTransformer {
  fromStorage(data: Uint8Array, dataContext: Uint8Array): { readonly data: Uint8Array; readonly stale: boolean };
  toStorage(data: Uint8Array, dataContext: Uint8Array): Uint8Array;
}

/** `randomBytes` with its contract checked: a short read would silently weaken every IV. */
export function takeRandom(randomBytes: RandomBytes, length: number): Uint8Array {
  const b = randomBytes(length);
  if (b.length !== length) throw new Error(`assertion failed: randomBytes returned ${b.length} bytes, wanted ${length}`);
  return b;
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  // A fresh buffer, never Buffer's shared pool: callers may hand `.buffer` on.
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
