// kube's ValidateNameFunc family: each kind names its objects under one rule.
// `prefix` is true for generateName, where a trailing '-' is allowed because
// a random suffix follows it.

import { field, isDNS1123Label, isDNS1123Subdomain, regexError, type FieldError, type FieldPath } from '@logbook/apimachinery';

export const NAME_RULES = ['subdomain', 'label', 'dns1035-label', 'path-segment', 'any'] as const;
export type NameRule = (typeof NAME_RULES)[number];

const DNS1035_LABEL_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const DNS1035_LABEL_ERR = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
const DNS1035_LABEL_RE = new RegExp(`^${DNS1035_LABEL_FMT}$`);
const DNS1035_LABEL_MAX_LENGTH = 63;

export function isDNS1035Label(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS1035_LABEL_MAX_LENGTH) errs.push(`must be no more than ${DNS1035_LABEL_MAX_LENGTH} characters`);
  if (!DNS1035_LABEL_RE.test(value)) errs.push(regexError(DNS1035_LABEL_ERR, DNS1035_LABEL_FMT, 'my-name', 'abc-123'));
  return errs;
}

/** kube's IsValidPathSegmentName / Prefix: names that end up as one URL path segment (RBAC, PVs). */
export function isValidPathSegmentName(name: string, prefix: boolean): string[] {
  if (!prefix && (name === '.' || name === '..')) return [`may not be '${name}'`];
  const errs: string[] = [];
  for (const bad of ['/', '%']) if (name.includes(bad)) errs.push(`may not contain '${bad}'`);
  return errs;
}

// kube replaces the last TWO characters with "a" (not just the dash); the
// quirk is reproduced because it decides which prefixes pass.
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? name.slice(0, -2) + 'a' : name;
}

/** The problems with `name` under `rule`; empty when valid. */
export function checkName(rule: NameRule, name: string, prefix: boolean): string[] {
  switch (rule) {
    case 'subdomain': return isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);
    case 'label': return isDNS1123Label(prefix ? maskTrailingDash(name) : name);
    case 'dns1035-label': return isDNS1035Label(prefix ? maskTrailingDash(name) : name);
    case 'path-segment': return isValidPathSegmentName(name, prefix);
    case 'any': return [];
  }
}

/** Name problems as FieldErrors at `path` (each `Invalid value: "<name>": <msg>`). */
export function validateName(rule: NameRule, name: string, path: FieldPath): FieldError[] {
  return checkName(rule, name, false).map((m) => field.invalid(path, name, m));
}
