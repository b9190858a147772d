// What a simulated member (member.ts) reports, and how it is configured.
// The observer is told everything the checkers, the operator and the
// feature counters need, at the moment it happens.

import type { ConfChange, ConfState, Entry, LogIndex, Message, NodeId, ReadOnlyOption, Term } from '@logbook/raft';
import type { LogLookup } from './leader-completeness.ts';

export interface MemberObserver {
  /**
   * `member` acted as leader of `term`; `lookup` reads its log when it is
   * still leader of that term, and then `voter` says whether it is a voter of
   * the configuration it holds (a learner or a removed member must never lead).
   */
  leader(member: NodeId, term: Term, lookup: LogLookup | undefined, voter: boolean): void;
  /** `entries` became known committed to `member` (a leader when `asLeader`). */
  committed(member: NodeId, memberTerm: Term, entries: readonly Entry[], asLeader: boolean): void;
  persisted(member: NodeId, entries: readonly Entry[], prevTerm: Term | undefined): void;
  /** A write that changed the member's vote completed (the nemesis may crash it right after). */
  votePersisted(member: NodeId, term: Term, vote: NodeId): void;
  applied(member: NodeId, entry: Entry, digest: string | undefined): void;
  /** A conf-change entry was applied; `confState` is the configuration it produced on this member. */
  confChangeApplied(member: NodeId, entry: Entry, cc: ConfChange, confState: ConfState): void;
  /** The state machine was restored from a snapshot: at start-up from the drive, or one the leader sent. */
  snapshotRestored(member: NodeId, index: LogIndex, digest: string, source: 'drive' | 'leader'): void;
  snapshotCreated(member: NodeId, index: LogIndex): void;
  send(from: NodeId, messages: readonly Message[]): void;
}

export interface MemberSettings {
  readonly keyCount: number;
  readonly clientCount: number;
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  readonly checkQuorum: boolean;
  readonly preVote: boolean;
  readonly readOnlyOption: ReadOnlyOption;
  readonly maxSizePerMsgBytes: number;
  readonly maxInflightMsgs: number;
  /** Take a state-machine snapshot (and compact) every this many applied entries; 0 disables. */
  readonly snapshotEveryEntries: number;
  readonly retainEntries: number;
  readonly minDiskLatencyTicks: number;
  readonly maxDiskLatencyTicks: number;
  readonly commitByOldTermReplicas: boolean;
  /** Mutation: serve "ReadIndex" reads from local state without asking the leader. */
  readonly staleReads: boolean;
}
