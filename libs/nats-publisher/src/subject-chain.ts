// The memory behind each message's prevRevision: for every subject, the
// last revision with an event on it, learned by walking the history forward
// from `start` (every revision <= start was published before, by someone).
// A leader walks it while publishing; a follower walks it behind the
// leader's announced cursor, so that on promotion it continues with the
// same prevRevision values the old leader would have sent (no false gaps).
//
// Invariant handed to subscribers: for a message (subject S, revision r,
// prev p), p < r and no event on S has a revision in (p, r). The chain
// records every event after `start`, so for a subject it remembers, p is
// exactly S's previous revision; for one it does not, p = floor (>= start),
// which is >= S's last revision after start, so the invariant still holds
// and the worst case is a false gap (a subscriber checks history needlessly).
//
// Bound: at most maxSubjects entries. At the bound the least recently
// changed subject is forgotten and `floor` rises to its revision.
//
// Updates are staged while a batch is being published and committed only
// once the server confirmed the batch (flush), so a retried batch is rebuilt
// with exactly the same prev values.

import type { Revision } from '@logbook/mvcc';
import { assert } from './errors.ts';

export class SubjectChain {
  readonly start: Revision;
  readonly maxSubjects: number;
  /** Recency order: Map iteration order is insertion order; updates re-insert. */
  readonly #committed = new Map<string, Revision>();
  readonly #staged = new Map<string, Revision>();
  #floor: Revision;

  constructor(start: Revision, maxSubjects: number) {
    assert(Number.isSafeInteger(start) && start >= 0, () => `bad session start ${start}`);
    assert(Number.isSafeInteger(maxSubjects) && maxSubjects > 0, 'maxSubjects must be a positive integer');
    this.start = start;
    this.maxSubjects = maxSubjects;
    this.#floor = start;
  }

  /** prevRevision for a message on `subject` at `revision` (staged updates included). */
  prevFor(subject: string, revision: Revision): Revision {
    const p = this.#staged.get(subject) ?? this.#committed.get(subject) ?? this.#floor;
    assert(p < revision, () => `subject ${subject}: prev ${p} is not below ${revision} (revisions out of order)`);
    return p;
  }

  stage(subject: string, revision: Revision): void {
    this.#staged.set(subject, revision);
  }

  /** The batch reached the server: its revisions become the chain. */
  commit(): void {
    for (const [s, r] of this.#staged) {
      this.#committed.delete(s);
      this.#committed.set(s, r);
    }
    this.#staged.clear();
    while (this.#committed.size > this.maxSubjects) {
      const oldest = this.#committed.entries().next().value;
      assert(oldest !== undefined, 'non-empty map has a first entry');
      this.#committed.delete(oldest[0]);
      this.#floor = Math.max(this.#floor, oldest[1]);
    }
  }

  /** A copy of the committed state (a deposed leader hands its chain to its follower side). */
  clone(): SubjectChain {
    const c = new SubjectChain(this.start, this.maxSubjects);
    for (const [s, r] of this.#committed) c.#committed.set(s, r);
    c.#floor = this.#floor;
    return c;
  }

  /** The batch failed: forget what it would have changed. */
  discard(): void {
    this.#staged.clear();
  }

  get size(): number {
    return this.#committed.size;
  }

  get floor(): Revision {
    return this.#floor;
  }
}
