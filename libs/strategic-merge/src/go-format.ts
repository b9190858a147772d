// Go's fmt rendering of decoded JSON values, because kube's strategic merge
// errors embed `%v` of maps and lists (`map: map[image:nginx] does not contain
// declared merge key: name`) and clients see that text verbatim.

import { type JsonValue, isObject } from './json.ts';

/** Go's `%v` for float64 ('g' with the shortest representation, exponent below 1e-4 or from 1e21). */
function goFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const exp = Math.floor(Math.log10(Math.abs(n)));
  if (exp < -4 || exp >= 21) {
    const [mant = '', e = '0'] = n.toExponential().split('e');
    const sign = e.startsWith('-') ? '-' : '+';
    const digits = e.replace(/^[+-]/, '').padStart(2, '0');
    return `${mant}e${sign}${digits}`;
  }
  return String(n);
}

/** `fmt.Sprintf("%v", v)`: maps print `map[k:v ...]` with sorted keys, lists `[a b]`, null `<nil>`. */
export function goV(v: JsonValue | undefined): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goV).join(' ')}]`;
  if (isObject(v)) {
    const keys = Object.keys(v).sort(goStringCompare);
    return `map[${keys.map((k) => `${k}:${goV(v[k])}`).join(' ')}]`;
  }
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 1e21 ? v.toFixed(0) : goFloat(v);
  return String(v);
}

/** `fmt.Sprintf("%s", v)`: strings as they are, anything else as Go's bad-verb form `%!s(int64=5)`. */
export function goS(v: JsonValue | undefined): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '%!s(<nil>)';
  if (typeof v === 'object') return goV(v);
  const t = typeof v === 'boolean' ? 'bool' : Number.isInteger(v) ? 'int64' : 'float64';
  return `%!s(${t}=${goV(v)})`;
}

/** Go compares strings bytewise (UTF-8); comparing code points gives the same order. */
export function goStringCompare(a: string, b: string): number {
  if (a === b) return 0;
  const ca = [...a];
  const cb = [...b];
  const n = Math.min(ca.length, cb.length);
  for (let i = 0; i < n; i++) {
    const x = (ca[i] as string).codePointAt(0) ?? 0;
    const y = (cb[i] as string).codePointAt(0) ?? 0;
    if (x !== y) return x - y;
  }
  return ca.length - cb.length;
}

/** Go's `%q`. */
export function goQuote(s: string): string {
  return JSON.stringify(s).replace(/\\u007f/g, '\\x7f');
}
