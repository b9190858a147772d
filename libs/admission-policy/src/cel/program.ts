// Compiling and evaluating one CEL expression in Kubernetes' admission
// environment. Compilation parses, checks names (references.ts) and instruments
// comprehensions for the cost meter; evaluation binds the request's values and
// runs with a meter, returning the value or an error worded as kube's.

import { celEnv, celFunc, CelScalar, isCelError, parse, plan, type CelEnv, type CelInput, type CelError, type CelValue } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { CelExpressionError, compileFailed, runtimeMessage, type CompileIssue } from './cel-errors.ts';
import { callCost, type CostMeter } from './cost-meter.ts';
import { listsLibrary } from './library-lists.ts';
import { quantityLibrary } from './library-quantity.ts';
import { regexLibrary } from './library-regex.ts';
import { checkReferences } from './references.ts';
import { MAX_EXPRESSION_LENGTH } from './limits.ts';

type ParsedExpr = ReturnType<typeof parse>;
type Expr = ParsedExpr['expr'];

/** Counts one comprehension iteration; its result is the loop condition, forced false once the meter is spent. */
const TICK = '@lb_tick';

/** The message cel-go gives when a program passes its cost limit; kube prints it verbatim. */
export const COST_LIMIT_MESSAGE = 'operation cancelled: actual cost limit exceeded';

/** Where the metered environment finds the meter of the evaluation in progress (evaluation is synchronous). */
interface MeterSlot {
  meter: CostMeter | undefined;
}

const tick = (slot: MeterSlot): ReturnType<typeof celFunc> =>
  celFunc(TICK, [CelScalar.DYN], CelScalar.DYN, (cond) => (slot.meter === undefined || slot.meter.charge(1) ? cond : false));

const LIBRARIES = [...strings, ...listsLibrary, ...regexLibrary, ...quantityLibrary];

// The function names the environment resolves, for the reference check. The
// planner handles these operators itself rather than through the resolver.
const PLANNER_OPERATORS = ['_[_]', '_[?_]', '_?._', '_?_:_', '_&&_', '_||_', '@not_strictly_false', '__not_strictly_false__'];
const FUNCTION_NAMES: ReadonlySet<string> = new Set([...[...celEnv({ funcs: LIBRARIES }).funcs].map((f) => f.name), ...PLANNER_OPERATORS]);

/** Wraps the environment's function lookup so that every call is charged to the current meter. */
function meteredEnv(slot: MeterSlot): CelEnv {
  const base = celEnv({ funcs: [...LIBRARIES, tick(slot)] });
  const funcs = new Proxy(base.funcs, {
    get(target, prop, receiver): unknown {
      if (prop !== 'find') return Reflect.get(target, prop, receiver) as unknown;
      return (name: string) => {
        const group = target.find(name);
        if (group === undefined || name === TICK) return group;
        return new Proxy(group, {
          get(g, p, r): unknown {
            if (p !== 'call') return Reflect.get(g, p, r) as unknown;
            return (id: number, t: CelValue | undefined, args: CelValue[]) => {
              const meter = slot.meter;
              if (meter !== undefined && !meter.charge(callCost(t, args))) throw new Error(COST_LIMIT_MESSAGE);
              return g.call(id, t, args);
            };
          },
        });
      };
    },
  });
  return new Proxy(base, { get: (t, p, r): unknown => (p === 'funcs' ? funcs : (Reflect.get(t, p, r) as unknown)) });
}

export interface CompileOptions {
  /** Top-level variables the expression may use (object, oldObject, request, ...). */
  readonly variables: readonly string[];
  /** Composition variables defined before this expression (`variables.<name>`). */
  readonly compositionVariables?: readonly string[];
}

/** The activation: top-level names, plus `variables.<name>` entries (an entry may hold the variable's error). */
export type Bindings = Readonly<Record<string, CelInput | CelError>>;

export type Evaluation =
  | { readonly ok: true; readonly value: CelValue }
  | { readonly ok: false; readonly error: CelExpressionError };

export class CelProgram {
  readonly expression: string;
  readonly #slot: MeterSlot;
  readonly #run: (bindings: Bindings) => CelValue | CelError;

