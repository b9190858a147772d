// Evaluating a list of compiled expressions against one activation under a
// shared budget, with kube's result wording: each expression may spend up to
// the per-call limit; the list together may spend the budget, and running out
// of it stops the evaluation of the rest.

import type { CelValue } from '@bufbuild/cel';
import { CelExpressionError } from './cel-errors.ts';
import { CostMeter } from './cost-meter.ts';
import { PER_CALL_COST_LIMIT } from './limits.ts';
import type { Bindings, CelProgram } from './program.ts';

export const OUT_OF_BUDGET_MESSAGE = 'validation failed due to running out of cost budget, no further validation rules will be run';

export type ExpressionResult =
  | { readonly ok: true; readonly value: CelValue }
  | { readonly ok: false; readonly error: CelExpressionError };

/** A shared budget for several evaluations (kube's remainingBudget). */
export class CostBudget {
  #remaining: number;

  constructor(total: number) {
    this.#remaining = total;
  }

  get remaining(): number {
    return this.#remaining;
  }

  /**
   * Evaluates one program (or reports its compile error as kube does, as
   * "compilation error: ..."). Throws CelExpressionError BudgetExhausted when
   * the budget runs out: the caller must stop evaluating.
   */
  evaluate(program: CelProgram | CelExpressionError, bindings: Bindings): ExpressionResult {
    if (program instanceof CelExpressionError) {
      return { ok: false, error: new CelExpressionError('CompileFailed', `compilation error: ${program.message}`, { cause: program }) };
    }
    const meter = new CostMeter(PER_CALL_COST_LIMIT);
    const r = program.evaluate(bindings, meter);
    if (meter.spent > this.#remaining) {
      this.#remaining = 0;
      throw new CelExpressionError('BudgetExhausted', OUT_OF_BUDGET_MESSAGE);
    }
    this.#remaining -= meter.spent;
    if (r.ok) return r;
    return {
      ok: false,
      error: new CelExpressionError(r.error.code, `expression '${program.expression}' resulted in error: ${r.error.message}`, { cause: r.error }),
    };
  }
}
