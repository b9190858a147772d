// Secret: kube's defaults (type Opaque; stringData folded into data as v1→internal
// conversion does) and ValidateSecret / ValidateSecretUpdate, including the
// keys each built-in secret type requires.

import { field, FieldPath, type FieldError } from '@logbook/apimachinery';
import type { JsonObject, KindRules } from '../types.ts';
import { IMMUTABLE_WHEN_SET, MAX_CONFIG_DATA_BYTES, base64DecodedLength, validateKeys } from './config-data.ts';
import { jsonEqual, obj, s, stringMap } from './json.ts';
import { validateImmutable, validateObjectMeta, validateObjectMetaUpdate } from './object-meta.ts';

export const SECRET_TYPES = {
  opaque: 'Opaque',
  serviceAccountToken: 'kubernetes.io/service-account-token',
  dockercfg: 'kubernetes.io/dockercfg',
  dockerConfigJson: 'kubernetes.io/dockerconfigjson',
  basicAuth: 'kubernetes.io/basic-auth',
  sshAuth: 'kubernetes.io/ssh-auth',
  tls: 'kubernetes.io/tls',
} as const;

const REDACTED = '<secret contents redacted>';

export function defaultSecret(secret: JsonObject): void {
  if (secret['type'] === undefined || secret['type'] === null || secret['type'] === '') secret['type'] = SECRET_TYPES.opaque;
  // v1 stringData is write-only: kube's conversion merges it into data (winning over data) before anything else sees it.
  const stringData = stringMap(secret['stringData']);
  if (Object.keys(stringData).length > 0) {
    const data = { ...stringMap(secret['data']) };
    for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(v, 'utf8').toString('base64');
    secret['data'] = data;
  }
  delete secret['stringData'];
}

function decoded(b64: string): string {
  return Buffer.from(b64, 'base64').toString('utf8');
}

/** The message Go's encoding/json gives when unmarshalling `text` into a map fails, or undefined if it succeeds. */
function jsonObjectError(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed.length === 0) return 'unexpected end of JSON input';
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch (err: unknown) {
    void err;
    const first = trimmed[0] ?? '';
    if (!/[{["\-0-9tfn]/.test(first)) return `invalid character '${first}' looking for beginning of value`;
    return 'unexpected end of JSON input';
  }
  if (parsed === null || (typeof parsed === 'object' && !Array.isArray(parsed))) return undefined;
  const kind = Array.isArray(parsed) ? 'array' : typeof parsed === 'string' ? 'string' : typeof parsed === 'number' ? 'number' : 'bool';
  return `json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`;
}

function validateTypeKeys(type: string, data: Readonly<Record<string, string>>, annotations: Readonly<Record<string, string>>, dataPath: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const requireJson = (key: string): void => {
    const value = data[key];
    if (value === undefined) {
      errs.push(field.required(dataPath.key(key)));
      return;
    }
    const problem = jsonObjectError(decoded(value));
    if (problem !== undefined) errs.push(field.invalid(dataPath.key(key), REDACTED, problem));
  };
  switch (type) {
    case SECRET_TYPES.serviceAccountToken:
      if ((annotations['kubernetes.io/service-account.name'] ?? '').length === 0) {
        errs.push(field.required(FieldPath.root('metadata', 'annotations').key('kubernetes.io/service-account.name')));
      }
      break;
    case SECRET_TYPES.dockercfg:
      requireJson('.dockercfg');
      break;
    case SECRET_TYPES.dockerConfigJson:
      requireJson('.dockerconfigjson');
      break;
    case SECRET_TYPES.basicAuth:
      // Either key may be empty, but one of them must be present.
      if (data['username'] === undefined && data['password'] === undefined) {
        errs.push(field.required(dataPath.key('username')), field.required(dataPath.key('password')));
      }
      break;
    case SECRET_TYPES.sshAuth:
      if (base64DecodedLength(data['ssh-privatekey'] ?? '') === 0) errs.push(field.required(dataPath.key('ssh-privatekey')));
      break;
    case SECRET_TYPES.tls:
      if (data['tls.crt'] === undefined) errs.push(field.required(dataPath.key('tls.crt')));
      if (data['tls.key'] === undefined) errs.push(field.required(dataPath.key('tls.key')));
      break;
    default:
      break;
  }
  return errs;
}

export function validateSecret(secret: JsonObject): FieldError[] {
  const errs = validateObjectMeta(secret['metadata'], { namespaced: true, nameRule: 'subdomain' });
  const dataPath = FieldPath.root('data');
  const data = stringMap(secret['data']);
  errs.push(...validateKeys(Object.keys(data), dataPath));
  let total = 0;
  for (const v of Object.values(data)) total += base64DecodedLength(v);
  if (total > MAX_CONFIG_DATA_BYTES) errs.push(field.tooLong(dataPath, MAX_CONFIG_DATA_BYTES));
  const annotations = stringMap(obj(secret['metadata'])?.['annotations']);
  errs.push(...validateTypeKeys(s(secret['type']), data, annotations, dataPath));
  return errs;
}

export function validateSecretUpdate(secret: JsonObject, old: JsonObject): FieldError[] {
  const errs = validateObjectMetaUpdate(secret['metadata'], old['metadata']);
  errs.push(...validateImmutable(s(secret['type']), s(old['type']), FieldPath.root('type')));
  if (old['immutable'] === true) {
    if (secret['immutable'] !== true) errs.push(field.forbidden('immutable', IMMUTABLE_WHEN_SET));
    if (!jsonEqual(obj(secret['data']) ?? {}, obj(old['data']) ?? {})) errs.push(field.forbidden('data', IMMUTABLE_WHEN_SET));
  }
  errs.push(...validateSecret(secret));
  return errs;
}

export const SECRET_RULES: KindRules = {
  default: defaultSecret,
  validateCreate: validateSecret,
  validateUpdate: validateSecretUpdate,
};
