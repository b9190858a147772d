// A small RFC 7231 media-type reader (Go's mime.ParseMediaType, leniently):
// type/subtype lower-cased, parameters as a map. Shared by Content-Type and
// Accept handling.

export interface MediaType {
  /** `type/subtype`, lower-cased. */
  readonly type: string;
  readonly params?: ReadonlyMap<string, string>;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** undefined when the text is not a media type (kube answers 415 then). */
export function parseMediaType(text: string): MediaType | undefined {
  const parts = splitOutsideQuotes(text, ';');
  const full = (parts[0] ?? '').trim().toLowerCase();
  const slash = full.indexOf('/');
  if (slash <= 0 || slash === full.length - 1) return undefined;
  if (!TOKEN.test(full.slice(0, slash)) || !TOKEN.test(full.slice(slash + 1))) return undefined;
  const params = new Map<string, string>();
  for (const raw of parts.slice(1)) {
    const p = raw.trim();
    if (p === '') continue;
    const eq = p.indexOf('=');
    if (eq <= 0) return undefined;
    const key = p.slice(0, eq).trim().toLowerCase();
    let value = p.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1).replace(/\\(.)/g, '$1');
    if (!TOKEN.test(key)) return undefined;
    params.set(key, value);
  }
  return { type: full, params };
}

/** Splits on `sep` except inside double quotes. */
export function splitOutsideQuotes(text: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (quoted && c === '\\') {
      cur += c + (text[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === sep && !quoted) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out;
}
