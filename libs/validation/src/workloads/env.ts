// Environment variables and envFrom sources of a container.

import { field, isDNS1123Subdomain, regexError, type FieldError, type FieldPath } from '@logbook/apimachinery';
import { isObject, objAt, objectsAt, strAt } from './json.ts';

/** kube 1.33 relaxes env names (RelaxedEnvironmentVariableValidation, on by default). */
export const RELAXED_ENV_NAME_MSG = "a valid environment variable name must consist only of printable ASCII characters other than '='";
const CONFIG_KEY_RE = /^[-._a-zA-Z0-9]+$/;
const CONFIG_KEY_MAX_LENGTH = 253;
const ENV_FIELD_PATHS: readonly string[] = [
  'metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName',
  'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs',
];
const SUBSCRIPTED_FIELD_RE = /^metadata\.(labels|annotations)\['(.*)'\]$/;

export function isRelaxedEnvVarName(name: string): string[] {
  for (const ch of name) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x20 || c > 0x7e || ch === '=') return [RELAXED_ENV_NAME_MSG];
  }
  return [];
}

/** IsConfigMapKey: the keys of configMaps and secrets. */
export function isConfigMapKey(key: string): string[] {
  const errs: string[] = [];
  if (key.length > CONFIG_KEY_MAX_LENGTH) errs.push(`must be no more than ${CONFIG_KEY_MAX_LENGTH} characters`);
  if (!CONFIG_KEY_RE.test(key)) {
    errs.push(regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", '[-._a-zA-Z0-9]+', 'key.name', 'KEY_NAME', 'key-name'));
  }
  if (key === '.') errs.push("must not be '.'");
  else if (key === '..') errs.push("must not be '..'");
  else if (key.startsWith('..')) errs.push("must not start with '..'");
  return errs;
}

function validateObjectNameRef(ref: Record<string, unknown>, path: FieldPath): FieldError[] {
  const name = strAt(ref, 'name');
  // An empty name is tolerated, as kube does for LocalObjectReference.
  return name === '' ? [] : isDNS1123Subdomain(name).map((m) => field.invalid(path.child('name'), name, m));
}

function validateKeySelector(ref: Record<string, unknown>, path: FieldPath): FieldError[] {
  const errs = validateObjectNameRef(ref, path);
  const key = strAt(ref, 'key');
  if (key === '') errs.push(field.required(path.child('key'), ''));
  else errs.push(...isConfigMapKey(key).map((m) => field.invalid(path.child('key'), key, m)));
  return errs;
}

function validateFieldRef(ref: Record<string, unknown>, path: FieldPath): FieldError[] {
  const apiVersion = strAt(ref, 'apiVersion');
  const fieldPath = strAt(ref, 'fieldPath');
  if (apiVersion === '') return [field.required(path.child('apiVersion'), '')];
  if (fieldPath === '') return [field.required(path.child('fieldPath'), '')];
  if (apiVersion !== 'v1') return [field.invalid(path.child('apiVersion'), apiVersion, 'unsupported version')];
  const sub = SUBSCRIPTED_FIELD_RE.exec(fieldPath);
  if (sub !== null) return [];
  if (!ENV_FIELD_PATHS.includes(fieldPath)) return [field.notSupported(path.child('fieldPath'), fieldPath, ENV_FIELD_PATHS)];
  return [];
}

const RESOURCE_FIELD_REFS: readonly string[] = [
  'limits.cpu', 'limits.ephemeral-storage', 'limits.memory', 'requests.cpu', 'requests.ephemeral-storage', 'requests.memory',
];

function validateResourceFieldRef(ref: Record<string, unknown>, path: FieldPath): FieldError[] {
  const resource = strAt(ref, 'resource');
  if (resource === '') return [field.required(path.child('resource'), '')];
  if (RESOURCE_FIELD_REFS.includes(resource) || /^(limits|requests)\.hugepages-/.test(resource)) return [];
  return [field.notSupported(path.child('resource'), resource, RESOURCE_FIELD_REFS)];
}

function validateValueFrom(env: Record<string, unknown>, path: FieldPath): FieldError[] {
  const from = objAt(env, 'valueFrom');
  if (from === undefined) return [];
  const errs: FieldError[] = [];
  let sources = 0;
  const fieldRef = objAt(from, 'fieldRef');
  if (fieldRef !== undefined) {
    sources++;
    errs.push(...validateFieldRef(fieldRef, path.child('fieldRef')));
  }
  const resourceFieldRef = objAt(from, 'resourceFieldRef');
  if (resourceFieldRef !== undefined) {
    sources++;
    errs.push(...validateResourceFieldRef(resourceFieldRef, path.child('resourceFieldRef')));
  }
  for (const k of ['configMapKeyRef', 'secretKeyRef'] as const) {
    const ref = objAt(from, k);
    if (ref === undefined) continue;
    sources++;
    errs.push(...validateKeySelector(ref, path.child(k)));
  }
  if (sources === 0) {
    errs.push(field.invalid(path, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
  } else if (strAt(env, 'value') !== '') {
    errs.push(field.invalid(path, '', 'may not be specified when `value` is not empty'));
  } else if (sources > 1) {
    errs.push(field.invalid(path, '', 'may not have more than one field specified at a time'));
  }
  return errs;
}

/** ValidateEnv. */
export function validateEnv(ctr: Record<string, unknown>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [i, env] of objectsAt(ctr, 'env')) {
    const p = path.index(i);
    const name = strAt(env, 'name');
    if (name === '') errs.push(field.required(p.child('name'), ''));
    errs.push(...isRelaxedEnvVarName(name).map((m) => field.invalid(p.child('name'), name, m)));
    errs.push(...validateValueFrom(env, p.child('valueFrom')));
  }
  return errs;
}

/** ValidateEnvFrom. */
export function validateEnvFrom(ctr: Record<string, unknown>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [i, ef] of objectsAt(ctr, 'envFrom')) {
    const p = path.index(i);
    const prefix = strAt(ef, 'prefix');
    if (prefix !== '') errs.push(...isRelaxedEnvVarName(prefix).map((m) => field.invalid(p.child('prefix'), prefix, m)));
    let sources = 0;
    for (const k of ['configMapRef', 'secretRef'] as const) {
      const ref = ef[k];
      if (!isObject(ref)) continue;
      sources++;
      errs.push(...validateObjectNameRef(ref, p.child(k)));
    }
    if (sources === 0) errs.push(field.invalid(p, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (sources > 1) errs.push(field.invalid(p, '', 'may not have more than one field specified at a time'));
  }
  return errs;
}
