// @logbook/sim: deterministic simulation of a Raft cluster, with checkers.
export { Prng, SplitMix32 } from './prng.ts';
export { runSimulation, type SimOptions, type SimResult, type SimStats, type DriveFactory, type DiskKind } from './simulation.ts';
export { drawParams, describeParams, DEFAULT_SAFETY_TICKS, DEFAULT_LIVENESS_BUDGET_TICKS, type SimParams, type MembershipParams } from './sim-params.ts';
export { MUTANTS, isMutantName, MUTANT_DESCRIPTIONS, type MutantName } from './mutants.ts';
export { checkLinearizable, type LinearizabilityResult, type LinearizabilityOptions } from './linearizability.ts';
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
export { addCoverage, describeCoverage, emptyCoverage, type FeatureCoverage, type FeatureStats } from './feature-stats.ts';
