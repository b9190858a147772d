// State-machine safety: no two members apply different entries at the same
// index, and members that have applied the same prefix hold the same state.
// Every applied entry (no-ops and conf changes included) is compared with the
// first application of that index anywhere; the state digest after applying
// it must match too, which also covers snapshots: a member restoring a
// snapshot at index i must end up in the state others had after applying i.
// A member that applies a run of entries in one batch reports the digest only
// after the last of them (undefined for the others): inside a batch there is
// no state to compare.

import type { Entry, NodeId } from '@logbook/raft';
import { bytesEqual, type Violation } from './violation.ts';

interface Applied {
  readonly entry: Entry | undefined;
  readonly digest: string | undefined;
  readonly member: NodeId;
}

export class StateMachineSafetyChecker {
  readonly #applied = new Map<number, Applied>();

  observeApplied(member: NodeId, entry: Entry, digestAfter: string | undefined, tick: number): Violation | undefined {
    const known = this.#applied.get(entry.index);
    if (known === undefined) {
      this.#applied.set(entry.index, { entry, digest: digestAfter, member });
      return undefined;
    }
    if (known.entry !== undefined) {
      const k = known.entry;
      if (k.term !== entry.term || k.type !== entry.type || !bytesEqual(k.data, entry.data)) {
        return {
          checker: 'state-machine-safety',
          tick,
          message:
            `members ${known.member} and ${member} applied different entries at index ${entry.index} ` +
            `(terms ${k.term} and ${entry.term})`,
        };
      }
    } else {
      this.#applied.set(entry.index, { entry, digest: known.digest, member: known.member });
    }
    if (known.digest === undefined) {
      if (digestAfter !== undefined) this.#applied.set(entry.index, { entry, digest: digestAfter, member });
      return undefined;
    }
    return this.#compareDigest(known.digest, known.member, member, entry.index, digestAfter, tick);
  }

  observeSnapshotRestored(member: NodeId, index: number, digest: string, tick: number): Violation | undefined {
    const known = this.#applied.get(index);
    if (known === undefined || known.digest === undefined) {
      this.#applied.set(index, { entry: known?.entry, digest, member });
      return undefined;
    }
    return this.#compareDigest(known.digest, known.member, member, index, digest, tick);
  }

  #compareDigest(knownDigest: string, knownMember: NodeId, member: NodeId, index: number, digest: string | undefined, tick: number): Violation | undefined {
    if (digest === undefined || knownDigest === digest) return undefined;
    return {
      checker: 'state-machine-safety',
      tick,
      message: `state after index ${index} differs: member ${knownMember} had ${knownDigest}, member ${member} has ${digest}`,
    };
  }

  get appliedCount(): number {
    return this.#applied.size;
  }
}
