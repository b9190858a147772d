// One watch as its consumer sees it: an AsyncIterable over events with a
// bounded live buffer. The producer (the cache's dispatcher, or the memory
// store) offers events synchronously and never waits; when the buffer is full
// `offer` says so and the producer decides what that means (close the
// watcher, or skip a bookmark). Initial events (replayed history, or the
// current state) sit in a separate array that is read lazily, so a large
// initial state does not count against the live bound.

import type { Watch, WatchEvent } from '../interface.ts';

export interface WatchChannelOptions {
  /** Live events held for a consumer that has not read them yet; at the bound `offer` returns false. */
  readonly capacity: number;
  /** Delivered before any live event. */
  readonly initial?: readonly WatchEvent[] | undefined;
  /** Called once when the watch ends, however it ends (unregisters it from the producer). */
  readonly onEnd?: (() => void) | undefined;
  readonly signal?: AbortSignal | undefined;
}

export class WatchChannel implements Watch {
  readonly closed: Promise<Error | undefined>;
  readonly #capacity: number;
  #initial: readonly WatchEvent[];
  #initialIndex = 0;
  #buffer: WatchEvent[] = [];
  #ended = false;
  #wake: (() => void) | undefined;
  #resolveClosed!: (err: Error | undefined) => void;
  readonly #onEnd: (() => void) | undefined;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort = (): void => this.close();

  constructor(opts: WatchChannelOptions) {
    if (!(Number.isInteger(opts.capacity) && opts.capacity > 0)) throw new RangeError(`watch buffer capacity must be a positive integer, got ${opts.capacity}`);
    this.#capacity = opts.capacity;
    this.#initial = opts.initial ?? [];
    this.#onEnd = opts.onEnd;
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
    this.#signal = opts.signal;
    if (opts.signal?.aborted === true) this.close();
    else opts.signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Queues a live event. False when the buffer is full (nothing was queued) or the watch has ended. */
  offer(ev: WatchEvent): boolean {
    if (this.#ended || this.#buffer.length >= this.#capacity) return false;
    this.#buffer.push(ev);
    this.#wakeConsumer();
    return true;
  }

  /**
   * Ends the watch from the producer's side. A clean end (no error) still
   * delivers what is queued; an error end discards it, since the point of
   * ending a slow watcher is to stop holding events for it.
   */
  end(err?: Error): void {
    if (this.#ended) return;
    if (err !== undefined) this.#discard();
    this.#finish(err);
  }

  /** Ends the watch with one last ERROR event (410 Gone, 504 Too large), replacing anything queued. */
  fail(errorEvent: WatchEvent, err: Error): void {
    if (this.#ended) return;
    this.#discard();
    this.#initial = [errorEvent];
    this.#finish(err);
  }

  /** The consumer is done: drop what is queued and end cleanly. */
  close(): void {
    if (this.#ended) {
      this.#discard();
      return;
    }
    this.#discard();
    this.#finish(undefined);
  }

  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    try {
      for (;;) {
        const ev = this.#take();
        if (ev !== undefined) {
          yield ev;
          continue;
        }
        if (this.#ended) return;
        await new Promise<void>((resolve) => (this.#wake = resolve));
      }
    } finally {
      // A consumer that stops iterating (break, throw) is done with the watch.
      this.close();
    }
  }

  #take(): WatchEvent | undefined {
    if (this.#initialIndex < this.#initial.length) {
      const ev = this.#initial[this.#initialIndex];
      this.#initialIndex += 1;
      return ev;
    }
    return this.#buffer.shift();
  }

  #discard(): void {
    this.#initial = [];
    this.#initialIndex = 0;
    this.#buffer = [];
  }

  #finish(err: Error | undefined): void {
    this.#ended = true;
    this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#resolveClosed(err);
    this.#wakeConsumer();
    this.#onEnd?.();
  }

  #wakeConsumer(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
