// The key and size rules that ConfigMap and Secret share.

import { field, regexError, type FieldError, type FieldPath } from '@logbook/apimachinery';

/** ConfigMaps and Secrets together are capped at 1 MiB of values (kube's MaxSecretSize). */
export const MAX_CONFIG_DATA_BYTES = 1024 * 1024;
const KEY_FMT = '[-._a-zA-Z0-9]+';
const KEY_RE = new RegExp(`^${KEY_FMT}$`);
const KEY_MAX_LENGTH = 253;
const KEY_ERR = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'";
export const IMMUTABLE_WHEN_SET = 'field is immutable when `immutable` is set';

/** kube's IsConfigMapKey: also rejects '.', '..' and a leading '..' (they would escape a volume's directory). */
export function isConfigMapKey(key: string): string[] {
  const errs: string[] = [];
  if (key.length > KEY_MAX_LENGTH) errs.push(`must be no more than ${KEY_MAX_LENGTH} characters`);
  if (!KEY_RE.test(key)) errs.push(regexError(KEY_ERR, KEY_FMT, 'key.name', 'KEY_NAME', 'key-name'));
  if (key === '.') errs.push("must not be '.'");
  else if (key === '..') errs.push("must not be '..'");
  else if (key.startsWith('..')) errs.push("must not start with '..'");
  return errs;
}

export function validateKeys(keys: readonly string[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of [...keys].sort()) for (const m of isConfigMapKey(k)) errs.push(field.invalid(path.key(k), k, m));
  return errs;
}

/** Decoded length of a base64 value (data of a Secret, binaryData of a ConfigMap). */
export function base64DecodedLength(b64: string): number {
  const clean = b64.replace(/\s/g, '');
  const pad = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((clean.length * 3) / 4) - pad);
}
