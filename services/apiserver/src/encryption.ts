// --encryption-provider-config for one replica: one @logbook/encryption
// transformer per resource, chosen by the etcd key's collection root (one
// Etcd3Storage serves every resource). Keys outside any resource's root (the
// service IP and port allocations) are stored as they are, as kube does.

import { readFileSync } from 'node:fs';
import type { ValueTransformer } from '@logbook/apistorage';
import { parseEncryptionConfiguration, transformerFor, type EncryptionConfiguration } from '@logbook/encryption';
import type { Logger } from '@logbook/raft';

const PLAIN: ValueTransformer = { toStorage: (plain) => plain, fromStorage: (stored) => ({ data: stored, stale: false }) };

export class EncryptionAtRest {
  readonly #config: EncryptionConfiguration;
  /** key root ("/registry/secrets") -> its resource's transformer. */
  readonly #roots = new Map<string, ValueTransformer>();
  /** How many '/'-separated parts the roots have (two depths: /registry/pods, /registry/services/specs). */
  readonly #depths = new Set<number>();
  readonly transformer: ValueTransformer;

  static fromFile(path: string, logger: Logger): EncryptionAtRest {
    const config = parseEncryptionConfiguration(readFileSync(path, 'utf8'), path);
    for (const w of config.warnings) logger.warn('encryption configuration', { file: path, warning: w });
    return new EncryptionAtRest(config);
  }

  constructor(config: EncryptionConfiguration) {
    this.#config = config;
    this.transformer = {
      toStorage: (plain, key) => this.#for(key).toStorage(plain, key),
      fromStorage: (stored, key) => this.#for(key).fromStorage(stored, key),
    };
  }

  /** Called for every collection the registry creates, before any read or write. */
  register(keyRoot: string, group: string, resource: string): void {
    const root = keyRoot.replace(/\/+$/, '');
    this.#roots.set(root, transformerFor(this.#config, group, resource));
    this.#depths.add(root.split('/').length);
  }

  /** The deepest registered root the key is under; no collection holds another's root, so depth order settles it. */
  #for(key: string): ValueTransformer {
    const parts = key.split('/');
    let found: ValueTransformer | undefined;
    let foundDepth = 0;
    for (const d of this.#depths) {
      if (d > foundDepth && parts.length > d) {
        const t = this.#roots.get(parts.slice(0, d).join('/'));
        if (t !== undefined) {
          found = t;
          foundDepth = d;
        }
      }
    }
    return found ?? PLAIN;
  }
}
