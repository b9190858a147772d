// Linearizable reads waiting on a ReadIndex barrier. A read goes through three
// stages: queued (not yet handed to the core; all reads queued in one turn of
// the event loop share one ReadIndex request), issued (waiting for the
// leader's confirmation, matched by request context), confirmed (waiting for
// the local state machine to apply the read index).
//
// Bounds: at most `limit` unsettled reads (enqueue() refuses beyond that:
// TooManyRequestsError). An issued request that is not confirmed within
// `timeoutTicks` is rejected with ReadTimeoutError, and a leader change
// rejects every issued request with LeaderChangedError: the request or its
// answer may have been lost with the old leader, and callers retry.
// Confirmed reads survive leader changes: their index was valid when read.

import { assert } from '../core/errors.ts';
import { LeaderChangedError, ReadTimeoutError, abortReason } from './errors.ts';

interface PendingRead {
  settled: boolean;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
  readonly dispose: () => void;
}

interface IssuedBatch {
  readonly reads: PendingRead[];
  readonly issuedAtTick: number;
}

interface ConfirmedBatch {
  readonly reads: PendingRead[];
  readonly index: number;
}

export class ReadTracker {
  readonly limit: number;
  readonly timeoutTicks: number;
  #unsettled = 0;
  #queued: PendingRead[] = [];
  readonly #issued = new Map<number, IssuedBatch>();
  #confirmed: ConfirmedBatch[] = [];

  constructor(limit: number, timeoutTicks: number) {
    assert(Number.isSafeInteger(limit) && limit > 0, 'read limit must be a positive integer');
    assert(Number.isSafeInteger(timeoutTicks) && timeoutTicks > 0, 'read timeout must be a positive integer');
    this.limit = limit;
    this.timeoutTicks = timeoutTicks;
  }

  get size(): number {
    return this.#unsettled;
  }

  hasRoom(): boolean {
    return this.#unsettled < this.limit;
  }

  hasQueued(): boolean {
    return this.#queued.length > 0;
  }

  enqueue(signal: AbortSignal | undefined): Promise<void> {
    assert(this.hasRoom(), 'ReadTracker.enqueue beyond the limit');
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => this.#settle(read, signal === undefined ? new Error('aborted') : abortReason(signal));
      signal?.addEventListener('abort', onAbort, { once: true });
      const read: PendingRead = {
        settled: false,
        resolve,
        reject,
        dispose: () => signal?.removeEventListener('abort', onAbort),
      };
      this.#unsettled++;
      this.#queued.push(read);
    });
  }

  /** Moves every queued read into one issued batch under request id `reqId`. */
  issueQueued(reqId: number, tick: number): void {
    const reads = this.#queued.filter((r) => !r.settled);
    this.#queued = [];
    if (reads.length > 0) this.#issued.set(reqId, { reads, issuedAtTick: tick });
  }

  /** Rejects every queued read (the request could not be handed to the core). */
  rejectQueued(err: unknown): void {
    const reads = this.#queued;
    this.#queued = [];
    for (const r of reads) this.#settle(r, err);
  }

  /** The leader confirmed request `reqId` at `index`. Unknown ids (expired, rejected) are ignored. */
  confirm(reqId: number, index: number): void {
    const batch = this.#issued.get(reqId);
    if (batch === undefined) return;
    this.#issued.delete(reqId);
    this.#confirmed.push({ reads: batch.reads, index });
  }

  /** Resolves confirmed reads whose index is applied. */
  appliedTo(applied: number): void {
    if (this.#confirmed.length === 0) return;
    const waiting: ConfirmedBatch[] = [];
    for (const batch of this.#confirmed) {
      if (batch.index <= applied) {
        for (const r of batch.reads) this.#settle(r, undefined);
      } else {
        waiting.push(batch);
      }
    }
    this.#confirmed = waiting;
  }

  leaderChanged(): void {
    this.#rejectIssued(() => true, new LeaderChangedError());
  }

  expire(tick: number): void {
    if (this.#issued.size === 0) return; // the common case: no error object (and stack trace) to build
    let expired = false;
    for (const b of this.#issued.values()) if (tick - b.issuedAtTick >= this.timeoutTicks) expired = true;
    if (!expired) return;
    this.#rejectIssued((b) => tick - b.issuedAtTick >= this.timeoutTicks, new ReadTimeoutError(this.timeoutTicks));
  }

  rejectAll(err: unknown): void {
    this.rejectQueued(err);
    this.#rejectIssued(() => true, err);
    const confirmed = this.#confirmed;
    this.#confirmed = [];
    for (const b of confirmed) for (const r of b.reads) this.#settle(r, err);
  }

  #rejectIssued(pred: (b: IssuedBatch) => boolean, err: unknown): void {
    for (const [id, batch] of [...this.#issued]) {
      if (!pred(batch)) continue;
      this.#issued.delete(id);
      for (const r of batch.reads) this.#settle(r, err);
    }
  }

  /** Settles a read once: resolve when `err` is undefined. */
  #settle(r: PendingRead, err: unknown): void {
    if (r.settled) return;
    r.settled = true;
    this.#unsettled--;
    r.dispose();
    if (err === undefined) r.resolve();
    else r.reject(err);
  }
}
