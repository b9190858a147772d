// The compile-time check the evaluator does not do: every name an expression
// uses must be declared, every function must exist, and `variables.x` must
// name a variable defined earlier. cel-go's checker reports these as
// "undeclared reference to 'x' (in container '')" and "undefined field 'x'",
// which is what kube shows when a policy is written against the wrong names.

import type { parse } from '@bufbuild/cel';
import type { CompileIssue } from './cel-errors.ts';

type ParsedExpr = ReturnType<typeof parse>;
type Expr = ParsedExpr['expr'];

/** Type names usable as values (`type(x) == int`). */
const TYPE_IDENTS: ReadonlySet<string> = new Set(['int', 'uint', 'double', 'bool', 'string', 'bytes', 'list', 'map', 'null_type', 'type', 'dyn']);

export interface ReferenceScope {
  /** Top-level variables (object, request, ...). */
  readonly variables: ReadonlySet<string>;
  /** Composition variables reachable as `variables.<name>`. */
  readonly compositionVariables: ReadonlySet<string>;
  /** Every function and method name the environment resolves. */
  readonly functions: ReadonlySet<string>;
}

export function checkReferences(parsed: ParsedExpr, scope: ReferenceScope): CompileIssue[] {
  const issues: CompileIssue[] = [];
  const positions = parsed.sourceInfo?.positions ?? {};
  const at = (e: Expr): number => positions[String(e.id)] ?? 0;

  const walk = (e: Expr | undefined, locals: ReadonlySet<string>): void => {
    if (e === undefined) return;
    const k = e.exprKind;
    switch (k.case) {
      case 'identExpr': {
        const name = k.value.name;
        if (!locals.has(name) && !scope.variables.has(name) && !TYPE_IDENTS.has(name)) {
          issues.push({ offset: at(e), message: `undeclared reference to '${name}' (in container '')` });
        }
        return;
      }
      case 'selectExpr': {
        const operand = k.value.operand;
        if (operand?.exprKind.case === 'identExpr' && operand.exprKind.value.name === 'variables' && !locals.has('variables')) {
          if (!scope.compositionVariables.has(k.value.field)) issues.push({ offset: at(e), message: `undefined field '${k.value.field}'` });
          return;
        }
        walk(operand, locals);
        return;
      }
      case 'callExpr': {
        const call = k.value;
        const qualified = call.target === undefined ? undefined : qualifiedName(call.target);
        if (qualified !== undefined && scope.functions.has(`${qualified}.${call.function}`)) {
          for (const a of call.args) walk(a, locals);
          return;
        }
        if (!scope.functions.has(call.function)) {
          issues.push({ offset: at(e), message: `undeclared reference to '${call.function}' (in container '')` });
        }
        walk(call.target, locals);
        for (const a of call.args) walk(a, locals);
        return;
      }
      case 'listExpr':
        for (const el of k.value.elements) walk(el, locals);
        return;
      case 'structExpr':
        for (const entry of k.value.entries) {
          if (entry.keyKind.case === 'mapKey') walk(entry.keyKind.value, locals);
          walk(entry.value, locals);
        }
        return;
      case 'comprehensionExpr': {
        const c = k.value;
        walk(c.iterRange, locals);
        walk(c.accuInit, locals);
        const inner = new Set(locals);
        inner.add(c.iterVar);
        if (c.iterVar2 !== '') inner.add(c.iterVar2);
        inner.add(c.accuVar);
        walk(c.loopCondition, inner);
        walk(c.loopStep, inner);
        const result = new Set(locals);
        result.add(c.accuVar);
        walk(c.result, result);
        return;
      }
      default:
        return;
    }
  };
  walk(parsed.expr, new Set());
  return issues.sort((a, b) => a.offset - b.offset);
}

function qualifiedName(e: Expr): string | undefined {
  const k = e.exprKind;
  if (k.case === 'identExpr') return k.value.name;
  if (k.case === 'selectExpr' && k.value.operand !== undefined && !k.value.testOnly) {
    const prefix = qualifiedName(k.value.operand);
    return prefix === undefined ? undefined : `${prefix}.${k.value.field}`;
  }
  return undefined;
}
