// The decoded apiserver.config.k8s.io/v1 EncryptionConfiguration. Secrets are
// already base64-decoded and wrapped so they never print.

import type { SecretKey } from './secret-key.ts';

export const ENCRYPTION_CONFIG_API_VERSION = 'apiserver.config.k8s.io/v1';
export const ENCRYPTION_CONFIG_KIND = 'EncryptionConfiguration';

export const PROVIDER_TYPES = ['identity', 'aescbc', 'aesgcm', 'secretbox'] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];
export type KeyedProviderType = Exclude<ProviderType, 'identity'>;

export interface KeyConfig {
  readonly name: string;
  readonly secret: SecretKey;
}

export type ProviderConfig =
  | { readonly type: 'identity' }
  | { readonly type: KeyedProviderType; readonly keys: readonly KeyConfig[] };

export interface ResourceConfig {
  /** As written: `secrets`, `deployments.apps`, `*.apps`, `*.`, `*.*`. */
  readonly resources: readonly string[];
  /** In order: the first provider (and its first key) writes; all of them read. */
  readonly providers: readonly ProviderConfig[];
}

export interface GroupResource {
  readonly group: string;
  readonly resource: string;
}

export interface EncryptionConfiguration {
  readonly resources: readonly ResourceConfig[];
  /**
   * Things kube accepts silently but that are probably mistakes (a key name
   * used twice in one provider). The lead may log them at startup.
   */
  readonly warnings: readonly string[];
}

/** kube's schema.ParseGroupResource: the text before the first dot is the resource. */
export function parseGroupResource(text: string): GroupResource {
  const dot = text.indexOf('.');
  if (dot < 0) return { group: '', resource: text };
  return { group: text.slice(dot + 1), resource: text.slice(0, dot) };
}

/** How kube prints a rule in messages: `*.` for all of core, else `resource.group`. */
export function groupResourceYAML(gr: GroupResource): string {
  if (gr.group === '' && gr.resource === '*') return '*.';
  return gr.group === '' ? gr.resource : `${gr.resource}.${gr.group}`;
}
