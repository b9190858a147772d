// Construction-time configuration of one member. Validated once; every
// problem is reported together.

import { ConfigError } from './errors.ts';
import type { Logger } from './logger.ts';
import type { Storage } from './storage.ts';
import type { LogIndex, NodeId } from './types.ts';

/** A seeded source of randomness: returns an integer in [0, n). */
export type RandomInt = (n: number) => number;

export type ReadOnlyOption = 'safe' | 'lease-based';

export interface Config {
  readonly id: NodeId;
  /** Ticks a follower waits without hearing from a leader before it campaigns; randomized in [e, 2e). */
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  readonly storage: Storage;
  /** Last applied index, when restarting. Entries up to it are not returned again. */
  readonly applied?: LogIndex;
  /** Upper bound on the bytes of entries in one MsgApp (at least one entry is always sent). */
  readonly maxSizePerMsgBytes: number;
  /** Upper bound on the bytes of committed entries handed out in one Ready. */
  readonly maxCommittedSizePerReadyBytes?: number;
  /** Upper bound on the payload bytes of proposed but uncommitted entries; further proposals are dropped. */
  readonly maxUncommittedEntriesBytes: number;
  /** Upper bound on in-flight MsgApp per follower in replicate state. */
  readonly maxInflightMsgs: number;
  /** Upper bound on in-flight MsgApp payload bytes per follower (0: no byte limit). */
  readonly maxInflightBytes?: number;
  /** Largest single proposal payload accepted, in bytes. */
  readonly maxProposalBytes?: number;
  readonly checkQuorum: boolean;
  readonly preVote: boolean;
  readonly readOnlyOption?: ReadOnlyOption;
  /** When true, a follower refuses proposals with NotLeaderError instead of forwarding them. */
  readonly disableProposalForwarding?: boolean;
  readonly random: RandomInt;
  readonly logger: Logger;
  /** Deliberate faults for the simulator's self-test. Never set outside tests. */
  readonly testingKnobs?: TestingKnobs;
}

export interface TestingKnobs {
  /** Commit entries of earlier terms by counting replicas (unsafe: Figure 8 of the Raft paper). */
  readonly commitByOldTermReplicas?: boolean;
}

export interface ValidConfig extends Config {
  readonly applied: LogIndex;
  readonly maxCommittedSizePerReadyBytes: number;
  readonly maxInflightBytes: number;
  readonly maxProposalBytes: number;
  readonly readOnlyOption: ReadOnlyOption;
  readonly disableProposalForwarding: boolean;
}

export function validateConfig(c: Config): ValidConfig {
  const problems: string[] = [];
  const posInt = (v: number, name: string): void => {
    if (!Number.isSafeInteger(v) || v <= 0) problems.push(`${name} must be a positive integer (got ${v})`);
  };
  if (!Number.isSafeInteger(c.id) || c.id <= 0) problems.push('id must be a positive integer');
  posInt(c.heartbeatTicks, 'heartbeatTicks');
  posInt(c.electionTicks, 'electionTicks');
  if (c.electionTicks <= c.heartbeatTicks) problems.push('electionTicks must be greater than heartbeatTicks');
  posInt(c.maxSizePerMsgBytes, 'maxSizePerMsgBytes');
  posInt(c.maxInflightMsgs, 'maxInflightMsgs');
  posInt(c.maxUncommittedEntriesBytes, 'maxUncommittedEntriesBytes');
  const maxInflightBytes = c.maxInflightBytes ?? 0;
  if (maxInflightBytes !== 0 && maxInflightBytes < c.maxSizePerMsgBytes) {
    problems.push('maxInflightBytes must be 0 or at least maxSizePerMsgBytes');
  }
  const maxProposalBytes = c.maxProposalBytes ?? c.maxUncommittedEntriesBytes;
  posInt(maxProposalBytes, 'maxProposalBytes');
  const readOnlyOption = c.readOnlyOption ?? 'safe';
  if (readOnlyOption === 'lease-based' && !c.checkQuorum) {
    problems.push('readOnlyOption lease-based requires checkQuorum');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    ...c,
    applied: c.applied ?? (0 as LogIndex),
    maxCommittedSizePerReadyBytes: c.maxCommittedSizePerReadyBytes ?? c.maxSizePerMsgBytes * 64,
    maxInflightBytes,
    maxProposalBytes,
    readOnlyOption,
    disableProposalForwarding: c.disableProposalForwarding ?? false,
  };
}
