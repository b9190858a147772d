// Go's encoding/json syntax errors, reproduced. kube-apiserver answers a
// malformed JSON body with a 400 whose message embeds the Go scanner's text
// (`invalid character 'x' looking for beginning of value`); clients and users
// grep for those words, and V8's JSON.parse says something else. Only run
// after JSON.parse has failed, so the fast path stays JSON.parse.
// Also here: finding repeated keys, which JSON.parse silently resolves (the
// last wins, as in Go) but fieldValidation must report.

import { MAX_STRICT_ERRORS, strictPath, type DuplicateField, type PathSegment } from '@logbook/apimachinery';

const EOF_MESSAGE = 'unexpected end of JSON input';

class GoSyntaxError extends Error {}

/** Go's text for the first syntax error in `text`, or undefined when it is valid JSON. */
export function goJsonSyntaxError(text: string): string | undefined {
  const s = new Scanner(text);
  try {
    s.skipSpace();
    s.value();
    s.skipSpace();
    if (!s.eof()) s.fail('after top-level value');
    return undefined;
  } catch (err: unknown) {
    if (err instanceof GoSyntaxError) return err.message;
    throw err;
  }
}

class Scanner {
  readonly text: string;
  i = 0;

  constructor(text: string) {
    this.text = text;
  }

  eof(): boolean {
    return this.i >= this.text.length;
  }

  /** The current character; a truncated document is Go's EOF error wherever it happens. */
  peek(): string {
    const c = this.text[this.i];
    if (c === undefined) throw new GoSyntaxError(EOF_MESSAGE);
    return c;
  }

  fail(context: string): never {
    const cp = this.text.codePointAt(this.i) ?? 0;
    throw new GoSyntaxError(`invalid character ${quoteChar(cp)} ${context}`);
  }

  skipSpace(): void {
    while (!this.eof()) {
      const c = this.text[this.i];
      if (c !== ' ' && c !== '\t' && c !== '\r' && c !== '\n') return;
      this.i++;
    }
  }

  value(): void {
    this.skipSpace();
    const c = this.peek();
    if (c === '{') this.object();
    else if (c === '[') this.array();
    else if (c === '"') this.string();
    else if (c === '-' || isDigit(c)) this.number();
    else if (c === 't') this.literal('true');
    else if (c === 'f') this.literal('false');
    else if (c === 'n') this.literal('null');
    else this.fail('looking for beginning of value');
  }

  object(): void {
    this.i++;
    this.skipSpace();
    if (this.peek() === '}') {
      this.i++;
      return;
    }
    for (;;) {
      if (this.peek() !== '"') this.fail('looking for beginning of object key string');
      this.string();
      this.skipSpace();
      if (this.peek() !== ':') this.fail('after object key');
      this.i++;
      this.value();
      this.skipSpace();
      const c = this.peek();
      if (c === '}') {
        this.i++;
        return;
      }
      if (c !== ',') this.fail('after object key:value pair');
      this.i++;
      this.skipSpace();
    }
  }

  array(): void {
    this.i++;
    this.skipSpace();
    if (this.peek() === ']') {
      this.i++;
      return;
    }
    for (;;) {
      this.value();
      this.skipSpace();
      const c = this.peek();
      if (c === ']') {
        this.i++;
        return;
      }
      if (c !== ',') this.fail('after array element');
      this.i++;
    }
  }

  string(): void {
    this.i++;
    for (;;) {
      const c = this.peek();
      if (c === '"') {
        this.i++;
        return;
      }
      if (c === '\\') {
        this.i++;
        const e = this.peek();
        if (e === 'u') {
          this.i++;
          for (let k = 0; k < 4; k++) {
            if (!isHex(this.peek())) this.fail('in \\u hexadecimal character escape');
            this.i++;
          }
          continue;
        }
        if (!'"\\/bfnrt'.includes(e)) this.fail('in string escape code');
        this.i++;
        continue;
      }
      if (c < ' ') this.fail('in string literal');
      this.i++;
    }
  }

  number(): void {
    if (this.peek() === '-') {
      this.i++;
      if (!isDigit(this.peek())) this.fail('in numeric literal');
    }
    if (this.peek() === '0') this.i++;
    else this.digits();
    if (this.eof()) return;
    if (this.text[this.i] === '.') {
      this.i++;
      if (!isDigit(this.peek())) this.fail('after decimal point in numeric literal');
      this.digits();
    }
    if (this.eof()) return;
    const e = this.text[this.i];
    if (e === 'e' || e === 'E') {
      this.i++;
      const sign = this.peek();
      if (sign === '+' || sign === '-') this.i++;
      if (!isDigit(this.peek())) this.fail('in exponent of numeric literal');
      this.digits();
    }
  }

  digits(): void {
    while (!this.eof() && isDigit(this.text[this.i] ?? '')) this.i++;
  }