  constructor(expression: string, expr: Expr) {
    this.expression = expression;
    this.#slot = { meter: undefined };
    const run = plan(meteredEnv(this.#slot), expr);
    this.#run = (b) => run(b as Record<string, CelInput>);
  }

  /** Runs the program; its calls and iterations are charged to `meter`. */
  evaluate(bindings: Bindings, meter: CostMeter): Evaluation {
    if (this.#slot.meter !== undefined) throw new Error('CelProgram.evaluate: re-entered during an evaluation');
    this.#slot.meter = meter;
    let result: CelValue | CelError;
    try {
      result = this.#run(bindings);
    } finally {
      this.#slot.meter = undefined;
    }
    if (meter.exceeded) return { ok: false, error: new CelExpressionError('CostLimitExceeded', COST_LIMIT_MESSAGE) };
    if (isCelError(result)) return { ok: false, error: new CelExpressionError('EvaluationFailed', runtimeMessage(result.message), { cause: result }) };
    return { ok: true, value: result };
  }
}

/** Compiles `expression`; a CelExpressionError (code CompileFailed) carries kube's "compilation failed: ..." text. */
export function compileCel(expression: string, options: CompileOptions): CelProgram | CelExpressionError {
  if (expression.length > MAX_EXPRESSION_LENGTH) {
    return new CelExpressionError('CompileFailed', `compilation failed: expression is longer than ${MAX_EXPRESSION_LENGTH} characters`);
  }
  let parsed: ParsedExpr;
  try {
    parsed = parse(expression);
  } catch (err) {
    return compileFailed(expression, [syntaxIssue(err)]);
  }
  const issues = checkReferences(parsed, {
    variables: new Set(options.variables),
    compositionVariables: new Set(options.compositionVariables ?? []),
    functions: FUNCTION_NAMES,
  });
  if (issues.length > 0) return compileFailed(expression, issues);
  instrumentLoops(parsed.expr);
  try {
    return new CelProgram(expression, parsed.expr);
  } catch (err) {
    // The planner refuses a few shapes the parser accepts (e.g. invalid selects).
    return compileFailed(expression, [{ offset: 0, message: err instanceof Error ? err.message : String(err) }]);
  }
}

function syntaxIssue(err: unknown): CompileIssue {
  const e = err as { rawMessage?: unknown; message?: unknown; location?: { start?: { offset?: unknown } } };
  const offset = typeof e.location?.start?.offset === 'number' ? e.location.start.offset : 0;
  const message = typeof e.rawMessage === 'string' ? e.rawMessage : typeof e.message === 'string' ? e.message : String(err);
  return { offset, message: `Syntax error: ${message}` };
}

// Wraps every comprehension's loop condition in a TICK call. The condition,
// not the step, because the standard macros' conditions never evaluate to an
// error (they test the accumulator through @not_strictly_false), so the wrapper
// cannot change a result, and forcing it false ends the loop.
function instrumentLoops(e: Expr | undefined): void {
  if (e === undefined) return;
  const k = e.exprKind;
  switch (k.case) {
    case 'selectExpr':
      instrumentLoops(k.value.operand);
      return;
    case 'callExpr':
      instrumentLoops(k.value.target);
      for (const a of k.value.args) instrumentLoops(a);
      return;
    case 'listExpr':
      for (const el of k.value.elements) instrumentLoops(el);
      return;
    case 'structExpr':
      for (const entry of k.value.entries) {
        if (entry.keyKind.case === 'mapKey') instrumentLoops(entry.keyKind.value);
        instrumentLoops(entry.value);
      }
      return;
    case 'comprehensionExpr': {
      const c = k.value;
      for (const part of [c.iterRange, c.accuInit, c.loopCondition, c.loopStep, c.result]) instrumentLoops(part);
      if (c.loopCondition !== undefined) c.loopCondition = tickCall(c.loopCondition);
      return;
    }
    default:
      return;
  }
}

function tickCall(cond: Expr): Expr {
  const wrapper = parse('f(0)').expr;
  const k = wrapper.exprKind;
  if (k.case !== 'callExpr') throw new Error('tickCall: template is not a call');
  k.value.function = TICK;
  k.value.args = [cond];
  wrapper.id = cond.id;
  return wrapper;
}
