// Routes what members report to the safety checkers and keeps the first
// violation. Cheap enough to run on every event of every run.

import type { Entry, LogIndex, NodeId, Term } from '@logbook/raft';
import { ElectionSafetyChecker } from './election-safety.ts';
import { LeaderCompletenessChecker, type LogLookup } from './leader-completeness.ts';
import { LogMatchingChecker } from './log-matching.ts';
import { StateMachineSafetyChecker } from './state-machine-safety.ts';
import type { Violation } from './violation.ts';

export class SafetyMonitor {
  readonly election = new ElectionSafetyChecker();
  readonly logMatching = new LogMatchingChecker();
  readonly completeness = new LeaderCompletenessChecker();
  readonly stateMachine = new StateMachineSafetyChecker();
  /** Terms whose leader's log was checked for completeness. */
  readonly #checkedTerms = new Set<number>();
  #violation: Violation | undefined;
  /** The current tick, for stamping violations. */
  now = 0;

  get violation(): Violation | undefined {
    return this.#violation;
  }

  report(v: Violation | undefined): void {
    if (v !== undefined && this.#violation === undefined) this.#violation = v;
  }

  /**
   * Returns true when this is the first sight of `member` leading `term`.
   * With `lookup` (it leads `term` right now), `voter` says whether it is a
   * voter of the configuration it holds: a learner, or a member removed from
   * the configuration in force, must never lead.
   */
  leader(member: NodeId, term: Term, lookup: LogLookup | undefined, voter: boolean): boolean {
    const seen = this.election.observeLeader(term, member, this.now);
    this.report(seen.violation);
    if (lookup !== undefined && !voter) {
      this.report({ checker: 'election-safety', tick: this.now, message: `member ${member} leads term ${term} but is not a voter of its configuration` });
    }
    if (lookup !== undefined && !this.#checkedTerms.has(term) && this.election.leaderOf(term) === member) {
      this.#checkedTerms.add(term);
      this.report(this.completeness.checkNewLeader(member, term, lookup, this.now));
    }
    return seen.isNew;
  }

  committed(member: NodeId, memberTerm: Term, entries: readonly Entry[]): void {
    this.report(this.completeness.observeCommitted(member, memberTerm, entries, this.now));
  }

  persisted(member: NodeId, entries: readonly Entry[], prevTerm: Term | undefined): void {
    this.report(this.logMatching.observePersisted(member, entries, prevTerm, this.now));
  }

  applied(member: NodeId, entry: Entry, digest: string | undefined): void {
    this.report(this.stateMachine.observeApplied(member, entry, digest, this.now));
  }

  snapshotRestored(member: NodeId, index: LogIndex, digest: string): void {
    this.report(this.stateMachine.observeSnapshotRestored(member, index, digest, this.now));
  }
}
