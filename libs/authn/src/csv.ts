// A CSV reader with Go's encoding/csv rules and error texts (comma-separated,
// RFC 4180 quoting, blank lines skipped, any number of fields per record),
// because --token-auth-file is read with it and operators search for its
// messages.

export class CsvParseError extends Error {
  override readonly name = 'CsvParseError';
  readonly line: number;
  readonly column: number;

  constructor(startLine: number, line: number, column: number, reason: string) {
    super(startLine !== line
      ? `record on line ${startLine}; parse error on line ${line}, column ${column}: ${reason}`
      : `parse error on line ${line}, column ${column}: ${reason}`);
    this.line = line;
    this.column = column;
  }
}

const BARE_QUOTE = 'bare " in non-quoted field';
const QUOTE = 'extraneous or missing " in quoted-field';

/** Each record with the line it starts on (1-based). Columns in errors are 1-based byte offsets, as Go's. */
export function parseCsv(text: string): { line: number; fields: string[] }[] {
  const src = text.replace(/\r\n/g, '\n');
  const records: { line: number; fields: string[] }[] = [];
  let i = 0;
  let line = 1;
  while (i < src.length) {
    if (src[i] === '\n') { line++; i++; continue; }
    const startLine = line;
    const fields: string[] = [];
    let lineStart = i;
    for (;;) {
      if (src[i] === '"') {
        let value = '';
        i++;
        for (;;) {
          if (i >= src.length) throw new CsvParseError(startLine, line, byteColumn(src, lineStart, i), QUOTE);
          const c = src[i];
          if (c === '"') {
            if (src[i + 1] === '"') { value += '"'; i += 2; continue; }
            i++;
            break;
          }
          if (c === '\n') { line++; lineStart = i + 1; }
          value += c;
          i++;
        }
        fields.push(value);
        if (i < src.length && src[i] !== ',' && src[i] !== '\n') throw new CsvParseError(startLine, line, byteColumn(src, lineStart, i), QUOTE);
      } else {
        let end = i;
        while (end < src.length && src[end] !== ',' && src[end] !== '\n') end++;
        const value = src.slice(i, end);
        const quote = value.indexOf('"');
        if (quote >= 0) throw new CsvParseError(startLine, line, byteColumn(src, lineStart, i + quote), BARE_QUOTE);
        fields.push(value);
        i = end;
      }
      if (src[i] === ',') { i++; continue; }
      if (src[i] === '\n') { line++; i++; }
      break;
    }
    records.push({ line: startLine, fields });
  }
  return records;
}

function byteColumn(src: string, lineStart: number, at: number): number {
  return Buffer.byteLength(src.slice(lineStart, at)) + 1;
}
