// IANA time zone names for CronJob's `spec.timeZone`, with kube's checks:
// the name syntax IANA allows, no `Local`, and a zone the tz database has
// (Go's time.LoadLocation; here the runtime's ICU database, which is close).

import { field, type FieldError, type FieldPath } from '@logbook/apimachinery';

// One path component: letters, '.', '-', '_' (digits and '+' tolerated for legacy names), at most 14 characters.
const COMPONENT_RE = /^[A-Za-z.\-_0-9+]{1,14}$/;

/** Whether the tz database knows the zone. Case-sensitive, as Go's loader on Linux is. */
export function isKnownTimeZone(tz: string): boolean {
  if (tz === '' || tz === 'UTC') return true;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
  } catch (err: unknown) {
    if (err instanceof RangeError) return false;
    throw err;
  }
  // ICU matches names case-insensitively; a name that differs from the canonical one only by case is not a file Go would find.
  return resolved === tz || resolved.toLowerCase() !== tz.toLowerCase();
}

/** kube's validateTimeZone for a set `spec.timeZone`. */
export function validateTimeZone(tz: string, path: FieldPath): FieldError[] {
  if (tz === '') return [field.invalid(path, tz, 'timeZone must be nil or non-empty string')];
  for (const part of tz.split('/')) {
    if (part === '.' || part === '..' || part.startsWith('-') || !COMPONENT_RE.test(part)) {
      return [field.invalid(path, tz, `unknown time zone ${tz}`)];
    }
  }
  const errs: FieldError[] = [];
  if (tz.toLowerCase() === 'local') {
    errs.push(field.invalid(path, tz, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'));
  }
  if (tz !== 'Local' && !isKnownTimeZone(tz)) errs.push(field.invalid(path, tz, `unknown time zone ${tz}`));
  return errs;
}
