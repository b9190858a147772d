// Values kube prints with Go's %#v or a Stringer rather than as JSON:
// `[]string{"a", "b"}`, `[]core.IPFamily{"IPv6"}`, a metav1.Time as
// `2025-01-02 03:04:05 +0000 UTC`. The text is pre-rendered into the detail
// and the value marked omitted, so the message matches kube's byte for byte
// (a Status cause carries only the message, never the raw value).

import { field, FieldError, type FieldRef } from '@logbook/apimachinery';

/** Go's %#v of a string slice of the named element type; a nil slice prints as `<type>(nil)`. */
export function goSlice(values: readonly string[] | undefined, elemType = 'string'): string {
  if (values === undefined) return `[]${elemType}(nil)`;
  return `[]${elemType}{${values.map((v) => JSON.stringify(v)).join(', ')}}`;
}

/** Go's time.Time String() for an RFC 3339 timestamp (UTC, as the API stores it); the input itself when unparsable. */
export function goTime(rfc3339: string): string {
  const ms = Date.parse(rfc3339);
  if (Number.isNaN(ms)) return rfc3339;
  const d = new Date(ms);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const frac = rfc3339.match(/\.(\d+)/)?.[1]?.replace(/0+$/, '') ?? '';
  return `${p(d.getUTCFullYear(), 4)}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}${frac.length > 0 ? `.${frac}` : ''} +0000 UTC`;
}

/** `<path>: Invalid value: <rendered>: <detail>` with `rendered` printed verbatim. */
export function invalidRendered(path: FieldRef, rendered: string, detail: string): FieldError {
  return new FieldError('FieldValueInvalid', path, field.OMIT_VALUE, detail.length > 0 ? `${rendered}: ${detail}` : rendered);
}

/** A Go nil pointer prints as the quoted string "null". */
export const GO_NIL = 'null';

/** Go's %#v of a map[string]string: keys sorted, `map[string]string{"a":"1", "b":"2"}`; nil prints as `map[string]string(nil)`. */
export function goStringMap(m: Readonly<Record<string, string>> | undefined): string {
  if (m === undefined) return 'map[string]string(nil)';
  return `map[string]string{${Object.keys(m).sort().map((k) => `${JSON.stringify(k)}:${JSON.stringify(m[k])}`).join(', ')}}`;
}
