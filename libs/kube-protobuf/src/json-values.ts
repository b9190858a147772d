// The JSON forms of the types Go marshals by hand (metav1.Time, Quantity,
// IntOrString, RawExtension), and the zero test behind the "empty means
// unset" rule for non-pointer fields.

import { malformed } from './errors.ts';

// Go refuses to marshal years outside 0..9999 as RFC 3339; so do we.
const MIN_SECONDS = -62167219200; // 0000-01-01T00:00:00Z
const MAX_SECONDS = 253402300799; // 9999-12-31T23:59:59Z

/** metav1.Time (second precision) or MicroTime (six fractional digits); undefined for the zero time, which JSON writes as null. */
export function timeJson(seconds: number, nanos: number, micro: boolean): string | undefined {
  if (seconds === 0 && nanos === 0) return undefined;
  if (!Number.isSafeInteger(seconds) || seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
    throw malformed(`Time.MarshalJSON: year outside of range [0,9999] (seconds ${seconds})`);
  }
  if (!Number.isInteger(nanos) || nanos < 0 || nanos > 999_999_999) throw malformed(`Time: nanos ${nanos} out of range`);
  const iso = new Date(seconds * 1000).toISOString(); // always yyyy-mm-ddThh:mm:ss.sssZ in range
  const base = iso.slice(0, 19);
  return micro ? `${base}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z` : `${base}Z`;
}

/** RFC 3339 text back to seconds/nanos, for the encoder. */
export function parseTime(text: string): { seconds: number; nanos: number } {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (m === null) throw new TypeError(`not an RFC 3339 time: ${text}`);
  const ms = Date.parse(`${m[1] ?? ''}${m[3] ?? ''}`);
  if (Number.isNaN(ms)) throw new TypeError(`not an RFC 3339 time: ${text}`);
  return { seconds: Math.floor(ms / 1000), nanos: Number((m[2] ?? '').padEnd(9, '0')) };
}

/** JSON bytes of a RawExtension/FieldsV1; undefined when empty. */
export function rawJson(bytes: Uint8Array): unknown {
  if (bytes.length === 0) return undefined;
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  try {
    return JSON.parse(text) as unknown;
  } catch (err: unknown) {
    throw malformed(`invalid JSON in embedded raw object: ${err instanceof Error ? err.message : String(err)}`, err);
  }
}

/** Go's zero value as its JSON would look after omitempty: "", 0, false, [], {}. */
export function isZeroJson(v: unknown): boolean {
  if (v === undefined || v === '' || v === 0 || v === false || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v).length === 0;
  return false;
}

/** Sets a key as an own data property even when it is `__proto__` (map keys come from the client). */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}
