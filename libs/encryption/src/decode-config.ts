// Text → raw EncryptionConfiguration, decoded the way kube's strict
// UniversalDecoder does: YAML or JSON, apiVersion/kind checked, unknown or
// duplicate fields rejected, wrong JSON types rejected. Secrets stay base64
// strings here; validation decodes them. Nothing in this file puts a field's
// value into a message, so a secret can never leak through a decode error.

import { parseDocument } from 'yaml';
import { ENCRYPTION_CONFIG_API_VERSION, ENCRYPTION_CONFIG_KIND } from './config-types.ts';

export interface RawKey {
  readonly name: string;
  readonly secret: string;
}
export interface RawKeyed {
  readonly keys: readonly RawKey[];
}
export interface RawProvider {
  readonly identity?: Record<string, never>;
  readonly aescbc?: RawKeyed;
  readonly aesgcm?: RawKeyed;
  readonly secretbox?: RawKeyed;
  /** Only its presence matters: Logbook rejects KMS. */
  readonly kms?: unknown;
}
export interface RawResourceConfig {
  readonly resources: readonly string[];
  readonly providers: readonly RawProvider[];
}
export interface RawEncryptionConfiguration {
  readonly resources: readonly RawResourceConfig[];
}

/** A decode failure; the message is kube's decoder text (without the file prefix). */
export class DecodeFailure {
  readonly message: string;
  constructor(message: string) {
    this.message = message;
  }
}

type Json = null | boolean | number | string | readonly Json[] | { readonly [k: string]: Json };

const KMS_FIELDS = new Set(['apiVersion', 'name', 'cachesize', 'endpoint', 'timeout']);

