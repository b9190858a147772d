// ConfigMap: kube's ValidateConfigMap / ValidateConfigMapUpdate. No defaults.

import { field, FieldPath, type FieldError } from '@logbook/apimachinery';
import type { JsonObject, KindRules } from '../types.ts';
import { byteLength } from './text.ts';
import { IMMUTABLE_WHEN_SET, MAX_CONFIG_DATA_BYTES, base64DecodedLength, validateKeys } from './config-data.ts';
import { jsonEqual, obj, stringMap } from './json.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.ts';

export function validateConfigMap(cm: JsonObject): FieldError[] {
  const errs = validateObjectMeta(cm['metadata'], { namespaced: true, nameRule: 'subdomain' });
  const data = stringMap(cm['data']);
  const binary = stringMap(cm['binaryData']);
  const dataPath = FieldPath.root('data');
  let total = 0;
  for (const key of Object.keys(data).sort()) {
    errs.push(...validateKeys([key], dataPath));
    if (key in binary) errs.push(field.invalid(dataPath.key(key), key, 'duplicate of key present in binaryData'));
    total += byteLength(data[key] ?? '');
  }
  errs.push(...validateKeys(Object.keys(binary), FieldPath.root('binaryData')));
  for (const v of Object.values(binary)) total += base64DecodedLength(v);
  // kube reports the size at an empty path: the whole object is too large.
  if (total > MAX_CONFIG_DATA_BYTES) errs.push(field.tooLong('', MAX_CONFIG_DATA_BYTES));
  return errs;
}

export function validateConfigMapUpdate(cm: JsonObject, old: JsonObject): FieldError[] {
  const errs = validateObjectMetaUpdate(cm['metadata'], old['metadata']);
  if (old['immutable'] === true) {
    if (cm['immutable'] !== true) errs.push(field.forbidden('immutable', IMMUTABLE_WHEN_SET));
    if (!jsonEqual(obj(cm['data']) ?? {}, obj(old['data']) ?? {})) errs.push(field.forbidden('data', IMMUTABLE_WHEN_SET));
    if (!jsonEqual(obj(cm['binaryData']) ?? {}, obj(old['binaryData']) ?? {})) errs.push(field.forbidden('binaryData', IMMUTABLE_WHEN_SET));
  }
  errs.push(...validateConfigMap(cm));
  return errs;
}

export const CONFIG_MAP_RULES: KindRules = {
  validateCreate: validateConfigMap,
  validateUpdate: validateConfigMapUpdate,
};