  literal(word: string): void {
    this.i++;
    for (let k = 1; k < word.length; k++) {
      const want = word[k] ?? '';
      if (this.peek() !== want) this.fail(`in literal ${word} (expecting ${quoteChar(want.charCodeAt(0))})`);
      this.i++;
    }
  }
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

function isHex(c: string): boolean {
  return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/**
 * Go's scanner quotes the offending *byte*, widened to a rune: a non-ASCII
 * character shows as its first UTF-8 byte read as Latin-1 (`é` → `'Ã'`).
 */
export function quoteChar(codePoint: number): string {
  const byte = codePoint < 0x80 ? codePoint : Buffer.from(String.fromCodePoint(codePoint), 'utf8')[0] ?? 0;
  if (byte === 0x27) return `'\\''`;
  if (byte === 0x22) return `'"'`;
  return `'${goQuoteRune(byte)}'`;
}

const NAMED_ESCAPES: ReadonlyMap<number, string> = new Map([
  [0x07, '\\a'], [0x08, '\\b'], [0x0c, '\\f'], [0x0a, '\\n'], [0x0d, '\\r'], [0x09, '\\t'], [0x0b, '\\v'], [0x5c, '\\\\'],
]);

// strconv.Quote's body for one rune in U+0000..U+00FF.
function goQuoteRune(r: number): string {
  const named = NAMED_ESCAPES.get(r);
  if (named !== undefined) return named;
  if (r < 0x20 || r === 0x7f) return `\\x${r.toString(16).padStart(2, '0')}`;
  if ((r >= 0x80 && r < 0xa0) || r === 0xad) return `\\u${r.toString(16).padStart(4, '0')}`;
  return String.fromCharCode(r);
}

// ---------------------------------------------------------------- duplicates

/** Objects nested deeper than this are skipped, not tracked: kube's decoder refuses such bodies anyway. */
export const MAX_DUPLICATE_SCAN_DEPTH = 1_000;

export interface JsonDuplicateScan {
  /** Each repeated key once (kube reports a (kind, path) pair once), in document order, at most MAX_STRICT_ERRORS. */
  readonly duplicates: readonly DuplicateField[];
  /** Some objects lay deeper than MAX_DUPLICATE_SCAN_DEPTH and were not examined. */
  readonly truncated: boolean;
}

interface Frame {
  /** Keys seen so far in this object; undefined for a list. */
  readonly keys: Set<string> | undefined;
  /** The segment that leads to this container from its parent (undefined at the root). */
  readonly segment: PathSegment | undefined;
  /** The next element's index (lists only). */
  index: number;
  /** The key whose value is being read (objects only). */
  key: string;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Repeated object keys in `text`, which must already be valid JSON (run after
 * JSON.parse succeeded). One pass over the characters, no values built: the
 * only allocations are a key set per open object and the key strings
 * themselves. About as fast as JSON.parse itself (≈4.5 ms per MiB of a
 * typical object list on one core); a regexp key count compared with the
 * parsed object's was measured as no faster, so there is no "fast path".
 */
export function scanJsonDuplicates(text: string): JsonDuplicateScan {
  const stack: Frame[] = [];
  const seen = new Set<string>();
  const duplicates: DuplicateField[] = [];
  let truncated = false;
  let skipDepth = 0; // > 0 while inside containers deeper than the limit
  let expectKey = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const start = i + 1;
      i = stringEnd(text, start);
      if (!expectKey || skipDepth > 0) continue;
      expectKey = false;
      const raw = text.slice(start, i);
      const key = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
      const top = stack[stack.length - 1]!;
      top.key = key;
      const keys = top.keys!;
      if (!keys.has(key)) {
        keys.add(key);
        continue;
      }
      if (duplicates.length >= MAX_STRICT_ERRORS) continue;
      const segments = pathOf(stack, key);
      const path = strictPath(segments);
      if (seen.has(path)) continue;
      seen.add(path);
      duplicates.push({ path, segments, after: keys.size });
      continue;
    }
    switch (c) {
      case 0x7b: // {
      case 0x5b: { // [
        if (skipDepth > 0 || stack.length >= MAX_DUPLICATE_SCAN_DEPTH) {
          skipDepth++;
          truncated = true;
          break;
        }
        const parent = stack[stack.length - 1];
        const segment = parent === undefined ? undefined : parent.keys === undefined ? parent.index : parent.key;
        stack.push({ keys: c === 0x7b ? new Set() : undefined, segment, index: 0, key: '' });
        expectKey = c === 0x7b;
        break;
      }
      case 0x7d: // }
      case 0x5d: // ]
        if (skipDepth > 0) skipDepth--;
        else stack.pop();
        expectKey = false;
        break;
      case 0x2c: { // ,
        if (skipDepth > 0) break;
        const top = stack[stack.length - 1];
        if (top === undefined) break;
        if (top.keys === undefined) top.index++;
        else expectKey = true;
        break;
      }
      default:
        break;
    }
  }
  return { duplicates, truncated };
}

/** The index of the quote closing the string whose body starts at `start` (indexOf is native: strings are most of a body). */
function stringEnd(text: string, start: number): number {
  let j = text.indexOf('"', start);
  for (;;) {
    if (j < 0) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(j - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return j;
    j = text.indexOf('"', j + 1);
  }
}

function pathOf(stack: readonly Frame[], key: string): PathSegment[] {
  const out: PathSegment[] = [];
  for (let k = 1; k < stack.length; k++) out.push(stack[k]!.segment!);
  out.push(key);
  return out;
}