/** Decode or return a DecodeFailure; never throws for bad input. */
export function decodeEncryptionConfiguration(text: string): RawEncryptionConfiguration | DecodeFailure {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  const first = doc.errors[0];
  if (first !== undefined) {
    // The yaml library's message may quote the offending line; keep only its code and position.
    const line = lineOf(text, first.pos[0]);
    return new DecodeFailure(`error converting YAML to JSON: yaml: line ${line}: ${describeYamlError(first.code)}`);
  }
  const root = doc.toJS({ maxAliasCount: 100 }) as Json | undefined;
  if (root === null || root === undefined || typeof root !== 'object' || Array.isArray(root)) {
    return new DecodeFailure("couldn't get version/kind; json parse error: the document is not a JSON object");
  }
  const obj = root as { readonly [k: string]: Json };
  const apiVersion = obj['apiVersion'];
  const kind = obj['kind'];
  if (kind === undefined || kind === '') return new DecodeFailure("Object 'Kind' is missing in the encryption provider configuration");
  if (typeof kind !== 'string' || typeof (apiVersion ?? '') !== 'string') {
    return new DecodeFailure("couldn't get version/kind; json parse error: apiVersion and kind must be strings");
  }
  if (apiVersion !== ENCRYPTION_CONFIG_API_VERSION || kind !== ENCRYPTION_CONFIG_KIND) {
    return new DecodeFailure(`no kind "${kind}" is registered for version "${typeof apiVersion === 'string' ? apiVersion : ''}" in scheme "k8s.io/apiserver/pkg/server/options/encryptionconfig"`);
  }
  const d = new Decoder();
  const resources = d.list(obj['resources'], 'resources', 'EncryptionConfiguration.resources', (v, p) => d.resourceConfig(v, p));
  d.unknownFields(obj, '', new Set(['apiVersion', 'kind', 'resources']));
  if (d.typeError !== undefined) return new DecodeFailure(d.typeError);
  if (d.unknown.length > 0) return new DecodeFailure(`strict decoding error: ${d.unknown.map((f) => `unknown field "${f}"`).join(', ')}`);
  return { resources };
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function describeYamlError(code: string): string {
  switch (code) {
    case 'DUPLICATE_KEY': return 'duplicate mapping key';
    case 'BAD_INDENT': return 'bad indentation';
    default: return `could not parse document (${code})`;
  }
}

function jsonType(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return typeof v;
}

class Decoder {
  typeError: string | undefined;
  readonly unknown: string[] = [];

  #mismatch(v: Json, goField: string, goType: string): void {
    this.typeError ??= `json: cannot unmarshal ${jsonType(v)} into Go struct field ${goField} of type ${goType}`;
  }

  unknownFields(obj: { readonly [k: string]: Json }, path: string, known: ReadonlySet<string>): void {
    for (const k of Object.keys(obj)) if (!known.has(k)) this.unknown.push(path === '' ? k : `${path}.${k}`);
  }

  list<T>(v: Json | undefined, path: string, goField: string, item: (v: Json, path: string) => T | undefined): T[] {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      this.#mismatch(v, goField, '[]');
      return [];
    }
    const out: T[] = [];
    (v as readonly Json[]).forEach((e, i) => {
      const r = item(e, `${path}[${i}]`);
      if (r !== undefined) out.push(r);
    });
    return out;
  }

  #object(v: Json, goField: string, goType: string): { readonly [k: string]: Json } | undefined {
    if (v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) {
      this.#mismatch(v, goField, goType);
      return undefined;
    }
    return v as { readonly [k: string]: Json };
  }

  #string(v: Json | undefined, goField: string): string {
    if (v === undefined || v === null) return '';
    if (typeof v !== 'string') {
      this.#mismatch(v, goField, 'string');
      return '';
    }
    return v;
  }

  resourceConfig(v: Json, path: string): RawResourceConfig | undefined {
    const o = this.#object(v, 'EncryptionConfiguration.resources', 'v1.ResourceConfiguration');
    if (o === undefined) return { resources: [], providers: [] };
    this.unknownFields(o, path, new Set(['resources', 'providers']));
    return {
      resources: this.list(o['resources'], `${path}.resources`, 'ResourceConfiguration.resources', (s) => this.#string(s, 'ResourceConfiguration.resources')),
      providers: this.list(o['providers'], `${path}.providers`, 'ResourceConfiguration.providers', (p, pp) => this.provider(p, pp)),
    };
  }

  provider(v: Json, path: string): RawProvider {
    const o = this.#object(v, 'ResourceConfiguration.providers', 'v1.ProviderConfiguration');
    if (o === undefined) return {};
    this.unknownFields(o, path, new Set(['identity', 'aescbc', 'aesgcm', 'secretbox', 'kms']));
    const out: { -readonly [K in keyof RawProvider]: RawProvider[K] } = {};
    const identity = o['identity'];
    if (identity !== undefined && identity !== null) {
      const io = this.#object(identity, 'ProviderConfiguration.identity', 'v1.IdentityConfiguration');
      if (io !== undefined) {
        this.unknownFields(io, `${path}.identity`, new Set());
        out.identity = {};
      }
    }
    for (const t of ['aescbc', 'aesgcm', 'secretbox'] as const) {
      const k = this.keyed(o[t], `${path}.${t}`, t);
      if (k !== undefined) out[t] = k;
    }
    const kms = o['kms'];
    if (kms !== undefined && kms !== null) {
      const ko = this.#object(kms, 'ProviderConfiguration.kms', 'v1.KMSConfiguration');
      if (ko !== undefined) {
        this.unknownFields(ko, `${path}.kms`, KMS_FIELDS);
        out.kms = {};
      }
    }
    return out;
  }

  keyed(v: Json | undefined, path: string, type: string): RawKeyed | undefined {
    if (v === undefined || v === null) return undefined;
    const goType = type === 'secretbox' ? 'v1.SecretboxConfiguration' : 'v1.AESConfiguration';
    const o = this.#object(v, `ProviderConfiguration.${type}`, goType);
    if (o === undefined) return undefined;
    this.unknownFields(o, path, new Set(['keys']));
    const keys = this.list(o['keys'], `${path}.keys`, `${goType.slice(3)}.keys`, (k, kp) => {
      const ko = this.#object(k, `${goType.slice(3)}.keys`, 'v1.Key');
      if (ko === undefined) return { name: '', secret: '' };
      this.unknownFields(ko, kp, new Set(['name', 'secret']));
      return { name: this.#string(ko['name'], 'Key.name'), secret: this.#string(ko['secret'], 'Key.secret') };
    });
    return { keys };
  }
}
