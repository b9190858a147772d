// Timestamps as kube's audit events carry them. metav1.MicroTime always
// prints six fractional digits; Go's RFC3339Nano (the legacy log line) trims
// trailing zeros and drops an all-zero fraction.

/** `2006-01-02T15:04:05.000000Z`, in UTC, truncated (not rounded) to the microsecond. */
export function formatMicroTime(ms: number): string {
  const totalMicros = Math.floor(ms * 1000);
  const micros = totalMicros % 1_000_000;
  const base = new Date((totalMicros - micros) / 1000).toISOString().slice(0, 19);
  return `${base}.${String(micros).padStart(6, '0')}Z`;
}

/** Go's time.RFC3339Nano rendering of a MicroTime string. */
export function microTimeToRfc3339Nano(micro: string): string {
  const m = /^(.*T\d\d:\d\d:\d\d)\.(\d+)Z$/.exec(micro);
  if (m === null) return micro;
  const frac = (m[2] ?? '').replace(/0+$/, '');
  return frac === '' ? `${m[1] ?? ''}Z` : `${m[1] ?? ''}.${frac}Z`;
}
