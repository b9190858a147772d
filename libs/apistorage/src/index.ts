// @logbook/apistorage: the apiserver's storage interface, its etcd v3
// implementation, the watch cache that decorates it, and the contract suite
// every implementation passes (at '@logbook/apistorage/testing').

export type * from './interface.ts';
export { StorageError, STORAGE_ERROR_CODES, type StorageErrorCode } from './errors.ts';
export { Etcd3Storage, ETCD3_STORAGE_DEFAULTS, type Etcd3StorageOptions } from './etcd3-storage.ts';
export { INITIAL_EVENTS_END_ANNOTATION } from './etcd3-watch.ts';
/** How a stored value becomes an object (its revision as resourceVersion): for feeds that read the store's events elsewhere. */
export { decodeObject as decodeStoredObject, type ValueTransformer } from './object-codec.ts';
export { encodeContinue, decodeContinue, type ContinuePosition } from './continue-token.ts';
export { parseResourceVersion } from './resource-version.ts';
export { ApiStorageAssertionError } from './assert.ts';
export { MemoryStorage, type MemoryStorageOptions } from './memory-storage.ts';
export * from './cacher/index.ts';
