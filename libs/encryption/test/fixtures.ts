// Shared test inputs: deterministic keys and randomness, config builders.

import type { RandomBytes } from '../src/index.ts';

export function keyBytes(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (seed * 31 + i * 7) & 0xff);
}

export function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

/** A counter-based byte source: deterministic, but never repeats within a test. */
export function countingRandom(): RandomBytes {
  let next = 0;
  return (n) => Uint8Array.from({ length: n }, () => next++ & 0xff);
}

/** Always the same bytes: for golden vectors that pin the IV/nonce. */
export function fixedRandom(bytes: Uint8Array): RandomBytes {
  return (n) => {
    if (n !== bytes.length) throw new Error(`fixedRandom: asked for ${n} bytes, have ${bytes.length}`);
    return Uint8Array.from(bytes);
  };
}

export type ProviderSpec =
  | 'identity'
  | { readonly type: 'aescbc' | 'aesgcm' | 'secretbox'; readonly keys: readonly { readonly name: string; readonly secret: string }[] };

/** An EncryptionConfiguration as JSON text (JSON is YAML, so both paths are exercised elsewhere). */
export function configText(entries: readonly { readonly resources: readonly string[]; readonly providers: readonly ProviderSpec[] }[]): string {
  return JSON.stringify({
    apiVersion: 'apiserver.config.k8s.io/v1',
    kind: 'EncryptionConfiguration',
    resources: entries.map((e) => ({
      resources: e.resources,
      providers: e.providers.map((p) => (p === 'identity' ? { identity: {} } : { [p.type]: { keys: p.keys } })),
    })),
  });
}

export const enc = new TextEncoder();
export const dec = new TextDecoder();
