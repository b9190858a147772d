// One ValidatingAdmissionPolicy compiled, and its evaluation for one request
// and one param (kube's validator.Validate): matchConditions, then variables,
// validations with their messages, and audit annotations, all under one cost
// budget, giving a decision per validation.

import { celError, type CelError, type CelInput } from '@bufbuild/cel';
import type { KubeObject } from '@logbook/apistorage';
import { CelExpressionError } from './cel/cel-errors.ts';
import { CostBudget } from './cel/evaluate.ts';
import { MAX_EVALUATED_MESSAGE_BYTES, RUNTIME_COST_BUDGET } from './cel/limits.ts';
import { evaluateMatchConditions } from './cel/match-conditions.ts';
import { compileCel, type CelProgram } from './cel/program.ts';
import { requestVariable, type AdmissionRequestLike } from './cel/admission-request.ts';
import { celTypeName, toCelInput } from './cel/values.ts';
import type { PolicySpec } from './policy-spec.ts';

type Compiled = CelProgram | CelExpressionError;

export interface Decision {
  readonly action: 'Admit' | 'Deny';
  readonly evaluation: 'Admit' | 'Deny' | 'Error';
  readonly message: string;
  /** Set on Deny decisions of a failed validation (default Invalid). */
  readonly reason?: string;
}

export type AuditAnnotationResult =
  | { readonly action: 'Publish'; readonly key: string; readonly value: string }
  | { readonly action: 'Error'; readonly key: string; readonly error: string }
  | { readonly action: 'Exclude'; readonly key: string };

export interface ValidateResult {
  readonly decisions: readonly Decision[];
  readonly auditAnnotations: readonly AuditAnnotationResult[];
}

const BASE_VARIABLES = ['object', 'oldObject', 'request', 'namespaceObject', 'variables'];

export class CompiledPolicy {
  readonly spec: PolicySpec;
  readonly #failOnError: boolean;
  readonly #matchConditions: readonly Compiled[];
  readonly #variables: readonly { readonly name: string; readonly program: Compiled }[];
  readonly #validations: readonly { readonly program: Compiled; readonly message: Compiled | undefined }[];
  readonly #auditAnnotations: readonly { readonly key: string; readonly expression: string; readonly program: Compiled }[];

  constructor(spec: PolicySpec) {
    this.spec = spec;
    this.#failOnError = spec.failurePolicy !== 'Ignore';
    const top = spec.paramKind !== undefined ? [...BASE_VARIABLES, 'params'] : BASE_VARIABLES;
    this.#matchConditions = spec.matchConditions.map((c) => compileCel(c.expression, { variables: top }));
    const names: string[] = [];
    this.#variables = spec.variables.map((v) => {
      const program = compileCel(v.expression, { variables: top, compositionVariables: names });
      names.push(v.name);
      return { name: v.name, program };
    });
    const opts = { variables: top, compositionVariables: names };
    this.#validations = spec.validations.map((v) => ({
      program: compileCel(v.expression, opts),
      message: v.messageExpression === undefined ? undefined : compileCel(v.messageExpression, opts),
    }));
    this.#auditAnnotations = spec.auditAnnotations.map((a) => ({ key: a.key, expression: a.valueExpression, program: compileCel(a.valueExpression, opts) }));
  }

  #errorDecision(message: string): Decision {
    return this.#failOnError ? { action: 'Deny', evaluation: 'Error', message } : { action: 'Admit', evaluation: 'Error', message };
  }

  validate(request: AdmissionRequestLike, params: KubeObject | null, namespaceObject: KubeObject | undefined): ValidateResult {
    const match = evaluateMatchConditions(this.#matchConditions, request, { params, namespaceObject: namespaceObject ?? null });
    if (match instanceof Error) return { decisions: [this.#errorDecision(match.message)], auditAnnotations: [] };
    if (!match) return { decisions: [], auditAnnotations: [] };

    const bindings: Record<string, CelInput | CelError> = {
      object: toCelInput(request.object ?? null),
      oldObject: toCelInput(request.oldObject ?? null),
      request: toCelInput(requestVariable(request)),
      params: toCelInput(params),
      namespaceObject: toCelInput(namespaceObject ?? null),
    };
    const budget = new CostBudget(RUNTIME_COST_BUDGET);
    try {
      // Variables are evaluated in order, each seeing the ones before; a
      // variable's error travels to the expressions that use it, as in kube.
      const values = new Map<string, CelInput>();
      for (const v of this.#variables) {
        const r = budget.evaluate(v.program, bindings);
        if (r.ok) values.set(v.name, r.value);
        bindings[`variables.${v.name}`] = r.ok ? r.value : celError(r.error.message);
        bindings.variables = new Map(values);
      }
      if (this.#variables.length === 0) bindings.variables = new Map();
      const decisions = this.#validations.map((v, i) => this.#decide(i, v.program, v.message, bindings, budget));
      const auditAnnotations = this.#auditAnnotations.map((a) => this.#annotate(a.key, a.expression, a.program, bindings, budget));
      return { decisions, auditAnnotations };
    } catch (err) {
      if (err instanceof CelExpressionError && err.code === 'BudgetExhausted') return { decisions: [this.#errorDecision(err.message)], auditAnnotations: [] };
      throw err;
    }
  }

  #decide(index: number, program: Compiled, messageProgram: Compiled | undefined, bindings: Record<string, CelInput | CelError>, budget: CostBudget): Decision {
    const validation = this.spec.validations[index];
    if (validation === undefined) throw new Error(`CompiledPolicy: validation ${index} missing`);
    const r = budget.evaluate(program, bindings);
    if (!r.ok) return this.#errorDecision(r.error.message);
    if (r.value === true) return { action: 'Admit', evaluation: 'Admit', message: '' };
    let message = '';
    if (messageProgram !== undefined) {
      const m = budget.evaluate(messageProgram, bindings);
      // A messageExpression that fails, is not a string, is too long or spans
      // lines falls back to the static message, as kube's does.
      if (m.ok && typeof m.value === 'string') {
        const text = m.value.trim();
        if (Buffer.byteLength(text) <= MAX_EVALUATED_MESSAGE_BYTES && !text.includes('\n')) message = text;
      }
    }
    if (message === '' && validation.message !== undefined) message = validation.message.trim();
    if (message === '') message = `failed expression: ${validation.expression.trim()}`;
    return { action: 'Deny', evaluation: 'Deny', message, reason: validation.reason ?? 'Invalid' };
  }

  #annotate(key: string, expression: string, program: Compiled, bindings: Record<string, CelInput | CelError>, budget: CostBudget): AuditAnnotationResult {
    const r = budget.evaluate(program, bindings);
    if (!r.ok) return this.#failOnError ? { action: 'Error', key, error: r.error.message } : { action: 'Exclude', key };
    if (r.value === null) return { action: 'Exclude', key };
    if (typeof r.value === 'string') {
      const value = r.value.trim();
      return value === '' ? { action: 'Exclude', key } : { action: 'Publish', key, value };
    }
    return {
      action: 'Error',
      key,
      error: `valueExpression '${expression}' resulted in unsupported return type: ${celTypeName(r.value)}. Return type must be either string or null.`,
    };
  }
}
