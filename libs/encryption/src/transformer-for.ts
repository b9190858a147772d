// Choosing the transformer for one group-resource, as kube's
// transformerFromOverrides does: the exact rule, else `*.<group>`, else `*.*`,
// else identity (which still refuses to serve encrypted bytes).

import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { aesCbcTransformer } from './aes-cbc.ts';
import { aesGcmTransformer } from './aes-gcm.ts';
import type { EncryptionConfiguration, ProviderConfig } from './config-types.ts';
import { identityTransformer } from './identity.ts';
import { ruleKey, rulesFor } from './parse-config.ts';
import { prefixTransformers } from './prefix-transformers.ts';
import type { PrefixedTransformer } from './prefix-transformers.ts';
import { secretboxTransformer } from './secretbox.ts';
import type { ByteTransformer, RandomBytes, ValueTransformer } from './transformer.ts';

export interface TransformerOptions {
  /** Source of IVs and nonces; defaults to node:crypto's CSPRNG. Only tests should replace it. */
  readonly randomBytes?: RandomBytes;
}

const encoder = new TextEncoder();

export const PROVIDER_PREFIXES = {
  aescbc: 'k8s:enc:aescbc:v1:',
  aesgcm: 'k8s:enc:aesgcm:v1:',
  secretbox: 'k8s:enc:secretbox:v1:',
} as const;

const KEY_NO_MATCH = {
  aescbc: 'no matching key was found for the provided AES transformer',
  aesgcm: 'no matching key was found for the provided AES transformer',
  secretbox: 'no matching key was found for the provided Secretbox transformer',
} as const;

const cryptoRandom: RandomBytes = (n) => Uint8Array.from(nodeRandomBytes(n));

/** The configured providers for a group-resource, or undefined when none applies (plain identity). */
export function providersFor(config: EncryptionConfiguration, group: string, resource: string): readonly ProviderConfig[] | undefined {
  const rules = rulesFor(config);
  return rules.get(ruleKey(group, resource)) ?? rules.get(ruleKey(group, '*')) ?? rules.get(ruleKey('*', '*'));
}

/**
 * The transformer for values of one group-resource (group '' is core).
 * Cheap to build, but build it once per resource rather than per request.
 */
export function transformerFor(config: EncryptionConfiguration, group: string, resource: string, options: TransformerOptions = {}): ValueTransformer {
  const providers = providersFor(config, group, resource);
  const random = options.randomBytes ?? cryptoRandom;
  const inner: ByteTransformer =
    providers === undefined
      ? identityTransformer
      : prefixTransformers(providers.map((p) => providerTransformer(p, random)), { code: 'no-matching-prefix', message: 'no matching prefix found' });
  return {
    toStorage: (plain, dataContext) => inner.toStorage(plain, encoder.encode(dataContext)),
    fromStorage: (stored, dataContext) => inner.fromStorage(stored, encoder.encode(dataContext)),
  };
}

function providerTransformer(p: ProviderConfig, random: RandomBytes): PrefixedTransformer {
  if (p.type === 'identity') return { prefix: new Uint8Array(0), transformer: identityTransformer };
  const make = p.type === 'aescbc' ? aesCbcTransformer : p.type === 'aesgcm' ? aesGcmTransformer : secretboxTransformer;
  const keys = p.keys.map((k) => ({ prefix: encoder.encode(`${k.name}:`), transformer: make(k.secret, random) }));
  return {
    prefix: encoder.encode(PROVIDER_PREFIXES[p.type]),
    transformer: prefixTransformers(keys, { code: 'no-matching-key', message: KEY_NO_MATCH[p.type] }),
  };
}
