// The service allocators: pure logic over an injected AllocationStore.
export { ClusterIpAllocator } from './cluster-ip-allocator.ts';
export type { ClusterIpAllocatorOptions } from './cluster-ip-allocator.ts';
export { NodePortAllocator, DEFAULT_NODE_PORT_RANGE, parsePortRange } from './node-port-allocator.ts';
export type { NodePortAllocatorOptions } from './node-port-allocator.ts';
export { MemoryAllocationStore } from './allocation-store.ts';
export type { AllocationStore, AllocationSnapshot } from './allocation-store.ts';
export { AllocationError, ALLOCATION_ERROR_CODES, RANGE_FULL_MSG } from './allocation-error.ts';
export type { AllocationErrorCode } from './allocation-error.ts';
export { MAX_CAS_ATTEMPTS, rangeOffset } from './range-core.ts';
export { clusterIPAllocationFieldError, nodePortAllocationFieldError, dynamicAllocationMessage } from './field-errors.ts';
