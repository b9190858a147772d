// Leader transfers requested through this member, waiting to see the
// transferee lead. Bound: at most MAX_PENDING at once (more are refused with
// TooManyRequestsError); each gives up after `timeoutTicks` ticks, since the
// core abandons a transfer that does not complete within an election timeout.

import type { NodeId } from '../core/types.ts';
import { TooManyRequestsError, TransferFailedError, abortReason } from './errors.ts';

const MAX_PENDING = 16;

interface PendingTransfer {
  readonly to: NodeId;
  readonly startTick: number;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
  readonly dispose: () => void;
}

export class LeaderTransfers {
  readonly #timeoutTicks: number;
  #pending: PendingTransfer[] = [];
  #queued: NodeId[] = [];

  constructor(timeoutTicks: number) {
    this.#timeoutTicks = timeoutTicks;
  }

  add(to: NodeId, tick: number, signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted === true) return Promise.reject(abortReason(signal));
    if (this.#pending.length >= MAX_PENDING) return Promise.reject(new TooManyRequestsError('proposals', MAX_PENDING));
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => this.#settle((t) => t === entry, signal === undefined ? new Error('aborted') : abortReason(signal));
      signal?.addEventListener('abort', onAbort, { once: true });
      const entry: PendingTransfer = {
        to,
        startTick: tick,
        resolve,
        reject,
        dispose: () => signal?.removeEventListener('abort', onAbort),
      };
      this.#pending.push(entry);
      this.#queued.push(to);
    });
  }

  /** Transfers to hand to the core now. */
  takeQueued(): NodeId[] {
    const q = this.#queued;
    this.#queued = [];
    return q;
  }

  leaderIs(lead: NodeId): void {
    if (this.#pending.length > 0) this.#settle((t) => t.to === lead, undefined);
  }

  expire(tick: number): void {
    if (!this.#pending.some((t) => tick - t.startTick >= this.#timeoutTicks)) return;
    this.#settle(
      (t) => tick - t.startTick >= this.#timeoutTicks,
      new TransferFailedError(`not completed within ${this.#timeoutTicks} ticks`),
    );
  }

  rejectAll(err: unknown): void {
    this.#settle(() => true, err);
  }

  /** Settles every matching transfer: resolved when `err` is undefined. */
  #settle(match: (t: PendingTransfer) => boolean, err: unknown): void {
    const keep: PendingTransfer[] = [];
    for (const t of this.#pending) {
      if (!match(t)) {
        keep.push(t);
        continue;
      }
      t.dispose();
      if (err === undefined) t.resolve();
      else t.reject(err);
    }
    this.#pending = keep;
  }
}
