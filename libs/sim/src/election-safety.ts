// Election safety: at most one leader per term, over the whole run (crashed
// and restarted members included). Fed every time the simulator sees a member
// act as leader: its soft state says so, or it sent a message only a leader
// sends (MsgApp, MsgHeartbeat, MsgSnap, MsgTimeoutNow), stamped with its term.

import type { NodeId, Term } from '@logbook/raft';
import type { Violation } from './violation.ts';

export class ElectionSafetyChecker {
  readonly #leaderOfTerm = new Map<number, NodeId>();

  /** Returns true the first time `id` is seen leading `term` (a new leadership). */
  observeLeader(term: Term, id: NodeId, tick: number): { readonly isNew: boolean; readonly violation?: Violation } {
    const known = this.#leaderOfTerm.get(term);
    if (known === undefined) {
      this.#leaderOfTerm.set(term, id);
      return { isNew: true };
    }
    if (known === id) return { isNew: false };
    return {
      isNew: false,
      violation: {
        checker: 'election-safety',
        tick,
        message: `two leaders in term ${term}: ${known} and ${id}`,
      },
    };
  }

  leaderOf(term: Term): NodeId | undefined {
    return this.#leaderOfTerm.get(term);
  }

  get termsWithLeader(): number {
    return this.#leaderOfTerm.size;
  }
}
