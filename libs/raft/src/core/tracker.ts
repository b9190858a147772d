// Membership and the quorum arithmetic over it: who votes, who is a
// learner, the committed index a majority has matched, election tallies.

import { assert } from './errors.ts';
import { Progress } from './progress.ts';
import type { ConfState, LogIndex, NodeId } from './types.ts';

export type VoteResult = 'won' | 'lost' | 'pending';

export class ProgressTracker {
  voters: Set<NodeId> = new Set();
  learners: Set<NodeId> = new Set();
  progress: Map<NodeId, Progress> = new Map();
  votes: Map<NodeId, boolean> = new Map();
  readonly maxInflightMsgs: number;
  readonly maxInflightBytes: number;

  constructor(maxInflightMsgs: number, maxInflightBytes: number) {
    this.maxInflightMsgs = maxInflightMsgs;
    this.maxInflightBytes = maxInflightBytes;
  }

  confState(): ConfState {
    return { voters: [...this.voters].sort((a, b) => a - b), learners: [...this.learners].sort((a, b) => a - b) };
  }

  isSingleton(): boolean {
    return this.voters.size === 1 && this.learners.size === 0;
  }

  quorum(): number {
    return Math.floor(this.voters.size / 2) + 1;
  }

  /** Rebuild membership from a ConfState, keeping progress of members that stay. */
  applyConfState(cs: ConfState, lastIndex: LogIndex): void {
    const voters = new Set(cs.voters);
    const learners = new Set(cs.learners);
    for (const l of learners) assert(!voters.has(l), () => `${l} is both voter and learner`);
    const progress = new Map<NodeId, Progress>();
    for (const id of [...voters, ...learners]) {
      const existing = this.progress.get(id);
      if (existing !== undefined) {
        existing.isLearner = learners.has(id);
        progress.set(id, existing);
      } else {
        const pr = new Progress((lastIndex + 1) as LogIndex, this.maxInflightMsgs, this.maxInflightBytes, learners.has(id));
        // A new member is presumed active so check-quorum does not depose the leader before it answers.
        pr.recentActive = true;
        progress.set(id, pr);
      }
    }
    this.voters = voters;
    this.learners = learners;
    this.progress = progress;
  }

  /** The largest index matched by a majority of voters. */
  committed(): LogIndex {
    const n = this.voters.size;
    if (n === 0) return Number.MAX_SAFE_INTEGER as LogIndex; // no voters: commit nothing by quorum; caller guards
    const matched: number[] = [];
    for (const id of this.voters) matched.push(this.progress.get(id)?.match ?? 0);
    matched.sort((a, b) => b - a);
    return matched[this.quorum() - 1]! as LogIndex;
  }

  /** Whether a quorum of voters was recently active (check-quorum). */
  quorumActive(): boolean {
    let active = 0;
    for (const id of this.voters) if (this.progress.get(id)?.recentActive === true) active++;
    return active >= this.quorum();
  }

  resetVotes(): void {
    this.votes = new Map();
  }

  recordVote(id: NodeId, granted: boolean): void {
    if (!this.votes.has(id)) this.votes.set(id, granted);
  }

  tallyVotes(): { granted: number; rejected: number; result: VoteResult } {
    let granted = 0;
    let rejected = 0;
    for (const id of this.voters) {
      const v = this.votes.get(id);
      if (v === true) granted++;
      else if (v === false) rejected++;
    }
    const q = this.quorum();
    const result: VoteResult = granted >= q ? 'won' : this.voters.size - rejected < q ? 'lost' : 'pending';
    return { granted, rejected, result };
  }
}
