// HPACK (RFC 7541), as much as the client port needs to read a request's
// header block and write one back: a decoder (static and dynamic table,
// Huffman strings) and an encoder that writes every field as a literal
// without indexing, so it never touches the peer decoder's dynamic table.
// Used by h2-connection.ts.

/** A header field as on the wire: name and value as latin1 strings (bytes). */
export type HeaderField = readonly [name: string, value: string];

export class HpackError extends Error {
  override readonly name = 'HpackError';
}

/** RFC 7541 Appendix A. Index i + 1 is entry i. */
const STATIC_TABLE: readonly HeaderField[] = [
  [':authority', ''], [':method', 'GET'], [':method', 'POST'], [':path', '/'], [':path', '/index.html'],
  [':scheme', 'http'], [':scheme', 'https'], [':status', '200'], [':status', '204'], [':status', '206'],
  [':status', '304'], [':status', '400'], [':status', '404'], [':status', '500'], ['accept-charset', ''],
  ['accept-encoding', 'gzip, deflate'], ['accept-language', ''], ['accept-ranges', ''], ['accept', ''],
  ['access-control-allow-origin', ''], ['age', ''], ['allow', ''], ['authorization', ''], ['cache-control', ''],
  ['content-disposition', ''], ['content-encoding', ''], ['content-language', ''], ['content-length', ''],
  ['content-location', ''], ['content-range', ''], ['content-type', ''], ['cookie', ''], ['date', ''], ['etag', ''],
  ['expect', ''], ['expires', ''], ['from', ''], ['host', ''], ['if-match', ''], ['if-modified-since', ''],
  ['if-none-match', ''], ['if-range', ''], ['if-unmodified-since', ''], ['last-modified', ''], ['link', ''],
  ['location', ''], ['max-forwards', ''], ['proxy-authenticate', ''], ['proxy-authorization', ''], ['range', ''],
  ['referer', ''], ['refresh', ''], ['retry-after', ''], ['server', ''], ['set-cookie', ''],
  ['strict-transport-security', ''], ['transfer-encoding', ''], ['user-agent', ''], ['vary', ''], ['via', ''],
  ['www-authenticate', ''],
];

/**
 * RFC 7541 Appendix B as code lengths, symbol 0 to 255 and then EOS (256).
 * The code is canonical (codes of one length are consecutive, in symbol
 * order, and follow the shorter ones), so the lengths determine it.
 */
const HUFFMAN_LENGTHS: readonly number[] = [
  13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
  6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
  13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
  15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, 6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
  20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, 24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
  22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, 21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
  26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, 19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
  20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, 26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
  30,
];
const EOS = 256;
const MAX_CODE_LENGTH = 30;

/** The canonical code, as decoding needs it: per length, the first code, how many, and where its symbols start. */
interface Canonical {
  readonly firstCode: Int32Array;
  readonly count: Int32Array;
  readonly offset: Int32Array;
  /** Symbols in (length, symbol) order. */
  readonly symbols: Uint16Array;
  /** Each symbol's code, for tests and encoders. */
  readonly codes: Uint32Array;
}

function buildCanonical(lengths: readonly number[]): Canonical {
  if (lengths.length !== 257) throw new HpackError('huffman table must have 257 lengths');
  const count = new Int32Array(MAX_CODE_LENGTH + 1);
  for (const l of lengths) count[l]!++;
  // A complete prefix code: the Kraft sum is exactly 1.
  let kraft = 0;
  for (let l = 1; l <= MAX_CODE_LENGTH; l++) kraft += count[l]! * 2 ** (MAX_CODE_LENGTH - l);
  if (kraft !== 2 ** MAX_CODE_LENGTH) throw new HpackError('huffman lengths do not form a complete code');
  const firstCode = new Int32Array(MAX_CODE_LENGTH + 2);
  const offset = new Int32Array(MAX_CODE_LENGTH + 2);
  let code = 0;
  let at = 0;
  for (let l = 1; l <= MAX_CODE_LENGTH; l++) {
    firstCode[l] = code;
    offset[l] = at;
    code = (code + count[l]!) * 2;
    at += count[l]!;
  }
  const symbols = new Uint16Array(257);
  const codes = new Uint32Array(257);
  const next = Int32Array.from(offset);
  const nextCode = Int32Array.from(firstCode);
  for (let l = 1; l <= MAX_CODE_LENGTH; l++) {
    for (let s = 0; s < 257; s++) {
      if (lengths[s] !== l) continue;
      symbols[next[l]!++] = s;
      codes[s] = nextCode[l]!++;
    }
  }
  return { firstCode, count, offset, symbols, codes };
}

const HUFFMAN = buildCanonical(HUFFMAN_LENGTHS);

/** The Huffman code of a symbol (0..256) and its length, for tests. */
export function huffmanCode(symbol: number): { code: number; length: number } {
  return { code: HUFFMAN.codes[symbol]!, length: HUFFMAN_LENGTHS[symbol]! };
}

