// One watch, as its consumer sees it: an AsyncIterable of WatchResponses
// (after creation: events, progress notifications, and a final response when
// the server cancels it, e.g. for compaction), plus `created`, `cancel()` and
// `closed`. The stream it lives on pushes into it; it never pushes back.
//
// Bound: at most `maxBuffered` responses wait for the consumer. One more and
// the watch is canceled: the iterator yields what was buffered, then throws
// EtcdClientError(ResourceExhausted, reason `watchOverflow`); the consumer
// re-watches from the revision after the last event it saw.

import { EtcdClientError, assert } from './errors.ts';
import type { WatchCreateRequest, WatchResponse } from './watch-codec.ts';

export interface WatchCreated {
  readonly watchId: number;
  /** The store's revision when the watch was created. */
  readonly revision: number;
}

/** What a watch needs from the stream that carries it. */
export interface WatchCarrier {
  cancel(watch: EtcdWatch): void;
}

type State = 'pending' | 'active' | 'done';

export class EtcdWatch implements AsyncIterable<WatchResponse>, AsyncDisposable {
  readonly request: WatchCreateRequest;
  /** Resolves once the server has created the watch; rejects if it refused or the stream failed first. */
  readonly created: Promise<WatchCreated>;
  /** Resolves when the watch has ended, for any reason (never rejects). */
  readonly closed: Promise<void>;

  readonly #maxBuffered: number;
  readonly #queue: WatchResponse[] = [];
  #state: State = 'pending';
  #watchId = -1;
  #error: EtcdClientError | undefined;
  #carrier: WatchCarrier | undefined;
  #iterated = false;
  #wake: (() => void) | undefined;
  #resolveCreated!: (c: WatchCreated) => void;
  #rejectCreated!: (e: EtcdClientError) => void;
  #resolveClosed!: () => void;

  constructor(request: WatchCreateRequest, maxBuffered: number) {
    assert(Number.isSafeInteger(maxBuffered) && maxBuffered > 0, 'maxBuffered must be a positive integer');
    this.request = request;
    this.#maxBuffered = maxBuffered;
    this.created = new Promise((resolve, reject) => {
      this.#resolveCreated = resolve;
      this.#rejectCreated = reject;
    });
    // A consumer that only iterates learns of a failed creation from the
    // iterator; this keeps the unobserved `created` rejection from crashing.
    this.created.catch(() => undefined);
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
  }

  /** The server's id for this watch; -1 until created. */
  get watchId(): number {
    return this.#watchId;
  }

  get done(): boolean {
    return this.#state === 'done';
  }

  // ---- called by the stream ----

  /** @internal */
  attach(carrier: WatchCarrier): void {
    this.#carrier = carrier;
  }

  /** @internal The server created the watch. */
  onCreated(watchId: number, revision: number): void {
    if (this.#state !== 'pending') return;
    this.#state = 'active';
    this.#watchId = watchId;
    this.#resolveCreated({ watchId, revision });
  }

  /** @internal A response for this watch. Returns false when the watch overflowed and ended. */
  onResponse(r: WatchResponse): boolean {
    if (this.#state === 'done') return false;
    if (this.#queue.length >= this.#maxBuffered) {
      this.#finish(
        new EtcdClientError('ResourceExhausted', `watch ${this.#watchId}: consumer fell ${this.#maxBuffered} responses behind`, { reason: 'watchOverflow' }),
      );
      return false;
    }
    this.#queue.push(r);
    this.#wakeConsumer();
    return true;
  }

  /** @internal The watch ended: `final` (a server-side cancel) is yielded, `error` thrown after the buffer. */
  onEnd(error: EtcdClientError | undefined, final?: WatchResponse): void {
    if (this.#state === 'done') return;
    if (final !== undefined) this.#queue.push(final);
    this.#finish(error);
  }

  // ---- consumer side ----

  /** Cancels the watch; the iterator ends after what is already buffered. Idempotent. */
  cancel(): Promise<void> {
    if (this.#state !== 'done') {
      this.#carrier?.cancel(this);
      this.#finish(undefined);
    }
    return this.closed;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.cancel();
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchResponse> {
    assert(!this.#iterated, 'a watch has a single consumer: iterate it once');
    this.#iterated = true;
    return {
      next: () => this.#next(),
      return: async () => {
        await this.cancel();
        return { done: true, value: undefined };
      },
    };
  }

  async #next(): Promise<IteratorResult<WatchResponse>> {
    for (;;) {
      const r = this.#queue.shift();
      if (r !== undefined) return { done: false, value: r };
      if (this.#state === 'done') {
        if (this.#error !== undefined) throw this.#error;
        return { done: true, value: undefined };
      }
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  #wakeConsumer(): void {
    const w = this.#wake;
    this.#wake = undefined;
    w?.();
  }

  #finish(error: EtcdClientError | undefined): void {
    if (this.#state === 'done') return;
    const wasPending = this.#state === 'pending';
    this.#state = 'done';
    this.#error = error;
    if (wasPending) this.#rejectCreated(error ?? new EtcdClientError('Canceled', 'the watch was canceled before it was created', {}));
    this.#wakeConsumer();
    this.#resolveClosed();
  }
}
