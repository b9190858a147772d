// Key material wrapper. The bytes are reachable only through `bytes()`, so a
// config object that ends up in a log line, an error, JSON or util.inspect
// prints "REDACTED" instead of the key.

const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

export class SecretKey {
  readonly #bytes: Uint8Array;

  constructor(bytes: Uint8Array) {
    // Copy so a caller that later reuses its buffer cannot change our key.
    this.#bytes = Uint8Array.from(bytes);
  }

  get length(): number {
    return this.#bytes.length;
  }

  /** The raw key; callers must never log or serialise it. */
  bytes(): Uint8Array {
    return this.#bytes;
  }

  toString(): string {
    return 'SecretKey(REDACTED)';
  }

  toJSON(): string {
    return 'REDACTED';
  }

  [inspectSymbol](): string {
    return this.toString();
  }
}
