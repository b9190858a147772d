// @logbook/admission-policy: CEL in Kubernetes' admission environment, and
// the ValidatingAdmissionPolicy admission plugin built on it.

export { validatingAdmissionPolicy, VALIDATING_ADMISSION_POLICY_PLUGIN, VALIDATION_FAILURE_ANNOTATION } from './validating-policy.ts';
export type { ValidatingAdmissionPolicyOptions, ValidatingPolicySource } from './validating-policy.ts';
export { defaultParamKindResolver } from './params.ts';
export type { ParamKindResolver, ParamKindResource } from './params.ts';
export { compileMatchConditions } from './cel/match-conditions.ts';
export type { MatchCondition, MatchConditionsEvaluator, MatchExtraBindings } from './cel/match-conditions.ts';
export { admissionRequestFrom } from './cel/admission-request.ts';
export type { AdmissionRequestLike, GroupVersionKind, GroupVersionResource, UserInfoLike } from './cel/admission-request.ts';
export { compileCel, CelProgram, COST_LIMIT_MESSAGE } from './cel/program.ts';
export type { CompileOptions, Bindings, Evaluation } from './cel/program.ts';
export { CostMeter } from './cel/cost-meter.ts';
export { CostBudget, OUT_OF_BUDGET_MESSAGE } from './cel/evaluate.ts';
export { CelExpressionError, CEL_ERROR_CODES } from './cel/cel-errors.ts';
export type { CelErrorCode } from './cel/cel-errors.ts';
export { toCelInput, fromCelValue } from './cel/values.ts';
export * from './cel/limits.ts';
