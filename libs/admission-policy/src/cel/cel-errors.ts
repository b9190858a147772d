// CEL's two failure kinds, worded as kube-apiserver words them: a compile
// error carries cel-go's issue listing (`ERROR: <input>:L:C: msg` plus the
// source line and a caret), an evaluation error carries the runtime message.
// Callers put them into Status messages verbatim, as kube does.

export const CEL_ERROR_CODES = ['CompileFailed', 'EvaluationFailed', 'CostLimitExceeded', 'BudgetExhausted'] as const;
export type CelErrorCode = (typeof CEL_ERROR_CODES)[number];

export class CelExpressionError extends Error {
  override readonly name = 'CelExpressionError';
  readonly code: CelErrorCode;

  constructor(code: CelErrorCode, message: string, opts: { readonly cause?: unknown } = {}) {
    super(message, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.code = code;
  }
}

/** One compile issue, at a 0-based offset into the expression. */
export interface CompileIssue {
  readonly offset: number;
  readonly message: string;
}

/**
 * cel-go's issue display: `ERROR: <input>:line:col: message`, then the
 * offending line and a caret under the column (dots before it).
 */
export function formatIssues(source: string, issues: readonly CompileIssue[]): string {
  return issues.map((issue) => formatIssue(source, issue)).join('\n');
}

function formatIssue(source: string, issue: CompileIssue): string {
  const offset = Math.max(0, Math.min(issue.offset, source.length));
  const before = source.slice(0, offset);
  const line = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const column = offset - lineStart;
  const lineEnd = source.indexOf('\n', lineStart);
  const text = source.slice(lineStart, lineEnd === -1 ? source.length : lineEnd);
  return `ERROR: <input>:${line}:${column + 1}: ${issue.message}\n | ${text}\n | ${'.'.repeat(column)}^`;
}

/** kube's compile failure text: `compilation failed: ERROR: ...`. */
export function compileFailed(source: string, issues: readonly CompileIssue[]): CelExpressionError {
  return new CelExpressionError('CompileFailed', `compilation failed: ${formatIssues(source, issues)}`);
}

// The evaluator's runtime messages, reworded to cel-go's where the two differ,
// because kube prints cel-go's text to clients and users match on it.
const RUNTIME_REWRITES: readonly (readonly [RegExp, string])[] = [
  [/^field not found: (.*)$/s, 'no such key: $1'],
  [/^(?:int|uint|double) divide by zero$/, 'division by zero'],
  [/^(?:int|uint|double) modulus by zero$/, 'modulus by zero'],
  [/^(?:int|uint) overflow during .*$/, 'integer overflow'],
  [/^unbound function: (.*)$/, "no such overload: $1"],
  [/^index (-?\d+) out of bounds \[0, (\d+)\)$/, "index out of bounds: $1"],
];

/** The runtime message in cel-go's words. */
export function runtimeMessage(message: string): string {
  for (const [re, replacement] of RUNTIME_REWRITES) if (re.test(message)) return message.replace(re, replacement);
  return message;
}
