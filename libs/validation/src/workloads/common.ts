// Small validators kube's pod and workload validation share, with its
// messages: non-negative fields, port numbers and names, int-or-percent
// values, DNS names.

import { field, isDNS1123Label, isDNS1123Subdomain, regexError, type FieldError, type FieldPath } from '@logbook/apimachinery';

export const IS_NEGATIVE_MSG = 'must be greater than or equal to 0';
export const IS_NOT_POSITIVE_MSG = 'must be greater than zero';
export const FIELD_IMMUTABLE_MSG = 'field is immutable';

export function inclusiveRangeError(lo: number, hi: number): string {
  return `must be between ${lo} and ${hi}, inclusive`;
}

/** ValidateNonnegativeField: an unset (undefined) value passes. */
export function nonNegative(value: number | undefined, path: FieldPath): FieldError[] {
  return value !== undefined && value < 0 ? [field.invalid(path, value, IS_NEGATIVE_MSG)] : [];
}

export function isValidPortNum(port: number): string[] {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? [] : [inclusiveRangeError(1, 65535)];
}

const PORT_NAME_MAX_LENGTH = 15;

/** IANA_SVC_NAME rules, in kube's order. */
export function isValidPortName(name: string): string[] {
  const errs: string[] = [];
  if (name.length > PORT_NAME_MAX_LENGTH) errs.push(`must be no more than ${PORT_NAME_MAX_LENGTH} characters`);
  if (!/^[-a-z0-9]+$/.test(name)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(name)) errs.push('must contain at least one letter (a-z)');
  if (name.includes('--')) errs.push('must not contain consecutive hyphens');
  if (name.length > 0 && (name.startsWith('-') || name.endsWith('-'))) errs.push('must not begin or end with a hyphen');
  return errs;
}

/** A port given as a number or an IANA service name (probes, lifecycle handlers). */
export function validatePortNumOrName(port: unknown, path: FieldPath): FieldError[] {
  if (typeof port === 'string') return isValidPortName(port).map((m) => field.invalid(path, port, m));
  const n = typeof port === 'number' ? port : 0;
  return isValidPortNum(n).map((m) => field.invalid(path, n, m));
}

export function dns1123Label(value: string, path: FieldPath): FieldError[] {
  return isDNS1123Label(value).map((m) => field.invalid(path, value, m));
}

export function dns1123Subdomain(value: string, path: FieldPath): FieldError[] {
  return isDNS1123Subdomain(value).map((m) => field.invalid(path, value, m));
}

const PERCENT_RE = /^[0-9]+%$/;
const PERCENT_MSG = regexError("a valid percent string must be a numeric string followed by an ending '%'", '[0-9]+%', '1%', '93%');

/** ValidatePositiveIntOrPercent: a non-negative integer or a `N%` string. */
export function validatePositiveIntOrPercent(v: unknown, path: FieldPath): FieldError[] {
  if (typeof v === 'string') return PERCENT_RE.test(v) ? [] : [field.invalid(path, v, PERCENT_MSG)];
  if (typeof v === 'number') return nonNegative(v, path);
  return [];
}

/** The integer or percentage an int-or-string holds; undefined when unset. */
export function intOrPercentValue(v: unknown): { value: number; percent: boolean } | undefined {
  if (typeof v === 'number') return { value: v, percent: false };
  if (typeof v === 'string' && PERCENT_RE.test(v)) return { value: Number(v.slice(0, -1)), percent: true };
  return undefined;
}

/** IsNotMoreThan100Percent. */
export function notMoreThan100Percent(v: unknown, path: FieldPath): FieldError[] {
  const p = intOrPercentValue(v);
  return p !== undefined && p.percent && p.value > 100 ? [field.invalid(path, v, 'must not be greater than 100%')] : [];
}
