// The runtime around the core: persistence and transport seams and the node driver.
export type { Transport, TransportHandler, SnapshotStatus } from './transport.ts';
export type { AppliedEntry, Persistence, PersistBatch, StateMachine } from './persistence.ts';
export { RaftNode, type ProposeOptions } from './node.ts';
export type { RaftNodeOptions, RaftNodeConfig } from './node-options.ts';
export type { NodeStatus, PeerProgress, RuntimeCounters } from './node-status.ts';
export { realScheduler, type Scheduler, type Cancelable } from './scheduler.ts';
export {
  RuntimeError,
  ClosedError,
  TooManyRequestsError,
  ProposalLostError,
  OutcomeUnknownError,
  LeaderChangedError,
  ReadTimeoutError,
  TransferFailedError,
  type RuntimeErrorCode,
} from './errors.ts';
export { encodeSnapshotData, decodeSnapshotData, type SnapshotContents } from './snapshot-data.ts';
// In-memory implementations for tests of code built on the runtime (contract-tested against the real ones).
export { MemoryPersistence } from './testing/memory-persistence.ts';
export { LocalNetwork, LocalTransport } from './testing/local-network.ts';
export { ManualScheduler } from './testing/manual-scheduler.ts';
export {
  persistenceContract,
  type PersistenceContractCase,
  type PersistenceFactory,
} from './testing/persistence-contract.ts';
