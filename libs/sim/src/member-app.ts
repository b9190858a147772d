// The application a simulated member runs on top of Raft: the replicated
// state machine plus whatever serves clients from it (pending proposals,
// ReadIndex reads; for the store also the watch hub and the lessor). One
// instance per incarnation of a member: a crash drops it, a restart builds a
// new one from the drive's snapshot. member.ts drives it through this
// interface; each workload supplies its own (register-app.ts, store/store-app.ts).

import type { Entry, LogIndex, NodeId, ReadState } from '@logbook/raft';

/** What an application may ask of the member it runs on. */
export interface AppHost {
  readonly id: NodeId;
  /** Propose a normal entry. Throws NotLeaderError / ProposalDroppedError (the request had no effect). */
  propose(data: Uint8Array): void;
  /** Ask for a linearizable read point; the ReadState comes back through readStates(). */
  readIndex(ctx: Uint8Array): void;
  /** The leader this member knows of (0: none). */
  leader(): NodeId;
  /**
   * The core leads right now. Readys report role changes only when taken,
   * so between a message that deposes this member and its next Ready the
   * application may still believe it leads; a proposal that must come from
   * the leader checks this first (a follower would forward it).
   */
  isLeader(): boolean;
  /**
   * This member's own monotonic clock, in ticks it has taken: it runs slow
   * when the member's clock skips ticks, stands still while it is down, and
   * never runs ahead of the simulation's tick counter.
   */
  localTicks(): number;
}

export interface MemberApp {
  /** Replace the state with a snapshot's; empty data is the initial state (the bootstrap snapshot). */
  restore(data: Uint8Array, index: LogIndex): void;
  /** Apply one committed normal entry that carries data. */
  apply(entry: Entry): void;
  /** Optional: apply consecutive committed normal entries with data at once, as the runtime does (one storage commit). */
  applyBatch?(entries: readonly Entry[]): void;
  /** After a Ready's entries were applied: its read states, and `applied` to serve every read that waited for it. */
  serveReads(readStates: readonly ReadState[], applied: number): void;
  snapshot(): Uint8Array;
  /** A short exact rendering of the whole replicated state, compared across members. */
  digest(): string;
  /** The member's Raft role changed to or from leader. */
  leadershipChanged(leader: boolean): void;
  /** The member's clock ticked (after its RawNode ticked). */
  tick(): void;
  /** This incarnation ends (crash, stop): release what clients hold on it. */
  close(): void;
}

export type AppFactory<A extends MemberApp> = (host: AppHost) => A;
