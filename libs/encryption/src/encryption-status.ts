// Read-only views for operators and tests: how a group-resource is written,
// and what a stored value's prefix says about how it was written. Neither
// decrypts anything or touches key material.

import type { EncryptionConfiguration, ProviderType } from './config-types.ts';
import { providersFor } from './transformer-for.ts';

export interface ResourceEncryptionStatus {
  /** The provider new writes use: 'identity' when nothing is configured for the resource. */
  readonly writeProvider: ProviderType;
  /** The key new writes use; absent for identity. */
  readonly writeKeyName?: string;
  /** Whether any rule of the config names this resource (exactly or by wildcard). */
  readonly configured: boolean;
}

export function encryptionStatus(config: EncryptionConfiguration, group: string, resource: string): ResourceEncryptionStatus {
  const providers = providersFor(config, group, resource);
  const first = providers?.[0];
  if (first === undefined) return { writeProvider: 'identity', configured: false };
  if (first.type === 'identity') return { writeProvider: 'identity', configured: true };
  const key = first.keys[0];
  if (key === undefined) throw new Error('assertion failed: a keyed provider passed validation without keys');
  return { writeProvider: first.type, writeKeyName: key.name, configured: true };
}

export const STORED_VALUE_KINDS = ['plain', 'aescbc', 'aesgcm', 'secretbox', 'kms', 'unknown-encrypted'] as const;
export type StoredValueKind = (typeof STORED_VALUE_KINDS)[number];

export interface StoredValueDescription {
  readonly kind: StoredValueKind;
  /** The key (or KMS plugin) name, up to the next ':'; kube allows ':' in names, so this is a best guess then. */
  readonly keyName?: string;
  /** For kms: 'v1' or 'v2'. */
  readonly version?: string;
}

const decoder = new TextDecoder('utf-8', { fatal: false });
// Long enough for any prefix and a sane key name; bounds the work on huge values.
const MAX_PREFIX_SCAN_BYTES = 300;

/** What an etcd value's prefix says (`etcdctl get` shows the same text). */
export function describeStoredValue(stored: Uint8Array): StoredValueDescription {
  const head = decoder.decode(stored.subarray(0, MAX_PREFIX_SCAN_BYTES));
  if (!head.startsWith('k8s:enc:')) return { kind: 'plain' };
  const m = /^k8s:enc:(aescbc|aesgcm|secretbox|kms):(v1|v2):([^:]*):/.exec(head);
  if (m === null) return { kind: 'unknown-encrypted' };
  const [, provider, version, name] = m;
  if (provider === 'kms') return { kind: 'kms', keyName: name ?? '', version: version ?? '' };
  if (version !== 'v1') return { kind: 'unknown-encrypted' };
  return { kind: provider as 'aescbc' | 'aesgcm' | 'secretbox', keyName: name ?? '' };
}
