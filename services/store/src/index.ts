// @logbook/store: one member of the etcd-compatible, Raft-replicated store
// (`logbook store`): etcd's flags, etcd's v3 gRPC API, the log of admitted
// requests underneath.

export { storeMain, type StoreMainIo } from './main.ts';
export { startStore, type RunningStore, type StartOptions } from './store-member.ts';
export { parseStoreConfig, type StoreConfig } from './config.ts';
export { StoreNode, type StoreLimits, type LeadershipObserver } from './store-node.ts';
export { memberIdFor, clusterIdFor, hostPortOf } from './member-ids.ts';
export { ETCD_COMPAT_VERSION } from './maintenance-service.ts';
