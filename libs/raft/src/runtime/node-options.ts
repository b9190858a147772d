// Construction-time options of a running member, validated once with every
// problem reported together.

import type { Config, RandomInt } from '../core/config.ts';
import { ConfigError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { NodeId } from '../core/types.ts';
import type { Persistence, StateMachine } from './persistence.ts';
import type { Scheduler } from './scheduler.ts';
import type { Transport } from './transport.ts';

/** The core's Config without what the runtime supplies itself. */
export type RaftNodeConfig = Omit<Config, 'storage' | 'random' | 'logger' | 'applied'>;

export interface RaftNodeOptions<R> {
  readonly config: RaftNodeConfig;
  /** Owned by the node from start(): close() closes it. */
  readonly persistence: Persistence;
  /** Owned by the node from start(): close() closes it. */
  readonly transport: Transport;
  readonly stateMachine: StateMachine<R>;
  readonly tickIntervalMs: number;
  /** Applied entries between two snapshots of the state machine. */
  readonly snapshotCount: number;
  /** Entries kept in the log behind a snapshot, so slow followers catch up without one. */
  readonly snapshotCatchUpEntries: number;
  /** Proposals (and conf changes) accepted but not yet settled; beyond it: TooManyRequestsError. */
  readonly maxPendingProposals: number;
  /** Reads waiting on a read barrier; defaults to maxPendingProposals. */
  readonly maxPendingReads?: number;
  /** Messages received and not yet stepped; beyond it they are dropped (raft retransmits). Default 8192. */
  readonly maxInboundMessages?: number;
  /**
   * Addresses of the members the transport was constructed with (and this
   * member's own, so snapshots carry it). Used for the snapshot address book.
   */
  readonly addresses?: ReadonlyMap<NodeId, string>;
  readonly logger: Logger;
  readonly random: RandomInt;
  /** Timers; real ones by default. */
  readonly scheduler?: Scheduler;
  /** Aborting it closes the node. */
  readonly signal?: AbortSignal;
}

export const DEFAULT_MAX_INBOUND_MESSAGES = 8192;

export function validateNodeOptions<R>(o: RaftNodeOptions<R>): void {
  const problems: string[] = [];
  const posInt = (v: number | undefined, name: string): void => {
    if (v !== undefined && (!Number.isSafeInteger(v) || v <= 0)) problems.push(`${name} must be a positive integer (got ${v})`);
  };
  posInt(o.tickIntervalMs, 'tickIntervalMs');
  posInt(o.snapshotCount, 'snapshotCount');
  if (!Number.isSafeInteger(o.snapshotCatchUpEntries) || o.snapshotCatchUpEntries < 0) {
    problems.push(`snapshotCatchUpEntries must be a non-negative integer (got ${o.snapshotCatchUpEntries})`);
  }
  posInt(o.maxPendingProposals, 'maxPendingProposals');
  posInt(o.maxPendingReads, 'maxPendingReads');
  posInt(o.maxInboundMessages, 'maxInboundMessages');
  for (const [id, address] of o.addresses ?? []) {
    if (!Number.isSafeInteger(id) || id <= 0) problems.push(`address book id ${id} is not a positive integer`);
    if (address === '') problems.push(`address of member ${id} is empty`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
}
