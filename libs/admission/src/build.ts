// Turns the resolved plugin names into plugin objects, in order. Logbook
// implements a subset of kube's catalogue; an enabled plugin it lacks is a
// start-up error rather than a silent gap in the security chain.

import type { AdmissionPlugin } from '@logbook/registry';
import { AdmissionConfigError } from './errors.ts';

/** Builds one plugin from its configuration (undefined when the configuration file names none). */
export type AdmissionPluginFactory = (config: unknown) => AdmissionPlugin;

/**
 * Instantiates `names` in the order given (pass `resolveAdmissionPlugins`'s
 * result). `configs` is `readAdmissionConfigFile`'s result, if any. Every
 * missing factory is named in one error.
 */
export function buildAdmissionPlugins(
  names: readonly string[],
  factories: Readonly<Record<string, AdmissionPluginFactory>>,
  configs: ReadonlyMap<string, unknown> = new Map(),
): AdmissionPlugin[] {
  const missing = names.filter((n) => !Object.hasOwn(factories, n));
  if (missing.length === 1) {
    throw new AdmissionConfigError('NotImplemented', `admission plugin ${missing[0] ?? ''} is not implemented by Logbook; disable it with --disable-admission-plugins=${missing[0] ?? ''}`);
  }
  if (missing.length > 1) {
    throw new AdmissionConfigError('NotImplemented', `admission plugins ${missing.join(', ')} are not implemented by Logbook; disable them with --disable-admission-plugins=${missing.join(',')}`);
  }
  return names.map((name) => {
    const factory = factories[name];
    if (factory === undefined) throw new Error(`assertion failed: factory for ${name} vanished`);
    let plugin: AdmissionPlugin;
    try {
      plugin = factory(configs.get(name));
    } catch (err) {
      if (err instanceof AdmissionConfigError) throw err;
      throw new AdmissionConfigError('PluginConfigInvalid', `admission plugin ${name}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    if (plugin.name !== name) throw new Error(`assertion failed: factory for ${name} built plugin ${plugin.name}`);
    return plugin;
  });
}
