// JSON text as Go's encoding/json writes it: map keys sorted, and `<`, `>`,
// `&`, U+2028, U+2029 escaped. kube writes fieldsV1 keys and the
// last-applied-configuration annotation this way; byte-identical output lets
// clients that compare strings (kubectl does for last-applied) agree with us.

const ESCAPES: Readonly<Record<string, string>> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

const escapeGo = (s: string): string => s.replace(/[<>&\u2028\u2029]/g, (c) => ESCAPES[c] ?? c);

export function goJson(v: unknown): string {
  if (v === null || typeof v !== 'object') {
    const text = JSON.stringify(v) as string | undefined;
    return text === undefined ? 'null' : escapeGo(text);
  }
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  const entries = Object.entries(v as Record<string, unknown>)
    .filter(([, x]) => x !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, x]) => `${escapeGo(JSON.stringify(k))}:${goJson(x)}`).join(',')}}`;
}
