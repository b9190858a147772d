// The output of a child process, kept in memory for a failure report. Bound:
// `maxBytes`; past it the oldest chunks are dropped and counted, because the
// end of a log (what happened just before the failure) is what a reader needs.

export class BoundedLog {
  readonly #maxBytes: number;
  readonly #chunks: string[] = [];
  #bytes = 0;
  #droppedBytes = 0;

  constructor(maxBytes: number) {
    if (!Number.isInteger(maxBytes) || maxBytes < 1) throw new RangeError(`maxBytes must be a positive integer, got ${maxBytes}`);
    this.#maxBytes = maxBytes;
  }

  append(text: string): void {
    this.#chunks.push(text);
    this.#bytes += text.length;
    while (this.#bytes > this.#maxBytes && this.#chunks.length > 1) {
      const dropped = this.#chunks.shift()!;
      this.#bytes -= dropped.length;
      this.#droppedBytes += dropped.length;
    }
  }

  /** The last `maxLines` lines kept, preceded by a note of what was dropped. */
  tail(maxLines: number): string {
    const lines = this.#chunks.join('').split('\n');
    const shown = lines.slice(-maxLines);
    const hidden = lines.length - shown.length;
    const notes: string[] = [];
    if (this.#droppedBytes > 0) notes.push(`[${this.#droppedBytes} earlier bytes dropped]`);
    if (hidden > 0) notes.push(`[${hidden} earlier lines not shown]`);
    return [...notes, ...shown].join('\n');
  }
}
