// @logbook/sim: deterministic simulation of a Raft cluster, with checkers,
// running the register workload or the store (KV + lease + watch).
export { Prng, SplitMix32 } from './prng.ts';
export { runSimulation, type SimOptions, type SimResult, type SimStats, type DriveFactory, type DiskKind } from './simulation.ts';
export { drawParams, describeParams, DEFAULT_SAFETY_TICKS, DEFAULT_LIVENESS_BUDGET_TICKS, type SimParams, type MembershipParams } from './sim-params.ts';
export {
  MUTANTS,
  STORE_MUTANTS,
  isMutantName,
  isStoreMutantName,
  MUTANT_DESCRIPTIONS,
  type MutantName,
  type RegisterMutantName,
  type StoreMutantName,
} from './mutants.ts';
export { WORKLOADS, isWorkloadName, type WorkloadName, type SimWorkload, type WorkloadContext, type WorkloadReport, type StoreRunStats } from './sim-workload.ts';
export type { AppHost, MemberApp, AppFactory } from './member-app.ts';
export {
  checkLinearizable,
  checkPartition,
  type LinearizabilityResult,
  type LinearizabilityOptions,
  type LinearizabilityModel,
  type TimedOp,
} from './linearizability.ts';
export { CommittedHistory, type CommittedEntry } from './store/committed-history.ts';
export { checkStoreHistory, type StoreOp, type StoreHistoryCheck } from './store/store-linearizability.ts';
export { keyModel, type KeyOp, type KeyOpInput, type KeyState } from './store/key-model.ts';
export { WatchStream } from './store/watch-stream.ts';
export { LeaseChecker } from './store/lease-checker.ts';
export type { StoreInput, StoreOutput, SimKv, ReadMode } from './store/store-ops.ts';
export { History, describeOp, type HistoryOp } from './history.ts';
export { applyRegisterOp, stepRegisterModel, type RegisterInput, type RegisterOutput } from './register-model.ts';
export { ElectionSafetyChecker } from './election-safety.ts';
export { LogMatchingChecker, compareLogs } from './log-matching.ts';
export { LeaderCompletenessChecker, type LogLookup } from './leader-completeness.ts';
export { StateMachineSafetyChecker } from './state-machine-safety.ts';
export { formatViolation, type Violation, type CheckerName } from './violation.ts';
export type { SimDisk, SimDrive, DriveFaults, DriveMutations } from './sim-disk.ts';
export { MemoryDrive } from './memory-drive.ts';
export { WalDrive } from './wal-drive.ts';
export { runSeeds, type SeedRunOptions, type SeedOutcome } from './run-seeds.ts';
export { MembershipController, type MembershipStats, type MemberRole, type OperatorHost, type OperatorLeader } from './membership-controller.ts';
export {
  addCoverage,
  addStoreCoverage,
  describeCoverage,
  describeStoreCoverage,
  emptyCoverage,
  type FeatureCoverage,
  type FeatureStats,
  type StoreCoverage,
} from './feature-stats.ts';
export { main } from './sim-main.ts';
