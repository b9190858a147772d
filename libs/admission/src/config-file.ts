// --admission-control-config-file: an AdmissionConfiguration (YAML or JSON)
// that hands each plugin its configuration, inline or from a file beside it.
// Read once at start-up; every error names the file and the field.

import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { parseDocument } from 'yaml';
import { goQuote } from '@logbook/apimachinery';
import { AdmissionConfigError } from './errors.ts';

/** The apiVersions kube-apiserver 1.33 decodes AdmissionConfiguration from. */
export const ADMISSION_CONFIG_API_VERSIONS = ['apiserver.config.k8s.io/v1', 'apiserver.config.k8s.io/v1alpha1', 'apiserver.k8s.io/v1alpha1'] as const;

// Before AdmissionConfiguration existed these two plugins read the whole file
// as their own configuration; kube still accepts such a file for them.
const LEGACY_KEYS: ReadonlyMap<string, string> = new Map([['imagePolicy', 'ImagePolicyWebhook'], ['podNodeSelectorPluginConfig', 'PodNodeSelector']]);

/** A plugin configuration file (or the main file) holds one YAML or JSON document. */
function parseConfigText(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  const first = doc.errors[0];
  if (first !== undefined) return { ok: false, error: first.message };
  return { ok: true, value: doc.toJS({ maxAliasCount: 100 }) as unknown };
}

async function readText(path: string): Promise<{ ok: true; text: string } | { ok: false; err: unknown }> {
  try {
    return { ok: true, text: await readFile(path, 'utf8') };
  } catch (err) {
    return { ok: false, err };
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Reads an admission configuration file: plugin name → that plugin's
 * configuration (the decoded inline `configuration`, or the decoded file at
 * `path`, relative paths taken from the configuration file's directory).
 * A plugin named twice keeps its first entry, as kube's lookup does.
 */
export async function readAdmissionConfigFile(path: string): Promise<Map<string, unknown>> {
  const read = await readText(path);
  if (!read.ok) {
    throw new AdmissionConfigError('ConfigFileUnreadable', `unable to read admission control configuration from ${goQuote(path)} [${errText(read.err)}]`, { cause: read.err });
  }
  const invalid = (detail: string): AdmissionConfigError => new AdmissionConfigError('ConfigFileInvalid', `admission control configuration ${goQuote(path)}: ${detail}`);
  const parsed = parseConfigText(read.text);
  if (!parsed.ok) throw invalid(`not valid YAML or JSON: ${parsed.error}`);
  const doc = parsed.value;
  if (!isRecord(doc)) throw invalid('must be an AdmissionConfiguration object');

  if (doc.apiVersion === undefined && doc.kind === undefined) {
    const legacy = [...LEGACY_KEYS].filter(([key]) => Object.hasOwn(doc, key)).map(([, plugin]) => plugin);
    if (legacy.length > 0) return new Map(legacy.map((plugin) => [plugin, doc]));
  }
  if (typeof doc.apiVersion !== 'string' || doc.apiVersion === '') throw invalid("apiVersion: Required value: must be 'apiserver.config.k8s.io/v1'");
  if (!(ADMISSION_CONFIG_API_VERSIONS as readonly string[]).includes(doc.apiVersion)) {
    throw invalid(`apiVersion: Unsupported value: ${goQuote(doc.apiVersion)}: supported values: ${ADMISSION_CONFIG_API_VERSIONS.map((v) => JSON.stringify(v)).join(', ')}`);
  }
  if (doc.kind !== 'AdmissionConfiguration') throw invalid(`kind: Unsupported value: ${JSON.stringify(doc.kind ?? '')}: supported values: "AdmissionConfiguration"`);

  const plugins = doc.plugins ?? [];
  if (!Array.isArray(plugins)) throw invalid('plugins: must be a list');
  const out = new Map<string, unknown>();
  const baseDir = dirname(path);
  for (const [i, entry] of (plugins as unknown[]).entries()) {
    const at = `plugins[${i}]`;
    if (!isRecord(entry)) throw invalid(`${at}: must be an object with name and configuration or path`);
    if (typeof entry.name !== 'string' || entry.name === '') throw invalid(`${at}.name: Required value`);
    if (entry.path !== undefined && typeof entry.path !== 'string') throw invalid(`${at}.path: must be a string`);
    if (out.has(entry.name)) continue;
    // kube prefers the inline configuration when both are given.
    if (entry.configuration !== undefined && entry.configuration !== null) {
      out.set(entry.name, entry.configuration);
      continue;
    }
    if (typeof entry.path === 'string' && entry.path !== '') {
      const pluginPath = isAbsolute(entry.path) ? entry.path : join(baseDir, entry.path);
      const pluginRead = await readText(pluginPath);
      if (!pluginRead.ok) {
        throw new AdmissionConfigError('PluginConfigUnreadable', `admission control configuration ${goQuote(path)}: ${at}.path: couldn't open admission plugin ${entry.name} configuration ${goQuote(pluginPath)}: ${errText(pluginRead.err)}`, { cause: pluginRead.err });
      }
      const pluginParsed = parseConfigText(pluginRead.text);
      if (!pluginParsed.ok) {
        throw new AdmissionConfigError('PluginConfigInvalid', `admission control configuration ${goQuote(path)}: ${at}.path: admission plugin ${entry.name} configuration ${goQuote(pluginPath)} is not valid YAML or JSON: ${pluginParsed.error}`);
      }
      out.set(entry.name, pluginParsed.value);
    }
  }
  return out;
}
