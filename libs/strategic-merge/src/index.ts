// @logbook/strategic-merge: kube's strategic merge patch over Logbook's type
// schemas — applying patches (with every directive kube accepts) and computing
// two-way and three-way patches as kubectl does.

export { applyStrategicMergePatch, createTwoWayMergePatch, createThreeWayMergePatch } from './patch-api.ts';
export type { StrategicMergeOptions } from './patch-api.ts';
export { DEFAULT_LIMITS } from './limits.ts';
export type { StrategicMergeLimits } from './limits.ts';
export { StrategicMergeError, STRATEGIC_MERGE_ERROR_CODES, httpStatusFor } from './errors.ts';
export type { StrategicMergeErrorCode, PatchErrorHttp } from './errors.ts';
