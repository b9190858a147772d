// @logbook/validation: kube-apiserver's defaulting and validation of the
// everyday built-in kinds, with its exact field paths and messages.

import { CORE_RULES } from './core/index.ts';
import type { KindRules, RuleTable } from './types.ts';
import { WORKLOAD_RULES } from './workloads/index.ts';

export type { KindRules, RuleTable, JsonObject } from './types.ts';
export * from './core/index.ts';
export {
  generateJobSelector, JOB_LABELS, parseQuantity, parseQuantityDetailed, compareQuantities, isNegative, isZero, formatQuantity,
  QUANTITY_FORMAT_ERROR, QUANTITY_SUFFIX_ERROR, cronScheduleError, ZERO_QUANTITY, addQuantities, subtractQuantities,
} from './workloads/index.ts';
export type { Quantity, QuantityFormat } from './workloads/index.ts';

const RULES: RuleTable = { ...CORE_RULES, ...WORKLOAD_RULES };

/** The rules of `<group>/<Kind>`, or undefined for kinds validated by schema only. */
export function rulesFor(group: string, kind: string): KindRules | undefined {
  return RULES[`${group}/${kind}`];
}
