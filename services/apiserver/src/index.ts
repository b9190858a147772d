// @logbook/apiserver: the Kubernetes API server (`logbook apiserver`) and the
// pieces `logbook up` composes.

export { apiserverMain, type ApiserverMainIo } from './main.ts';
export { startApiserver, SYSTEM_NAMESPACES, type RunningApiserver } from './apiserver.ts';
export { parseApiserverConfig, APISERVER_FLAGS, APISERVER_VERSION, type ApiserverConfig, type ApiserverConfigResult } from './config.ts';
