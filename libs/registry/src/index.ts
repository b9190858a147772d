// @logbook/registry: one generic registry for every resource, with a small
// strategy per type, over the apiserver storage seam.

export { Registry, type RegistryOptions } from './registry.ts';
export { ResourceStore, type RequestScope, type Selection, type ListRequest, type WatchRequest, type DeleteRequest, type DeleteResult, type ResourceStoreOptions } from './resource-store.ts';
export { strategyFor, type Strategy, type MutableObject } from './strategy.ts';
export { rfc3339, type Environment } from './object-meta.ts';
export { patchTypeOf, decodePatch, applyPatch, mergePatch, PATCH_TYPES, MAX_JSON_PATCH_OPERATIONS, type PatchType } from './patch.ts';
export { toStatusError } from './storage-status.ts';
export { fieldManagerStatus } from './resource-store.ts';
export { AdmissionChain, type AdmissionPlugin, type AdmissionAttributes, type AdmissionOperation } from './admission.ts';
export { deleteObject, planGrace, gcFinalizers, markAsDeleting, checkPreconditions, type DeleteSteps, type GracePlan } from './graceful-delete.ts';
export { deleteOptionsFrom } from './delete-options.ts';
export { bindPod, decodeBinding, createdStatus, type BindingSteps } from './pod-binding.ts';
export { evictPod, decodeEviction, MAX_DISRUPTED_PODS, MAX_EVICTION_ATTEMPTS, type EvictionStores } from './eviction.ts';
