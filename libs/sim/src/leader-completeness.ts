// Leader completeness: an entry committed in term T is in the log of every
// leader of a term after T.
//
// "Committed in term T" is observed from outside: when a member at term T
// reports commit index c, every entry up to c was committed by a leader of a
// term <= T (commit indexes only travel from leaders to members whose term
// is at least theirs). So each committed entry carries the smallest member
// term at which it was reported committed, an upper bound on its real commit
// term. Using an upper bound only skips checks, it never invents a violation.
// Each new leader is checked when first seen against every entry committed by
// then with a smaller commit term.

import type { Entry, LogIndex, NodeId, Term } from '@logbook/raft';
import { bytesEqual, type Violation } from './violation.ts';

export type LogLookup = (index: LogIndex) =>
  | { readonly kind: 'entry'; readonly entry: Entry }
  | { readonly kind: 'compacted' }
  | { readonly kind: 'missing' };

interface Committed {
  readonly entry: Entry;
  commitTerm: number;
  readonly member: NodeId;
}

export class LeaderCompletenessChecker {
  readonly #committed = new Map<number, Committed>();

  /** `entries` are committed according to `member`, whose term is `memberTerm`. */
  observeCommitted(member: NodeId, memberTerm: Term, entries: readonly Entry[], tick: number): Violation | undefined {
    for (const e of entries) {
      const known = this.#committed.get(e.index);
      if (known === undefined) {
        this.#committed.set(e.index, { entry: e, commitTerm: memberTerm, member });
        continue;
      }
      if (known.entry.term !== e.term || known.entry.type !== e.type || !bytesEqual(known.entry.data, e.data)) {
        return {
          checker: 'leader-completeness',
          tick,
          message:
            `two different entries committed at index ${e.index}: term ${known.entry.term} (per member ${known.member}) ` +
            `and term ${e.term} (per member ${member})`,
        };
      }
      if (memberTerm < known.commitTerm) known.commitTerm = memberTerm;
    }
    return undefined;
  }

  /** `leader` just became leader of `term`; `lookup` reads its log. */
  checkNewLeader(leader: NodeId, term: Term, lookup: LogLookup, tick: number): Violation | undefined {
    for (const c of this.#committed.values()) {
      if (c.commitTerm >= term) continue;
      const found = lookup(c.entry.index);
      if (found.kind === 'compacted') continue;
      const fail = (why: string): Violation => ({
        checker: 'leader-completeness',
        tick,
        message:
          `leader ${leader} of term ${term} ${why} entry index ${c.entry.index} term ${c.entry.term}, ` +
          `committed by term ${c.commitTerm}`,
      });
      if (found.kind === 'missing') return fail('lacks');
      const e = found.entry;
      if (e.term !== c.entry.term || !bytesEqual(e.data, c.entry.data)) return fail(`has term ${e.term} instead of`);
    }
    return undefined;
  }

  get committedCount(): number {
    return this.#committed.size;
  }

  highestCommitted(): number {
    let max = 0;
    for (const i of this.#committed.keys()) if (i > max) max = i;
    return max;
  }
}
