// Every knob of a run, drawn from the seed: cluster shape, network and disk
// misbehaviour, crash and partition rates, core settings, workload. A mutant
// run biases the draw toward the faults that expose that mutant (documented
// per mutant below); an unmutated run never sees those biases.

import type { MemberSettings } from './member-observer.ts';
import type { MutantName } from './mutants.ts';
import type { NetworkParams } from './network.ts';
import type { Prng } from './prng.ts';
import type { DriveFaults } from './sim-disk.ts';

export interface PartitionParams {
  readonly perTickProbability: number;
  /** Probability that a member seen leading a new term is isolated at once (if no partition is active). */
  readonly isolateNewLeaderProbability: number;
  /** Probability that a leader asked to transfer leadership is made deaf at once (if no partition is active). */
  readonly deafAfterTransferProbability: number;
  readonly minTicks: number;
  readonly maxTicks: number;
}

export interface CrashParams {
  readonly perTickProbability: number;
  readonly minDownTicks: number;
  readonly maxDownTicks: number;
  /** Most members down at once. */
  readonly maxDown: number;
  /** Probability that a member is crashed within two ticks of persisting a vote. */
  readonly afterVoteProbability: number;
  readonly afterVoteMaxDownTicks: number;
  /** Probability that a member is crashed soon after it is first seen leading a term. */
  readonly newLeaderProbability: number;
  readonly newLeaderMaxTicks: number;
  /** Probability that a leader is crashed right after it advances its commit index. */
  readonly afterCommitProbability: number;
  /** Probability per tick that every member crashes at once (a power loss). */
  readonly powerLossProbability: number;
}

export interface ClientParams {
  readonly count: number;
  readonly opTimeoutTicks: number;
  readonly maxThinkTicks: number;
  /** Share of reads served through ReadIndex; the rest go through the log. */
  readonly readIndexShare: number;
  /** Probability that a client sends its next op to the member that answered its last one. */
  readonly stickiness: number;
}

/**
 * The operator's membership changes (membership-controller.ts). Ids
 * 1..clusterSize start as voters; ids up to maxMembers are spares it may add.
 */
export interface MembershipParams {
  readonly maxMembers: number;
  /** Probability per tick that the operator starts a change when none is in flight. */
  readonly changePerTickProbability: number;
  /** A removed member keeps running for up to this many ticks before the operator stops it. */
  readonly maxLingerTicks: number;
  /**
   * Ticks between stopping a removed member and re-adding its id on wiped
   * storage. Longer than any message can be in flight or any candidacy can
   * last, so no vote the old incarnation gave can be asked of the new one
   * (see DESIGN.md: why a reused id is safe here and fresh ids are better).
   */
  readonly reAddDelayTicks: number;
  /** Probability that the operator promotes a learner before it has caught up. */
  readonly impatientPromoteProbability: number;
  /**
   * Re-add a removed id only once every member holds a snapshot past its
   * removal (membership-controller.ts). Off only for the reuse-id mutant.
   */
  readonly reAddBarrier: boolean;
}

export interface SimParams {
  readonly seed: number;
  readonly mutant: MutantName | undefined;
  /** Members at the start (all voters). */
  readonly clusterSize: number;
  /** Every member id that can ever run: 1..memberIds (clusterSize plus the spares of a membership run). */
  readonly memberIds: number;
  readonly keyCount: number;
  readonly safetyTicks: number;
  readonly livenessBudgetTicks: number;
  readonly network: NetworkParams;
  /** The liveness phase's calm network: short delays, nothing lost, duplicated or held back. */
  readonly calmNetwork: NetworkParams;
  readonly partitions: PartitionParams;
  readonly crashes: CrashParams;
  readonly drive: DriveFaults;
  readonly member: MemberSettings;
  readonly clients: ClientParams;
  /** Per member (index = id - 1): probability that it misses a tick, i.e. a slow clock. */
  readonly tickSkipProbability: readonly number[];
  /** Probability per tick that the nemesis asks for a leadership transfer. */
  readonly transferPerTickProbability: number;
  /** Undefined: the configuration never changes. */
  readonly membership: MembershipParams | undefined;
}

