// Every knob of a run, drawn from the seed: cluster shape, network and disk
// misbehaviour, crash and partition rates, core settings, workload. A mutant
// run biases the draw toward the faults that expose that mutant (documented
// per mutant below); an unmutated run never sees those biases.

import type { MemberSettings } from './member.ts';
import type { MutantName } from './mutants.ts';
import type { NetworkParams } from './network.ts';
import type { Prng } from './prng.ts';
import type { DriveFaults } from './sim-disk.ts';

export interface PartitionParams {
  readonly perTickProbability: number;
  /** Probability that a member seen leading a new term is isolated at once (if no partition is active). */
  readonly isolateNewLeaderProbability: number;
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
}

export interface SimParams {
  readonly seed: number;
  readonly mutant: MutantName | undefined;
  readonly clusterSize: number;
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
}

export interface DrawOptions {
  /** Upper bound of the safety phase; its length is drawn from [ceil(max/2), max]. */
  readonly safetyTicks: number;
  readonly livenessBudgetTicks: number;
  readonly mutant?: MutantName | undefined;
}

export const DEFAULT_SAFETY_TICKS = 2000;
export const DEFAULT_LIVENESS_BUDGET_TICKS = 400;
const KEY_COUNT = 5;

export function drawParams(seed: number, rng: Prng, opts: DrawOptions): SimParams {
  const mutant = opts.mutant;
  const safetyTicks = rng.range(Math.ceil(opts.safetyTicks / 2), opts.safetyTicks);
  const clusterSize = rng.chance(0.5) ? 3 : 5;
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
  let snapshotEveryEntries = rng.pick([0, 16, 64, 256]);
  let maxSizePerMsgBytes = rng.pick([100, 500, 4096]);
  let maxInflightMsgs = rng.pick([1, 4, 64]);
  let retainEntries = rng.pick([0, 5, 50]);
  let clients: ClientParams = {
    count: rng.range(2, 5),
    opTimeoutTicks: rng.range(30, 80),
    maxThinkTicks: rng.range(0, 10),
    readIndexShare: rng.pick([0, 0.5, 1]),
  };

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
  } else if (mutant === 'skip-fsync') {
    crashes = { ...crashes, perTickProbability: 0.03, maxDownTicks: 8, maxDown: clusterSize };
    partitions = { ...partitions, perTickProbability: 0.02 };
    drive = { ...drive, unsyncedSurvivalProbability: 0 };
  } else if (mutant === 'stale-read') {
    // Every read goes the (broken) ReadIndex way, and members fall behind:
    // partitions and lagging disks leave followers serving old values.
    clients = { ...clients, readIndexShare: 1 };
    partitions = { ...partitions, perTickProbability: 0.03 };
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
    partitions = { perTickProbability: 0.01, isolateNewLeaderProbability: 0.5, minTicks: 5, maxTicks: 40 };
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

  const tickSkipProbability = Array.from({ length: clusterSize }, () => rng.pick([0, 0, 0, 0.05, 0.2]));

  return {
    seed,
    mutant,
    clusterSize,
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
  };
}

export function describeParams(p: SimParams): string {
  return [
    `members=${p.clusterSize} clients=${p.clients.count} ticks=${p.safetyTicks}+${p.livenessBudgetTicks}`,
    `net delay=${p.network.minDelayTicks}-${p.network.maxDelayTicks} loss=${p.network.lossProbability} dup=${p.network.duplicateProbability} spike=${p.network.delaySpikeProbability}`,
    `partitions p=${p.partitions.perTickProbability} len<=${p.partitions.maxTicks}`,
    `crashes p=${p.crashes.perTickProbability} down<=${p.crashes.maxDownTicks} maxDown=${p.crashes.maxDown}`,
    `slow clocks=${p.tickSkipProbability.join(',')}`,
    `disk latency<=${p.member.maxDiskLatencyTicks} unsyncedSurvival=${p.drive.unsyncedSurvivalProbability}`,
    `raft checkQuorum=${p.member.checkQuorum} preVote=${p.member.preVote} maxMsg=${p.member.maxSizePerMsgBytes} inflight=${p.member.maxInflightMsgs} snapEvery=${p.member.snapshotEveryEntries} retain=${p.member.retainEntries}`,
  ].join('; ');
}
