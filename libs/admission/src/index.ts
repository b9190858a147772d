// @logbook/admission: kube-apiserver's admission plugins that act on pods
// and namespaced workloads, and the catalogue that orders and configures them.

export type { ObjectReader, GroupResource } from './reader.ts';
export { MemoryObjectReader } from './memory-reader.ts';
