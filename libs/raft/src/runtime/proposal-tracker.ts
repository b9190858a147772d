// Proposals accepted by this member and not yet settled. A proposal settles
// when its entry applies here (resolve with the state machine's result), when
// a different entry applies at the index it was given (lost: a new leader
// overwrote it), when a snapshot covers its index (outcome unknown), when the
// core refuses it, when its signal aborts, or when the member closes.
//
// Bound: at most `limit` proposals are tracked; add() refuses beyond that and
// the caller rejects with TooManyRequestsError (HTTP 429).
//
// Learning the index: a proposal does not get its index from propose(); the
// runtime sees its envelope in Ready.entries when it is appended to this
// member's log (directly on the leader, via MsgApp on a follower that
// forwarded it). A later append at the same index with another entry does not
// settle it (a future leader may still hold and commit the original); only
// the entry that is applied at that index decides.

import { assert } from '../core/errors.ts';
import { OutcomeUnknownError, ProposalLostError, abortReason } from './errors.ts';

interface Pending {
  readonly seq: number;
  /** Index in the local log, 0 while unknown. */
  index: number;
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: unknown) => void;
  readonly dispose: () => void;
}

export class ProposalTracker {
  readonly limit: number;
  readonly #bySeq = new Map<number, Pending>();
  /** index -> seqs believed to be at that index (more than one after overwrites). */
  readonly #byIndex = new Map<number, Set<number>>();

  constructor(limit: number) {
    assert(Number.isSafeInteger(limit) && limit > 0, 'proposal limit must be a positive integer');
    this.limit = limit;
  }

  get size(): number {
    return this.#bySeq.size;
  }

  hasRoom(): boolean {
    return this.#bySeq.size < this.limit;
  }

  has(seq: number): boolean {
    return this.#bySeq.has(seq);
  }

  /** Tracks a proposal; the returned promise settles as described above. */
  add<R>(seq: number, signal: AbortSignal | undefined): Promise<R> {
    assert(this.hasRoom(), 'ProposalTracker.add beyond the limit');
    assert(!this.#bySeq.has(seq), () => `duplicate proposal seq ${seq}`);
    return new Promise<R>((resolve, reject) => {
      const onAbort = (): void => this.reject(seq, signal === undefined ? new Error('aborted') : abortReason(signal));
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#bySeq.set(seq, {
        seq,
        index: 0,
        resolve: resolve as (value: unknown) => void,
        reject,
        dispose: () => signal?.removeEventListener('abort', onAbort),
      });
    });
  }

  noteAppended(seq: number, index: number): void {
    const p = this.#bySeq.get(seq);
    if (p === undefined) return; // aborted meanwhile, or proposed by an earlier incarnation
    if (p.index !== 0 && p.index !== index) this.#unindex(p);
    p.index = index;
    let set = this.#byIndex.get(index);
    if (set === undefined) {
      set = new Set();
      this.#byIndex.set(index, set);
    }
    set.add(seq);
  }

  /** The entry at `index` was applied; `seq` is set when it is one of ours. */
  applied(index: number, seq: number | undefined, result: unknown): void {
    if (seq !== undefined) {
      const p = this.#take(seq);
      p?.resolve(result);
    }
    const others = this.#byIndex.get(index);
    if (others === undefined) return;
    this.#byIndex.delete(index);
    for (const other of others) {
      const p = this.#take(other);
      p?.reject(new ProposalLostError(index));
    }
  }

  /** A snapshot up to `index` replaced the state machine: proposals at or below it cannot be matched. */
  snapshotRestored(index: number): void {
    for (const p of [...this.#bySeq.values()]) {
      if (p.index !== 0 && p.index <= index) {
        this.#take(p.seq);
        p.reject(new OutcomeUnknownError(p.index));
      }
    }
  }

  reject(seq: number, err: unknown): void {
    this.#take(seq)?.reject(err);
  }

  rejectAll(err: unknown): void {
    for (const seq of [...this.#bySeq.keys()]) this.reject(seq, err);
  }

  #take(seq: number): Pending | undefined {
    const p = this.#bySeq.get(seq);
    if (p === undefined) return undefined;
    this.#bySeq.delete(seq);
    this.#unindex(p);
    p.dispose();
    return p;
  }

  #unindex(p: Pending): void {
    if (p.index === 0) return;
    const set = this.#byIndex.get(p.index);
    set?.delete(p.seq);
    if (set?.size === 0) this.#byIndex.delete(p.index);
  }
}
