// The vocabulary of the consensus core: identifiers, log entries, persistent
// state, snapshots and messages. Everything here is plain immutable data so a
// message can be cloned, logged, serialized or replayed by the simulator.

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

/** A member of the group. 0 means "none". Safe integers only (< 2^53). */
export type NodeId = Brand<number, 'NodeId'>;
export type Term = Brand<number, 'Term'>;
export type LogIndex = Brand<number, 'LogIndex'>;

export const NONE = 0 as NodeId;

export const nodeId = (n: number): NodeId => n as NodeId;
export const term = (n: number): Term => n as Term;
export const logIndex = (n: number): LogIndex => n as LogIndex;

export type EntryType = 'normal' | 'conf-change';

export interface Entry {
  readonly term: Term;
  readonly index: LogIndex;
  readonly type: EntryType;
  /** Opaque to the core for 'normal'; an encoded ConfChange for 'conf-change'. Empty for the leader's no-op. */
  readonly data: Uint8Array;
}

/** Persisted before any message that depends on it is sent. */
export interface HardState {
  readonly term: Term;
  readonly vote: NodeId;
  readonly commit: LogIndex;
}

export const EMPTY_HARD_STATE: HardState = { term: 0 as Term, vote: NONE, commit: 0 as LogIndex };

export function isEmptyHardState(hs: HardState): boolean {
  return hs.term === 0 && hs.vote === NONE && hs.commit === 0;
}

export function hardStateEqual(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

/** Membership. One change at a time (see DESIGN.md), so no joint configuration. */
export interface ConfState {
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
}

export type ConfChangeType = 'add-voter' | 'add-learner' | 'remove-node';

/**
 * A single membership change. 'add-voter' on an existing learner promotes it;
 * 'add-learner' on an existing voter demotes it.
 */
export interface ConfChange {
  readonly type: ConfChangeType;
  readonly nodeId: NodeId;
  /** Opaque to the core: the runtime carries the member's address here. */
  readonly context: Uint8Array;
}

export interface SnapshotMetadata {
  readonly index: LogIndex;
  readonly term: Term;
  readonly confState: ConfState;
}

export interface Snapshot {
  readonly metadata: SnapshotMetadata;
  /** The application's state as of metadata.index. Streamed in chunks by the transport. */
  readonly data: Uint8Array;
}

export const EMPTY_SNAPSHOT: Snapshot = {
  metadata: { index: 0 as LogIndex, term: 0 as Term, confState: { voters: [], learners: [] } },
  data: new Uint8Array(0),
};

export function isEmptySnapshot(s: Snapshot | undefined): boolean {
  return s === undefined || s.metadata.index === 0;
}

// ---------------------------------------------------------------------------
// Messages. Network messages travel between members; local messages are only
// ever fed to step() by the member's own runtime and are never sent.

export type NetworkMessageType =
  | 'MsgApp'
  | 'MsgAppResp'
  | 'MsgVote'
  | 'MsgVoteResp'
  | 'MsgPreVote'
  | 'MsgPreVoteResp'
  | 'MsgHeartbeat'
  | 'MsgHeartbeatResp'
  | 'MsgSnap'
  | 'MsgProp'
  | 'MsgReadIndex'
  | 'MsgReadIndexResp'
  | 'MsgTimeoutNow'
  | 'MsgTransferLeader';

export type LocalMessageType = 'MsgHup' | 'MsgBeat' | 'MsgCheckQuorum' | 'MsgUnreachable' | 'MsgSnapStatus';

export type MessageType = NetworkMessageType | LocalMessageType;

/**
 * One flat shape for every message (as etcd-io/raft's raftpb.Message), so the
 * transport encodes a single protobuf type. Fields a type does not use are
 * left at their zero values; `type` discriminates.
 */
export interface Message {
  readonly type: MessageType;
  readonly from: NodeId;
  readonly to: NodeId;
  /** 0 for local messages and for MsgProp / MsgReadIndex forwarded by a follower. */
  readonly term: Term;
  /** MsgApp: term of the entry at `index`. Votes: term of the candidate's last entry. MsgAppResp rejection: term at rejectHint. */
  readonly logTerm: Term;
  /**
   * MsgApp: index preceding `entries`. Votes: candidate's last index. MsgAppResp: highest index matched (or the
   * rejected index). MsgHeartbeat/MsgHeartbeatResp: the leader's tick count when it sent the heartbeat (echoed).
   */
  readonly index: LogIndex;
  readonly entries: readonly Entry[];
  readonly commit: LogIndex;
  /** MsgSnap only; undefined (but present, so every message has one shape) otherwise. */
  readonly snapshot?: Snapshot | undefined;
  readonly reject: boolean;
  readonly rejectHint: LogIndex;
  /** Opaque correlation: ReadIndex request ids, transfer-leader campaign marker. */
  readonly context: Uint8Array;
  /**
   * MsgApp: no answer is wanted if the append is accepted. The leader sets it
   * on an empty MsgApp (a commit notice) to a follower in replicate state
   * that has acknowledged everything up to `index`: accepting it would only
   * repeat that acknowledgement. A refusal is always answered.
   */
  readonly noAck?: boolean | undefined;
}

const EMPTY_BYTES = new Uint8Array(0);

/**
 * Builds a message with zero values for every field not given. Every message
 * gets all fields, in this order (the wire decoder's too): one object shape,
 * so V8's optimized code for the hot paths meets one map, not one per
 * combination of optional fields.
 */
export function message(
  fields: Pick<Message, 'type'> & Partial<Omit<Message, 'type' | 'snapshot'>> & { snapshot?: Snapshot | undefined },
): Message {
  const m: Message = {
    type: fields.type,
    from: fields.from ?? NONE,
    to: fields.to ?? NONE,
    term: fields.term ?? (0 as Term),
    logTerm: fields.logTerm ?? (0 as Term),
    index: fields.index ?? (0 as LogIndex),
    entries: fields.entries ?? [],
    commit: fields.commit ?? (0 as LogIndex),
    reject: fields.reject ?? false,
    rejectHint: fields.rejectHint ?? (0 as LogIndex),
    context: fields.context ?? EMPTY_BYTES,
    snapshot: fields.snapshot,
    noAck: fields.noAck === true,
  };
  return m;
}

export function isLocalMessage(t: MessageType): t is LocalMessageType {
  return t === 'MsgHup' || t === 'MsgBeat' || t === 'MsgCheckQuorum' || t === 'MsgUnreachable' || t === 'MsgSnapStatus';
}

export function isResponseMessage(t: MessageType): boolean {
  return (
    t === 'MsgAppResp' ||
    t === 'MsgVoteResp' ||
    t === 'MsgHeartbeatResp' ||
    t === 'MsgPreVoteResp' ||
    t === 'MsgReadIndexResp'
  );
}

export function voteResponseType(t: 'MsgVote' | 'MsgPreVote'): 'MsgVoteResp' | 'MsgPreVoteResp' {
  return t === 'MsgVote' ? 'MsgVoteResp' : 'MsgPreVoteResp';
}

/** Payload bytes of an entry, used for every size limit. */
export function entryPayloadSize(e: Entry): number {
  return e.data.byteLength;
}

/** Approximate encoded size of an entry (payload plus fixed fields). */
export function entrySize(e: Entry): number {
  return e.data.byteLength + 24;
}

export function entriesSize(es: readonly Entry[]): number {
  let n = 0;
  for (const e of es) n += entrySize(e);
  return n;
}

export function payloadsSize(es: readonly Entry[]): number {
  let n = 0;
  for (const e of es) n += entryPayloadSize(e);
  return n;
}
