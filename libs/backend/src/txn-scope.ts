// The lifetime of one read or write callback. Transactions and their range
// iterables check it on every call so that use after the callback returned
// fails loudly (with LMDB it would read a recycled snapshot or crash). It
// also closes iterators the callback left unfinished, because an LMDB cursor
// must be closed before its transaction ends.

import { BackendError } from './errors.ts';

export class TxnScope {
  #live = true;
  readonly #open = new Set<Iterator<unknown>>();

  /** End the scope: close unfinished iterators, then refuse further use. */
  end(): void {
    if (!this.#live) return;
    this.closeIterators();
    this.#live = false;
  }

  /** Close the iterators the callback left unfinished (writes need none open); the scope stays live. */
  closeIterators(): void {
    for (const iterator of this.#open) iterator.return?.();
    this.#open.clear();
  }

  check(operation: string): void {
    if (!this.#live) {
      throw new BackendError('txn-ended', `${operation} after the transaction callback returned`);
    }
  }

  /** A write while a range iterator is unfinished: LMDB's cursor would not survive it; refuse on every engine. */
  checkWrite(operation: string): void {
    this.check(operation);
    if (this.#open.size > 0) {
      throw new BackendError('invalid-argument', `${operation} while a range iterator of this transaction is unfinished`);
    }
  }

  /** Wrap an iterator so every step checks the scope first (before touching the engine). */
  guard<T>(operation: string, open: () => Iterator<T>): Iterable<T> {
    return {
      [Symbol.iterator]: (): Iterator<T> => {
        this.check(operation);
        const inner = open();
        this.#open.add(inner);
        return {
          next: (): IteratorResult<T> => {
            this.check(operation);
            const result = inner.next();
            if (result.done === true) this.#open.delete(inner);
            return result;
          },
          return: (): IteratorResult<T> => {
            // After end() the inner iterator was already closed.
            if (this.#open.delete(inner)) inner.return?.();
            return { done: true, value: undefined };
          },
        };
      },
    };
  }
}
