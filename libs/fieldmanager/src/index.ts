// @logbook/fieldmanager: kube-apiserver's field management — managedFields
// tracking for create/update/patch and server-side apply — for built-in kinds
// typed by a @logbook/schemas SchemaSet. Pure: the clock is a parameter.

export { FieldManager, BEFORE_FIRST_APPLY } from './field-manager.ts';
export type { FieldManagerOptions, WriteTarget, UpdateRequest, ApplyRequest, KubeObject } from './field-manager.ts';
export { ApplyConflictError, conflictMessage, printManager } from './conflict-error.ts';
export type { ApplyConflict, ConflictCause } from './conflict-error.ts';
export { FieldManagerError, FIELD_MANAGER_ERROR_STATUS } from './errors.ts';
export type { FieldManagerErrorCode } from './errors.ts';
export { FieldSet } from './field-set.ts';
export type { FieldsV1 } from './field-set.ts';
export { decodeManagedFields, encodeManagedFields, isResetManagedFields, managerIdentifier, formatTime } from './managed-fields.ts';
export type { ManagedFieldsEntry, ManagerRecord, Managed, Operation } from './managed-fields.ts';
export { fieldPE, keyPE, encodePE, decodePE, pathString } from './path-element.ts';
export type { PathElement, Path, JsonValue } from './path-element.ts';
export { DEFAULT_LIST_MAP_KEY_DEFAULTS } from './type-model.ts';
export { ANCIENT_CHANGES } from './cap-managers.ts';
export { LAST_APPLIED_ANNOTATION } from './last-applied.ts';
export { MAX_DEPTH, DEFAULT_MAX_UPDATE_MANAGERS } from './limits.ts';
