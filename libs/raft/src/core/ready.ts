// What the core hands the application, and what the application owes it.

import type { Entry, HardState, LogIndex, Message, NodeId, Snapshot } from './types.ts';

export type StateType = 'follower' | 'candidate' | 'pre-candidate' | 'leader';

/** Volatile state, useful for logging and routing; never persisted. */
export interface SoftState {
  readonly lead: NodeId;
  readonly raftState: StateType;
}

/** A linearizable read became serviceable once the state machine has applied `index`. */
export interface ReadState {
  readonly index: LogIndex;
  readonly requestCtx: Uint8Array;
}

/**
 * A batch of work. The application must, in this order:
 *  1. persist `hardState`, `snapshot` and `entries` durably (fsync when `mustSync`);
 *     entries replace any persisted entries at the same or higher index;
 *  2. only then send `messages` (they may acknowledge what step 1 persisted);
 *  3. apply `snapshot` (if any) then `committedEntries` to the state machine,
 *     calling applyConfChange() for each 'conf-change' entry;
 *  4. call advance(rd).
 * Nothing from the next ready() may be acted on before advance() of this one.
 */
export interface Ready {
  readonly softState?: SoftState | undefined;
  readonly hardState?: HardState | undefined;
  readonly readStates: readonly ReadState[];
  readonly entries: readonly Entry[];
  readonly snapshot?: Snapshot | undefined;
  readonly committedEntries: readonly Entry[];
  readonly messages: readonly Message[];
  /** True when hardState.term/vote or entries changed: the write needs an fsync before messages go out. */
  readonly mustSync: boolean;
}

/** The leader's view of a follower, for status and the runtime's snapshot streaming. */
export type ProgressStateType = 'probe' | 'replicate' | 'snapshot';

export interface ProgressStatus {
  readonly match: LogIndex;
  readonly next: LogIndex;
  readonly state: ProgressStateType;
  readonly pendingSnapshot: LogIndex;
  readonly recentActive: boolean;
  readonly inflightCount: number;
  readonly inflightBytes: number;
  readonly isLearner: boolean;
}

export interface Status {
  readonly id: NodeId;
  readonly hardState: HardState;
  readonly softState: SoftState;
  readonly applied: LogIndex;
  readonly leadTransferee: NodeId;
  /** Only on the leader. */
  readonly progress: ReadonlyMap<NodeId, ProgressStatus>;
}
