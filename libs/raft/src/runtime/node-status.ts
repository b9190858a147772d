// A JSON-friendly view of a running member, for /status endpoints and logs.

import type { ProgressStateType, StateType, Status } from '../core/ready.ts';
import type { ConfState, NodeId } from '../core/types.ts';

export interface PeerProgress {
  readonly id: NodeId;
  readonly match: number;
  readonly next: number;
  readonly state: ProgressStateType;
  readonly isLearner: boolean;
}

export interface RuntimeCounters {
  /** Ready batches handled. */
  readonly readies: number;
  /** persist() calls, i.e. group commits. */
  readonly persists: number;
  /** persist() calls that had to fsync (new entries, term or vote). */
  readonly syncs: number;
  /** Inbound messages dropped because the inbound queue was full. */
  readonly droppedMessages: number;
  readonly snapshotsCreated: number;
  readonly snapshotsRestored: number;
}

export interface NodeStatus {
  readonly id: NodeId;
  readonly term: number;
  readonly vote: NodeId;
  readonly commit: number;
  readonly applied: number;
  readonly lead: NodeId;
  readonly raftState: StateType;
  readonly leadTransferee: NodeId;
  readonly confState: ConfState;
  readonly lastSnapshotIndex: number;
  readonly pendingProposals: number;
  readonly pendingReads: number;
  readonly counters: RuntimeCounters;
  /** Only on the leader. */
  readonly progress: readonly PeerProgress[];
}

export function buildStatus(
  s: Status,
  extra: Pick<NodeStatus, 'applied' | 'confState' | 'lastSnapshotIndex' | 'pendingProposals' | 'pendingReads' | 'counters'>,
): NodeStatus {
  return {
    id: s.id,
    term: s.hardState.term,
    vote: s.hardState.vote,
    commit: s.hardState.commit,
    lead: s.softState.lead,
    raftState: s.softState.raftState,
    leadTransferee: s.leadTransferee,
    ...extra,
    progress: [...s.progress].map(([id, p]) => ({
      id,
      match: p.match,
      next: p.next,
      state: p.state,
      isLearner: p.isLearner,
    })),
  };
}