export interface DrawOptions {
  /** Upper bound of the safety phase; its length is drawn from [ceil(max/2), max]. */
  readonly safetyTicks: number;
  readonly livenessBudgetTicks: number;
  readonly mutant?: MutantName | undefined;
}

export const DEFAULT_SAFETY_TICKS = 2000;
/** The store's runs are shorter: each entry costs an MVCC apply on every member. */
export const DEFAULT_STORE_SAFETY_TICKS = 1000;
export const DEFAULT_LIVENESS_BUDGET_TICKS = 400;
const KEY_COUNT = 5;

export function drawParams(seed: number, rng: Prng, opts: DrawOptions): SimParams {
  const mutant = opts.mutant;
  const safetyTicks = rng.range(Math.ceil(opts.safetyTicks / 2), opts.safetyTicks);
  // A membership run starts with 3 voters and 1 or 2 spare ids; otherwise
  // the cluster is 3 or 5 voters for good.
  const membershipRun = rng.chance(0.5) || mutant === 'reuse-id';
  const clusterSize = membershipRun || rng.chance(0.5) ? 3 : 5;
  const memberIds = membershipRun ? rng.pick([4, 5]) : clusterSize;
  const baseNetwork: NetworkParams = {
    minDelayTicks: 1,
    maxDelayTicks: rng.range(1, 5),
    lossProbability: rng.pick([0, 0.01, 0.05, 0.1, 0.2]),
    duplicateProbability: rng.pick([0, 0.01, 0.05]),
    delaySpikeProbability: rng.pick([0, 0.01, 0.05]),
    delaySpikeTicks: rng.range(5, 40),
    maxInFlight: 20_000,
  };
  let partitions: PartitionParams = {
    perTickProbability: rng.pick([0, 0.005, 0.01, 0.03]),
    isolateNewLeaderProbability: rng.pick([0, 0, 0.1, 0.3]),
    deafAfterTransferProbability: rng.pick([0, 0.2, 0.5]),
    minTicks: 5,
    maxTicks: rng.range(20, 150),
  };
  let crashes: CrashParams = {
    perTickProbability: rng.pick([0, 0.002, 0.005, 0.01]),
    minDownTicks: 1,
    maxDownTicks: rng.range(5, 100),
    maxDown: rng.pick([1, Math.floor(clusterSize / 2), clusterSize]),
    afterVoteProbability: rng.pick([0, 0, 0.05, 0.2]),
    afterVoteMaxDownTicks: rng.range(1, 10),
    powerLossProbability: rng.pick([0, 0, 0.001, 0.003]),
    newLeaderProbability: rng.pick([0, 0, 0.1, 0.3]),
    newLeaderMaxTicks: rng.range(1, 20),
    afterCommitProbability: rng.pick([0, 0, 0.01, 0.05]),
  };
  let drive: DriveFaults = {
    unsyncedSurvivalProbability: rng.pick([0, 0.5, 0.9]),
    tornWriteProbability: 0.5,
  };
  const maxDiskLatencyTicks = rng.pick([0, 1, 2, 4]);
  let checkQuorum = rng.chance(0.5);
  let preVote = rng.chance(0.5);
  // Frequent snapshots and short retained tails, so a member that lags or
  // restarts is usually caught up by MsgSnap rather than by entries.
  let snapshotEveryEntries = rng.chance(0.85) ? rng.range(5, 50) : 0;
  let maxSizePerMsgBytes = rng.pick([100, 500, 4096]);
  let maxInflightMsgs = rng.pick([1, 4, 64]);
  let retainEntries = rng.pick([0, 1, 5, 20]);
  let clients: ClientParams = {
    count: rng.range(2, 5),
    opTimeoutTicks: rng.range(30, 80),
    maxThinkTicks: rng.range(0, 10),
    readIndexShare: rng.pick([0, 0.5, 1]),
    stickiness: rng.pick([0, 0, 0.5, 0.9]),
  };
  const transferPerTickProbability = rng.pick([0, 0.002, 0.005, 0.02]);
  let leaseReads = rng.chance(0.3);
  let membership: MembershipParams | undefined;
  if (membershipRun) {
    membership = {
      maxMembers: memberIds,
      changePerTickProbability: rng.pick([0.01, 0.03, 0.1]),
      maxLingerTicks: rng.range(0, 30),
      reAddDelayTicks: 150,
      impatientPromoteProbability: rng.pick([0, 0.3]),
      reAddBarrier: mutant !== 'reuse-id',
    };
  }

  // Mutant biases. forget-vote and skip-fsync need a member to crash and come
  // back while an election it took part in is still undecided; commit-old-term
  // needs leaders to churn while entries of old terms sit uncommitted.
  let network = baseNetwork;
  let livenessBudgetTicks = opts.livenessBudgetTicks;
  if (mutant === 'forget-vote') {
    // Two candidates in one term, and a voter that votes for the first,
    // crashes, forgets, and votes again before the second's request expires:
    // frequent short crashes, slow and lossy vote traffic, frequent elections.
    crashes = {
      ...crashes,
      perTickProbability: 0.02,
      maxDownTicks: 10,
      maxDown: clusterSize,
      afterVoteProbability: 0.5,
      afterVoteMaxDownTicks: 2,
      powerLossProbability: 0.01,
    };
    partitions = { ...partitions, perTickProbability: 0.05, minTicks: 5, maxTicks: 30 };
    network = { ...network, maxDelayTicks: 8, lossProbability: 0.1, delaySpikeProbability: 0.1, delaySpikeTicks: 10 };
    preVote = false;
    checkQuorum = false;
    leaseReads = false;
  } else if (mutant === 'skip-fsync') {
    crashes = { ...crashes, perTickProbability: 0.03, maxDownTicks: 8, maxDown: clusterSize };
    partitions = { ...partitions, perTickProbability: 0.02 };
    drive = { ...drive, unsyncedSurvivalProbability: 0 };
  } else if (mutant === 'stale-read') {
    // Every read goes the (broken) ReadIndex way, and members fall behind:
    // partitions and lagging disks leave followers serving old values.
    clients = { ...clients, readIndexShare: 1 };
    partitions = { ...partitions, perTickProbability: 0.03 };
  } else if (mutant === 'reuse-id') {
    // A member must miss a removal and stay behind (partitioned or down)
    // until the id is re-added, then ask the new incarnation for its vote:
    // busy membership churn, long partitions and downtimes.
    membership = { ...membership!, changePerTickProbability: 0.1, reAddDelayTicks: 30 };
    partitions = { ...partitions, perTickProbability: 0.05, minTicks: 100, maxTicks: 400 };
    crashes = { ...crashes, perTickProbability: 0.01, maxDownTicks: 400, maxDown: 1 };
  } else if (mutant === 'commit-old-term') {
    // Figure 8 needs a new leader that replicates an old-term entry to a
    // quorum before its own no-op gets there, and then dies: one entry per
    // message and one message in flight make catch-up slow, new leaders
    // crash soon, and busy clients leave uncommitted tails behind.
    crashes = {
      ...crashes,
      perTickProbability: 0.005,
      maxDownTicks: 20,
      maxDown: clusterSize,
      newLeaderProbability: 0.5,
      newLeaderMaxTicks: 20,
      afterCommitProbability: 0.3,
    };
    partitions = { ...partitions, perTickProbability: 0.01, isolateNewLeaderProbability: 0.5, minTicks: 5, maxTicks: 40 };
    maxSizePerMsgBytes = 1;
    maxInflightMsgs = 1;
    // ...and frequent snapshots let a far-behind member catch up in one step,
    // so the slow pipe does not fail the liveness phase instead.
    snapshotEveryEntries = 16;
    retainEntries = 0;
    livenessBudgetTicks = Math.max(livenessBudgetTicks, 2000);
    clients = { ...clients, count: 3, maxThinkTicks: 2 };
    preVote = false;
  }

  const tickSkipProbability = Array.from({ length: memberIds }, () => rng.pick([0, 0, 0, 0.05, 0.2]));
  // Lease-based reads are only offered with check-quorum (the core refuses
  // the combination otherwise): the leader's lease is its check-quorum round.
  // And every clock runs at full rate in a lease run: a lease is only as good
  // as the bound on clock drift it assumes, and the core's assumes none (the
  // lease and the followers' election timeout are the same number of ticks),
  // so a slow-clocked leader would break it by design. Lease runs still fail
  // now and then without any drift: a core bug (see DESIGN.md).
  if (leaseReads) {
    checkQuorum = true;
    tickSkipProbability.fill(0);
  }

  return {
    seed,
    mutant,
    clusterSize,
    memberIds,
    keyCount: KEY_COUNT,
    safetyTicks,
    livenessBudgetTicks,
    network,
    // Raft promises progress only when a round trip is well under the
    // election timeout; the liveness phase runs in that regime.
    calmNetwork: {
      ...network,
      maxDelayTicks: Math.min(network.maxDelayTicks, 3),
      lossProbability: 0,
      duplicateProbability: 0,
      delaySpikeProbability: 0,
    },
    partitions,
    crashes,
    drive,
    member: {
      keyCount: KEY_COUNT,
      clientCount: clients.count,
      electionTicks: 10,
      heartbeatTicks: 1,
      checkQuorum,
      preVote,
      readOnlyOption: leaseReads ? 'lease-based' : 'safe',
      maxSizePerMsgBytes,
      maxInflightMsgs,
      snapshotEveryEntries,
      retainEntries,
      minDiskLatencyTicks: 0,
      maxDiskLatencyTicks,
      commitByOldTermReplicas: mutant === 'commit-old-term',
      staleReads: mutant === 'stale-read',
    },
    clients,
    tickSkipProbability,
    transferPerTickProbability,
    membership,
  };
}

