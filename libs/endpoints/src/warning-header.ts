// The `Warning: 299 - "<text>"` response header, as kube-apiserver's warning
// recorder builds it: texts deduplicated in first-seen order; the total is
// capped at 4096 runes, and once over, every text is cut to 256 runes and the
// list is re-emitted; further texts are dropped when even that is exhausted.

const TRUNCATE_AT_TOTAL_RUNES = 4 * 1024;
const TRUNCATE_ITEM_RUNES = 256;

/** The header values (one per warning) for `texts`, in order. */
export function formatWarningHeaders(texts: readonly string[]): string[] {
  const ordered: string[] = [];
  const seen = new Set<string>();
  let out: string[] = [];
  let written = 0;
  let truncating = false;
  for (const text of texts) {
    if (text === '') continue;
    if (truncating && written >= TRUNCATE_AT_TOTAL_RUNES) break;
    if (seen.has(text)) continue;
    seen.add(text);
    ordered.push(text);
    let runes = Array.from(text);
    if (truncating && runes.length > TRUNCATE_ITEM_RUNES) runes = runes.slice(0, TRUNCATE_ITEM_RUNES);
    if (written + runes.length <= TRUNCATE_AT_TOTAL_RUNES || truncating) {
      written += runes.length;
      out.push(warningHeaderValue(runes.join('')));
      continue;
    }
    // Over the cap for the first time: start again with every text cut short.
    truncating = true;
    written = 0;
    out = [];
    for (const t of ordered) {
      const cut = Array.from(t).slice(0, TRUNCATE_ITEM_RUNES);
      written += cut.length;
      out.push(warningHeaderValue(cut.join('')));
    }
  }
  return out;
}

/**
 * One header value: code 299, agent `-`, the text quoted with `"` and `\`
 * escaped. Go's server turns CR/LF into spaces when writing headers; other
 * control characters Node would refuse, so they become spaces too. Non-ASCII
 * text goes out as UTF-8 bytes (Node writes header strings as Latin-1, so the
 * string carries one byte per char).
 */
export function warningHeaderValue(text: string): string {
  let quoted = '"';
  for (const ch of text) {
    if (ch === '"' || ch === '\\') quoted += `\\${ch}`;
    else if (ch !== '\t' && (ch < ' ' || ch === '\x7f')) quoted += ' ';
    else quoted += ch;
  }
  quoted += '"';
  return Buffer.from(`299 - ${quoted}`, 'utf8').toString('latin1');
}

/** Decodes a received Warning header value back to its text (for tests and clients of our own). */
export function parseWarningHeaderValue(value: string): string | undefined {
  const m = /^\d{3} \S+ "((?:[^"\\]|\\.)*)"/.exec(Buffer.from(value, 'latin1').toString('utf8'));
  return m?.[1]?.replace(/\\(.)/g, '$1');
}
