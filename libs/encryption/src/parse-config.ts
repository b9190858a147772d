// --encryption-provider-config: text → validated EncryptionConfiguration,
// failing the way kube-apiserver fails at startup (same checks, same
// messages, all validation problems at once).

import { aggregateMessage, goQuote } from '@logbook/apimachinery';
import { decodeStdBase64 } from './base64.ts';
import type { EncryptionConfiguration, KeyConfig, ProviderConfig, ResourceConfig } from './config-types.ts';
import { groupResourceYAML, parseGroupResource } from './config-types.ts';
import { DecodeFailure, decodeEncryptionConfiguration } from './decode-config.ts';
import type { RawKey, RawProvider } from './decode-config.ts';
import { EncryptionConfigError } from './errors.ts';
import { SecretKey } from './secret-key.ts';
import { validateEncryptionConfiguration } from './validate-config.ts';

/**
 * Bounds the file we accept. Real configs are a few KiB; a bound keeps a
 * mistaken path (a log file, a binary) from being parsed at all.
 */
export const MAX_CONFIG_SIZE_BYTES = 1024 * 1024;

/** The providers each configured group-resource rule reads and writes with, in order. */
const rulesOf = new WeakMap<EncryptionConfiguration, ReadonlyMap<string, readonly ProviderConfig[]>>();

export function ruleKey(group: string, resource: string): string {
  return `${group}\u0000${resource}`;
}

export function rulesFor(config: EncryptionConfiguration): ReadonlyMap<string, readonly ProviderConfig[]> {
  const rules = rulesOf.get(config);
  if (rules === undefined) throw new Error('assertion failed: EncryptionConfiguration was not produced by parseEncryptionConfiguration');
  return rules;
}

/**
 * Parses and validates an apiserver.config.k8s.io/v1 EncryptionConfiguration
 * (YAML or JSON). `path` only appears in messages. Throws EncryptionConfigError.
 */
export function parseEncryptionConfiguration(text: string, path?: string): EncryptionConfiguration {
  const file = path !== undefined ? `encryption provider configuration file ${goQuote(path)}` : 'encryption provider configuration';
  if (text.length === 0) {
    throw new EncryptionConfigError('empty-file', `error while parsing file: error while loading file: ${file} is empty`);
  }
  if (text.length > MAX_CONFIG_SIZE_BYTES) {
    throw new EncryptionConfigError('decode-failed', `error while parsing file: error while loading file: ${file} is larger than ${MAX_CONFIG_SIZE_BYTES} bytes`);
  }
  const raw = decodeEncryptionConfiguration(text);
  if (raw instanceof DecodeFailure) {
    throw new EncryptionConfigError('decode-failed', `error while parsing file: error decoding ${file}: ${raw.message}`);
  }
  const fieldErrors = validateEncryptionConfiguration(raw);
  const agg = aggregateMessage(fieldErrors);
  if (agg !== undefined) throw new EncryptionConfigError('invalid-config', `error while parsing file: ${agg}`, { fieldErrors });

  const warnings: string[] = [];
  const resources: ResourceConfig[] = raw.resources.map((rc, i) => ({
    resources: Object.freeze([...rc.resources]),
    providers: Object.freeze(rc.providers.map((p, j) => toProvider(p, `resources[${i}].providers[${j}]`, warnings))),
  }));

  // kube appends an entry's providers to every resource it names, so a
  // resource named in two entries reads with both lists. A rule that an
  // earlier wildcard already covers could never apply, so kube rejects it.
  const rules = new Map<string, ProviderConfig[]>();
  for (const rc of resources) {
    for (const res of rc.resources) {
      const gr = parseGroupResource(res);
      for (const mask of [{ group: gr.group, resource: '*' }, { group: '*', resource: '*' }]) {
        if (rules.has(ruleKey(mask.group, mask.resource))) {
          throw new EncryptionConfigError(
            'masked-resource',
            `error while building transformers: resource ${goQuote(groupResourceYAML(gr))} is masked by earlier rule ${goQuote(groupResourceYAML(mask))}`,
          );
        }
      }
      const key = ruleKey(gr.group, gr.resource);
      rules.set(key, [...(rules.get(key) ?? []), ...rc.providers]);
    }
  }
  const config: EncryptionConfiguration = Object.freeze({ resources: Object.freeze(resources), warnings: Object.freeze(warnings) });
  rulesOf.set(config, rules);
  return config;
}

function toProvider(p: RawProvider, path: string, warnings: string[]): ProviderConfig {
  // Validation guarantees exactly one provider and well-formed keys here.
  if (p.identity !== undefined) return { type: 'identity' };
  for (const type of ['aescbc', 'aesgcm', 'secretbox'] as const) {
    const keyed = p[type];
    if (keyed === undefined) continue;
    const seen = new Set<string>();
    const keys = keyed.keys.map((k): KeyConfig => {
      if (seen.has(k.name)) {
        warnings.push(`${path}.${type}: key name ${goQuote(k.name)} is used more than once; only the first can be written, both are tried on read`);
      }
      seen.add(k.name);
      return { name: k.name, secret: decodeSecret(k) };
    });
    return { type, keys: Object.freeze(keys) };
  }
  throw new Error(`assertion failed: ${path} passed validation without a provider`);
}

function decodeSecret(k: RawKey): SecretKey {
  const bytes = decodeStdBase64(k.secret);
  if (bytes === undefined) throw new Error('assertion failed: a key secret passed validation but is not base64');
  return new SecretKey(bytes);
}