export function huffmanDecode(data: Uint8Array): string {
  let out = '';
  let code = 0;
  let length = 0;
  for (const byte of data) {
    for (let bit = 7; bit >= 0; bit--) {
      code = code * 2 + ((byte >> bit) & 1);
      length++;
      const i = code - HUFFMAN.firstCode[length]!;
      if (i >= 0 && i < HUFFMAN.count[length]!) {
        const symbol = HUFFMAN.symbols[HUFFMAN.offset[length]! + i]!;
        if (symbol === EOS) throw new HpackError('huffman string contains EOS');
        out += String.fromCharCode(symbol);
        code = 0;
        length = 0;
      } else if (length === MAX_CODE_LENGTH) {
        throw new HpackError('invalid huffman code');
      }
    }
  }
  // Padding: fewer than 8 bits, all ones (the start of EOS).
  if (length > 7 || code !== 2 ** length - 1) throw new HpackError('invalid huffman padding');
  return out;
}

interface Cursor {
  readonly data: Uint8Array;
  at: number;
}

function readInteger(c: Cursor, prefixBits: number): number {
  if (c.at >= c.data.length) throw new HpackError('truncated integer');
  const max = (1 << prefixBits) - 1;
  let value = c.data[c.at++]! & max;
  if (value < max) return value;
  let shift = 0;
  for (;;) {
    if (c.at >= c.data.length) throw new HpackError('truncated integer');
    const b = c.data[c.at++]!;
    value += (b & 0x7f) * 2 ** shift;
    if (value > 0xffffffff) throw new HpackError('integer too large');
    if ((b & 0x80) === 0) return value;
    shift += 7;
  }
}

function readString(c: Cursor): string {
  if (c.at >= c.data.length) throw new HpackError('truncated string');
  const huffman = (c.data[c.at]! & 0x80) !== 0;
  const length = readInteger(c, 7);
  if (c.at + length > c.data.length) throw new HpackError('truncated string');
  const bytes = c.data.subarray(c.at, c.at + length);
  c.at += length;
  return huffman ? huffmanDecode(bytes) : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

const ENTRY_OVERHEAD = 32;
const entrySize = ([name, value]: HeaderField): number => name.length + value.length + ENTRY_OVERHEAD;

/** One direction's decoder: its dynamic table lives as long as the connection. */
export class HpackDecoder {
  /** Newest first. */
  readonly #dynamic: HeaderField[] = [];
  #size = 0;
  #maxSize: number;
  /** The most the peer may set the table to (our SETTINGS_HEADER_TABLE_SIZE). */
  readonly #limit: number;
  readonly #maxListBytes: number;

  constructor(limit = 4096, maxListBytes = 64 * 1024) {
    this.#limit = limit;
    this.#maxSize = limit;
    this.#maxListBytes = maxListBytes;
  }

  decode(block: Uint8Array): HeaderField[] {
    const c: Cursor = { data: block, at: 0 };
    const fields: HeaderField[] = [];
    let listBytes = 0;
    const emit = (f: HeaderField): void => {
      listBytes += entrySize(f);
      if (listBytes > this.#maxListBytes) throw new HpackError('header list too large');
      fields.push(f);
    };
    while (c.at < block.length) {
      const b = block[c.at]!;
      if ((b & 0x80) !== 0) {
        emit(this.#entry(readInteger(c, 7)));
      } else if ((b & 0xc0) === 0x40) {
        const f = this.#literal(c, 6);
        emit(f);
        this.#insert(f);
      } else if ((b & 0xe0) === 0x20) {
        const size = readInteger(c, 5);
        if (size > this.#limit) throw new HpackError('dynamic table size update above the limit');
        this.#maxSize = size;
        this.#evict(0);
      } else {
        // 0000xxxx without indexing, 0001xxxx never indexed.
        emit(this.#literal(c, 4));
      }
    }
    return fields;
  }

  #literal(c: Cursor, prefixBits: number): HeaderField {
    const index = readInteger(c, prefixBits);
    const name = index === 0 ? readString(c) : this.#entry(index)[0];
    return [name, readString(c)];
  }

  #entry(index: number): HeaderField {
    if (index === 0) throw new HpackError('index 0');
    if (index <= STATIC_TABLE.length) return STATIC_TABLE[index - 1]!;
    const f = this.#dynamic[index - STATIC_TABLE.length - 1];
    if (f === undefined) throw new HpackError(`index ${index} is not in the table`);
    return f;
  }

  #insert(f: HeaderField): void {
    const size = entrySize(f);
    this.#evict(size);
    // An entry larger than the table empties it and is not added.
    if (size > this.#maxSize) return;
    this.#dynamic.unshift(f);
    this.#size += size;
  }

  #evict(room: number): void {
    while (this.#dynamic.length > 0 && this.#size + room > this.#maxSize) this.#size -= entrySize(this.#dynamic.pop()!);
  }
}

function writeInteger(out: number[], value: number, prefixBits: number, first: number): void {
  const max = (1 << prefixBits) - 1;
  if (value < max) {
    out.push(first | value);
    return;
  }
  out.push(first | max);
  let rest = value - max;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
}

function writeString(out: number[], s: string): void {
  writeInteger(out, s.length, 7, 0x00);
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i) & 0xff);
}

/** A header block of literals without indexing (new names, raw strings): valid for any decoder state. */
export function encodeLiteralBlock(fields: readonly HeaderField[]): Uint8Array {
  const out: number[] = [];
  for (const [name, value] of fields) {
    out.push(0x00);
    writeString(out, name);
    writeString(out, value);
  }
  return Uint8Array.from(out);
}
