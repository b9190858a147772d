// Helpers that reproduce how Go's fmt and strconv render values, because
// kube-apiserver's messages embed them (`%q` strings, strconv errors) and
// clients match on the exact text.

/** Go's `strconv.Quote` / `%q` for a string: double quotes, Go escapes, printable Unicode kept. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    switch (ch) {
      case '"': out += '\\"'; continue;
      case '\\': out += '\\\\'; continue;
      case '\x07': out += '\\a'; continue;
      case '\b': out += '\\b'; continue;
      case '\f': out += '\\f'; continue;
      case '\n': out += '\\n'; continue;
      case '\r': out += '\\r'; continue;
      case '\t': out += '\\t'; continue;
      case '\v': out += '\\v'; continue;
    }
    if (cp < 0x20 || cp === 0x7f) {
      out += '\\x' + cp.toString(16).padStart(2, '0');
    } else if (cp >= 0xd800 && cp <= 0xdfff) {
      // A lone surrogate cannot come from valid UTF-8; Go would print the replacement rune.
      out += '\\ufffd';
    } else if ((cp >= 0x80 && cp < 0xa0) || cp === 0xad) {
      // C1 controls and the soft hyphen are not printable for Go's unicode.IsPrint.
      out += '\\u' + cp.toString(16).padStart(4, '0');
    } else {
      out += ch;
    }
  }
  return out + '"';
}

/** UTF-8 length in bytes: Go's `len(string)`, which every kube length limit counts. */
export function byteLength(s: string): number {
  return new TextEncoder().encode(s).length;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

export type GoIntResult = { readonly ok: true; readonly value: bigint } | { readonly ok: false; readonly error: string };

/** Go's `strconv.ParseInt(s, 10, 64)`, with its error text. */
export function goParseInt64(s: string): GoIntResult {
  if (!/^[+-]?[0-9]+$/.test(s)) return { ok: false, error: `strconv.ParseInt: parsing ${goQuote(s)}: invalid syntax` };
  const value = BigInt(s);
  if (value < INT64_MIN || value > INT64_MAX) return { ok: false, error: `strconv.ParseInt: parsing ${goQuote(s)}: value out of range` };
  return { ok: true, value };
}

/** Go's `strconv.ParseUint(s, 10, 64)`, with its error text (no sign allowed). */
export function goParseUint64(s: string): GoIntResult {
  if (!/^[0-9]+$/.test(s)) return { ok: false, error: `strconv.ParseUint: parsing ${goQuote(s)}: invalid syntax` };
  const value = BigInt(s);
  if (value > UINT64_MAX) return { ok: false, error: `strconv.ParseUint: parsing ${goQuote(s)}: value out of range` };
  return { ok: true, value };
}