export function describeParams(p: SimParams): string {
  return [
    `members=${p.clusterSize}${p.membership !== undefined ? ` (ids up to ${p.memberIds}, change p=${p.membership.changePerTickProbability})` : ''} clients=${p.clients.count} sticky=${p.clients.stickiness} ticks=${p.safetyTicks}+${p.livenessBudgetTicks}`,
    `net delay=${p.network.minDelayTicks}-${p.network.maxDelayTicks} loss=${p.network.lossProbability} dup=${p.network.duplicateProbability} spike=${p.network.delaySpikeProbability}`,
    `partitions p=${p.partitions.perTickProbability} len<=${p.partitions.maxTicks} deafAfterTransfer=${p.partitions.deafAfterTransferProbability}`,
    `crashes p=${p.crashes.perTickProbability} down<=${p.crashes.maxDownTicks} maxDown=${p.crashes.maxDown}`,
    `slow clocks=${p.tickSkipProbability.join(',')}`,
    `disk latency<=${p.member.maxDiskLatencyTicks} unsyncedSurvival=${p.drive.unsyncedSurvivalProbability}`,
    `raft checkQuorum=${p.member.checkQuorum} preVote=${p.member.preVote} maxMsg=${p.member.maxSizePerMsgBytes} inflight=${p.member.maxInflightMsgs} snapEvery=${p.member.snapshotEveryEntries} retain=${p.member.retainEntries} reads=${p.member.readOnlyOption}`,
    `transfers p=${p.transferPerTickProbability}`,
  ].join('; ');
}
