// matchConditions, as webhooks and policy bindings use them: every condition
// true → match; any false → no match (even if others failed); otherwise any
// error → an Error (the caller applies its failurePolicy). Conditions share
// kube's matchConditions budget.

import type { CelInput } from '@bufbuild/cel';
import { CelExpressionError } from './cel-errors.ts';
import { CostBudget } from './evaluate.ts';
import { MATCH_CONDITIONS_COST_BUDGET } from './limits.ts';
import { compileCel, type Bindings, type CelProgram } from './program.ts';
import { requestVariable, type AdmissionRequestLike } from './admission-request.ts';
import { toCelInput } from './values.ts';

export interface MatchCondition {
  readonly name: string;
  readonly expression: string;
}

export type MatchConditionsEvaluator = (request: AdmissionRequestLike, extra?: MatchExtraBindings) => Promise<boolean | Error>;

/** Extra top-level variables (a policy's params and namespaceObject). */
export interface MatchExtraBindings {
  readonly params?: unknown;
  readonly namespaceObject?: unknown;
}

export const MATCH_CONDITION_VARIABLES = ['object', 'oldObject', 'request', 'params', 'namespaceObject'] as const;

/** Compiles once; the returned function evaluates the conditions for one request. */
export function compileMatchConditions(conditions: readonly MatchCondition[]): MatchConditionsEvaluator {
  const programs: (CelProgram | CelExpressionError)[] = conditions.map((c) => compileCel(c.expression, { variables: MATCH_CONDITION_VARIABLES }));
  return (request, extra) => Promise.resolve(evaluateMatchConditions(programs, request, extra));
}

function bindingsFor(request: AdmissionRequestLike, extra: MatchExtraBindings | undefined): Bindings {
  const b: Record<string, CelInput> = {
    object: toCelInput(request.object ?? null),
    oldObject: toCelInput(request.oldObject ?? null),
    request: toCelInput(requestVariable(request)),
    params: toCelInput(extra?.params ?? null),
    namespaceObject: toCelInput(extra?.namespaceObject ?? null),
  };
  return b;
}

export function evaluateMatchConditions(programs: readonly (CelProgram | CelExpressionError)[], request: AdmissionRequestLike, extra?: MatchExtraBindings): boolean | Error {
  if (programs.length === 0) return true;
  const bindings = bindingsFor(request, extra);
  const budget = new CostBudget(MATCH_CONDITIONS_COST_BUDGET);
  const errors: Error[] = [];
  for (const program of programs) {
    let r;
    try {
      r = budget.evaluate(program, bindings);
    } catch (err) {
      if (err instanceof CelExpressionError && err.code === 'BudgetExhausted') return err;
      throw err;
    }
    if (!r.ok) errors.push(r.error);
    else if (r.value === false) return false;
    else if (r.value !== true) {
      const expr = program instanceof CelExpressionError ? '' : program.expression;
      errors.push(new CelExpressionError('EvaluationFailed', `expression '${expr}' resulted in error: no such overload: matchCondition must evaluate to bool`));
    }
  }
  if (errors.length === 0) return true;
  // kube's utilerrors aggregate: one error as itself, several as "[a, b]".
  if (errors.length === 1 && errors[0] !== undefined) return errors[0];
  return new CelExpressionError('EvaluationFailed', `[${errors.map((e) => e.message).join(', ')}]`, { cause: errors });
}
