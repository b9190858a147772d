// Key -> NATS subject. Kubernetes lays objects out as
// /registry/<resource>/<namespace>/<name> (cluster-scoped: /registry/<resource>/<name>;
// some groups add a level: /registry/<group>/<resource>/<namespace>/<name>).
// A subject names everything but the object: one subject per resource and
// namespace, so a watch cache subscribes to `<prefix>.<resource>.>` or to one
// namespace, and NATS does the fan-out.
//
// Tokens are escaped so that a key can never produce a wildcard, an extra
// token or a control subject: every byte outside printable ASCII, and `.`,
// `*`, `>`, `%`, becomes `%XX` (uppercase hex); a token's leading `_` is
// escaped too, so data subjects never collide with `_cursor`, `_reset` or
// `_other`. An empty token (from `//` in a key) is a lone `%`, which escaping
// never produces otherwise. The mapping is reversible: see keyPrefixForSubject.

const REGISTRY = '/registry/';
const SLASH = 0x2f;
const PERCENT = 0x25;
const UNDERSCORE = 0x5f;
const HEX = '0123456789ABCDEF';

/** Subjects under the prefix that carry control messages, not changes. */
export const CONTROL_TOKENS = {
  /** Body: decimal revision. Every revision <= it has been published (or covered by a reset). */
  cursor: '_cursor',
  /** Body: decimal revision. History up to it was compacted before it was published: relist. */
  reset: '_reset',
  /** Data subject for keys outside /registry/. */
  other: '_other',
} as const;

const encoder = new TextEncoder();

function mustEscape(b: number, first: boolean): boolean {
  if (b <= 0x20 || b >= 0x7f) return true; // whitespace, control, non-ASCII
  if (b === 0x2e || b === 0x2a || b === 0x3e || b === PERCENT) return true; // . * > %
  return first && b === UNDERSCORE;
}

/** Escapes one key segment into a subject token. */
export function escapeToken(segment: Uint8Array): string {
  if (segment.length === 0) return '%';
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const b = segment[i] ?? 0;
    out += mustEscape(b, i === 0) ? `%${HEX[b >> 4]}${HEX[b & 15]}` : String.fromCharCode(b);
  }
  return out;
}

function splitSegments(key: Uint8Array, from: number): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let start = from;
  for (let i = from; i <= key.length; i++) {
    if (i === key.length || key[i] === SLASH) {
      parts.push(key.subarray(start, i));
      start = i + 1;
    }
  }
  return parts;
}

function hasRegistryPrefix(key: Uint8Array): boolean {
  if (key.length < REGISTRY.length) return false;
  for (let i = 0; i < REGISTRY.length; i++) if (key[i] !== REGISTRY.charCodeAt(i)) return false;
  return true;
}

/**
 * The subject a key's changes are published on. `/registry/<a>/<b>/<name>`
 * -> `<prefix>.<a>.<b>`; `/registry/<a>/<name>` -> `<prefix>.<a>`; deeper keys
 * drop only the last segment; anything else -> `<prefix>._other`.
 */
export function subjectForKey(prefix: string, key: Uint8Array | string): string {
  const bytes = typeof key === 'string' ? encoder.encode(key) : key;
  if (!hasRegistryPrefix(bytes)) return `${prefix}.${CONTROL_TOKENS.other}`;
  const segments = splitSegments(bytes, REGISTRY.length);
  // A trailing slash names a directory-like key: its last segment is empty.
  if (segments.length > 1 && segments[segments.length - 1]?.length === 0) segments.pop();
  if (segments.length < 2) return `${prefix}.${CONTROL_TOKENS.other}`;
  return `${prefix}.${segments.slice(0, -1).map(escapeToken).join('.')}`;
}

function unescapeToken(token: string): Uint8Array | undefined {
  if (token === '%') return new Uint8Array(0);
  const out: number[] = [];
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c !== PERCENT) {
      if (c > 0x7e) return undefined;
      out.push(c);
      continue;
    }
    const hex = token.slice(i + 1, i + 3);
    if (!/^[0-9A-F]{2}$/.test(hex)) return undefined;
    out.push(Number.parseInt(hex, 16));
    i += 2;
  }
  return new Uint8Array(out);
}

/**
 * The inverse for subscribers: the key prefix (`/registry/<a>/<b>/`) whose
 * keys map to a data subject, e.g. to read a reference message's changes
 * from the store. Undefined for `_other`, control subjects, or a subject not
 * under the prefix. (Deeper keys share the prefix, so a range read under it
 * must filter by subjectForKey.)
 */
export function keyPrefixForSubject(prefix: string, subject: string): Uint8Array | undefined {
  if (!subject.startsWith(`${prefix}.`)) return undefined;
  const tokens = subject.slice(prefix.length + 1).split('.');
  if (tokens.some((t) => t.startsWith('_') || t === '')) return undefined;
  const parts: Uint8Array[] = [encoder.encode(REGISTRY)];
  for (const t of tokens) {
    const seg = unescapeToken(t);
    if (seg === undefined) return undefined;
    parts.push(seg, Uint8Array.of(SLASH));
  }
  const len = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(len);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** Validates a subject prefix: dot-separated tokens, no wildcards or whitespace. */
export function isValidPrefix(prefix: string): boolean {
  return /^[^\s.*>]+(\.[^\s.*>]+)*$/.test(prefix);
}
