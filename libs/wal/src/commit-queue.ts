// Group commit. Callers submit batches; one flusher takes everything pending,
// hands it to `flush` as one group (one write, at most one fsync), and while
// that runs the next group accumulates. N callers arriving together cost one
// fsync, and a caller arriving during a flush waits for at most one more.
//
// The bound: at most `maxPendingBytes` of batches wait for the next flush.
// A batch that would push the pending total past it waits (FIFO, behind any
// earlier waiter, so write order is submit order) and joins the group after
// the current flush has taken the pending ones. A single batch larger than
// the bound is accepted when nothing else is pending: it is flushed alone.
// Waiting callers hold their own batches, so memory held by the queue itself
// is the pending group plus the one being written.

export interface CommitItem<T> {
  readonly value: T;
  readonly bytes: number;
  readonly sync: boolean;
}

interface Queued<T> extends CommitItem<T> {
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

export type FlushFn<T> = (items: readonly CommitItem<T>[], sync: boolean) => Promise<void>;

export class CommitQueue<T> {
  readonly #maxPendingBytes: number;
  readonly #flush: FlushFn<T>;
  readonly #failure: (cause: unknown) => Error;
  #pending: Queued<T>[] = [];
  #pendingBytes = 0;
  #waiting: Queued<T>[] = [];
  #running: Promise<void> | undefined;
  /** Set once a flush fails or the queue is closed: every later submit is refused with it. */
  #refusal: (() => Error) | undefined;

  /**
   * `failure` builds the error every caller after a failed flush gets (the
   * callers in the failed group get the flush's own error).
   */
  constructor(maxPendingBytes: number, flush: FlushFn<T>, failure: (cause: unknown) => Error) {
    if (!(maxPendingBytes > 0)) throw new RangeError(`maxPendingBytes must be positive, got ${maxPendingBytes}`);
    this.#maxPendingBytes = maxPendingBytes;
    this.#flush = flush;
    this.#failure = failure;
  }

  /** Bytes accepted for the next flush (not counting callers waiting at the bound). */
  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  get waitingCount(): number {
    return this.#waiting.length;
  }

  /** Resolves once the batch is written (and synced when `sync`), or when a group containing it is. */
  submit(value: T, bytes: number, sync: boolean): Promise<void> {
    if (this.#refusal !== undefined) return Promise.reject(this.#refusal());
    return new Promise<void>((resolve, reject) => {
      const q: Queued<T> = { value, bytes, sync, resolve, reject };
      if (this.#waiting.length === 0 && this.#fits(bytes)) this.#admit(q);
      else this.#waiting.push(q);
      this.#running ??= this.#run();
    });
  }

  /** Stops accepting work; resolves when everything accepted so far has been flushed (or failed). */
  async close(refusal: () => Error): Promise<void> {
    this.#refusal ??= refusal;
    await this.#running;
  }

  #fits(bytes: number): boolean {
    return this.#pendingBytes === 0 || this.#pendingBytes + bytes <= this.#maxPendingBytes;
  }

  #admit(q: Queued<T>): void {
    this.#pending.push(q);
    this.#pendingBytes += q.bytes;
  }

  async #run(): Promise<void> {
    // Let callers that submit in the same turn of the event loop join this group.
    await Promise.resolve();
    while (this.#pending.length > 0) {
      const group = this.#pending;
      this.#pending = [];
      this.#pendingBytes = 0;
      while (this.#waiting.length > 0 && this.#fits(this.#waiting[0]!.bytes)) this.#admit(this.#waiting.shift()!);
      const sync = group.some((q) => q.sync);
      try {
        await this.#flush(group, sync);
      } catch (err) {
        this.#failAll(group, err);
        break;
      }
      for (const q of group) q.resolve();
      // Pending may be empty while callers still wait (only possible if a
      // flush took a group that left no room): admit the next one.
      if (this.#pending.length === 0 && this.#waiting.length > 0) this.#admit(this.#waiting.shift()!);
    }
    this.#running = undefined;
  }

  #failAll(group: readonly Queued<T>[], err: unknown): void {
    for (const q of group) q.reject(err);
    const rest = [...this.#pending, ...this.#waiting];
    this.#pending = [];
    this.#waiting = [];
    this.#pendingBytes = 0;
    this.#refusal ??= () => this.#failure(err);
    for (const q of rest) q.reject(this.#refusal());
  }
}
