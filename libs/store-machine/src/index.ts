// @logbook/store-machine: the store's Raft state machine (StoreEntry -> MVCC),
// used by services/store and by the simulator alike.

export { StoreStateMachine, decodeCopyDescriptor, encodeCopyDescriptor, type StoreApplyResult, type StoreStateMachineOptions } from './store-state-machine.ts';
export { SnapshotCopies, type CopyReader, type CopyWriter } from './snapshot-copies.ts';
export { encodeBackendSnapshot, encodeBackendSnapshotAsync, decodeBackendSnapshot, loadBackendSnapshot, SnapshotFormatError, MAX_SNAPSHOT_BYTES } from './snapshot-codec.ts';
