// Log matching: if two logs hold an entry with the same index and term, the
// logs are identical up to that index. Checked incrementally over every entry
// any member ever persists: the first copy of (index, term) seen anywhere is
// remembered with its payload and the term of the entry before it; every
// later copy must agree on both. By induction on the index this is the whole
// property (the base case is index 0 / a snapshot boundary), at the cost of
// one map lookup per persisted entry instead of comparing logs pairwise.

import type { Entry, NodeId, Term } from '@logbook/raft';
import { bytesEqual, type Violation } from './violation.ts';

interface Seen {
  readonly entry: Entry;
  /** Term of the entry at index-1, or undefined when it was compacted away in that log. */
  readonly prevTerm: Term | undefined;
  readonly member: NodeId;
}

export class LogMatchingChecker {
  /** index → term → first copy seen. */
  readonly #seen = new Map<number, Map<number, Seen>>();

  /**
   * `entries` were just persisted contiguously by `member`; `prevTerm` is the
   * term of the entry before the first one in that member's log (undefined if
   * compacted).
   */
  observePersisted(member: NodeId, entries: readonly Entry[], prevTerm: Term | undefined, tick: number): Violation | undefined {
    let prev = prevTerm;
    for (const e of entries) {
      const v = this.#observe(member, e, prev, tick);
      if (v !== undefined) return v;
      prev = e.term;
    }
    return undefined;
  }

  #observe(member: NodeId, e: Entry, prevTerm: Term | undefined, tick: number): Violation | undefined {
    let byTerm = this.#seen.get(e.index);
    if (byTerm === undefined) this.#seen.set(e.index, (byTerm = new Map<number, Seen>()));
    const first = byTerm.get(e.term);
    if (first === undefined) {
      byTerm.set(e.term, { entry: e, prevTerm, member });
      return undefined;
    }
    const where = `index ${e.index} term ${e.term} (members ${first.member} and ${member})`;
    if (first.entry.type !== e.type || !bytesEqual(first.entry.data, e.data)) {
      return { checker: 'log-matching', tick, message: `different payloads at ${where}` };
    }
    if (first.prevTerm !== undefined && prevTerm !== undefined && first.prevTerm !== prevTerm) {
      return {
        checker: 'log-matching',
        tick,
        message: `same entry at ${where} follows different terms at index ${e.index - 1}: ${first.prevTerm} vs ${prevTerm}`,
      };
    }
    if (first.prevTerm === undefined && prevTerm !== undefined) byTerm.set(e.term, { ...first, prevTerm });
    return undefined;
  }
}

/**
 * The pairwise form, for final logs: for every index both logs hold with the
 * same term, everything from the later of their first indexes up to it matches.
 */
export function compareLogs(a: readonly Entry[], b: readonly Entry[]): string | undefined {
  const byIndex = new Map<number, Entry>();
  for (const e of a) byIndex.set(e.index, e);
  let lastMatch = -1;
  for (let i = b.length - 1; i >= 0; i--) {
    const eb = b[i]!;
    const ea = byIndex.get(eb.index);
    if (ea !== undefined && ea.term === eb.term) {
      lastMatch = i;
      break;
    }
  }
  for (let i = 0; i <= lastMatch; i++) {
    const eb = b[i]!;
    const ea = byIndex.get(eb.index);
    if (ea === undefined) continue;
    if (ea.term !== eb.term || ea.type !== eb.type || !bytesEqual(ea.data, eb.data)) {
      return `logs share index ${b[lastMatch]!.index} term ${b[lastMatch]!.term} but differ at index ${eb.index}`;
    }
  }
  return undefined;
}
