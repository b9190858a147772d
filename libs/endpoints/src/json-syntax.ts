// Go's encoding/json syntax errors, reproduced. kube-apiserver answers a
// malformed JSON body with a 400 whose message embeds the Go scanner's text
// (`invalid character 'x' looking for beginning of value`); clients and users
// grep for those words, and V8's JSON.parse says something else. Only run
// after JSON.parse has failed, so the fast path stays JSON.parse.

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
