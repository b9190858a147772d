// The sequential specification of the simulated state machine: a handful of
// integer registers, each initially 0, supporting write, read and
// compare-and-swap. Both the replicated state machine and the
// linearizability checker are defined by this one function pair.

export type RegisterInput =
  | { readonly kind: 'write'; readonly key: number; readonly value: number }
  | { readonly kind: 'read'; readonly key: number }
  | { readonly kind: 'cas'; readonly key: number; readonly expected: number; readonly next: number };

export type RegisterOutput =
  | { readonly kind: 'write' }
  | { readonly kind: 'read'; readonly value: number }
  | { readonly kind: 'cas'; readonly ok: boolean };

export const INITIAL_REGISTER_VALUE = 0;

/** Applies one operation to one register's value. */
export function applyRegisterOp(value: number, input: RegisterInput): { readonly next: number; readonly output: RegisterOutput } {
  switch (input.kind) {
    case 'write':
      return { next: input.value, output: { kind: 'write' } };
    case 'read':
      return { next: value, output: { kind: 'read', value } };
    case 'cas':
      return value === input.expected
        ? { next: input.next, output: { kind: 'cas', ok: true } }
        : { next: value, output: { kind: 'cas', ok: false } };
  }
}

/**
 * The checker's model step: may `input` take the register from `value` and
 * produce `output`? An undefined output (outcome unknown) accepts every
 * outcome the operation could have had.
 */
export function stepRegisterModel(
  value: number,
  input: RegisterInput,
  output: RegisterOutput | undefined,
): { readonly ok: boolean; readonly next: number } {
  const r = applyRegisterOp(value, input);
  if (output === undefined) return { ok: true, next: r.next };
  switch (output.kind) {
    case 'write':
      return { ok: input.kind === 'write', next: r.next };
    case 'read':
      return { ok: r.output.kind === 'read' && r.output.value === output.value, next: r.next };
    case 'cas':
      return { ok: r.output.kind === 'cas' && r.output.ok === output.ok, next: r.next };
  }
}

export function describeInput(input: RegisterInput): string {
  switch (input.kind) {
    case 'write':
      return `write(k${input.key}, ${input.value})`;
    case 'read':
      return `read(k${input.key})`;
    case 'cas':
      return `cas(k${input.key}, ${input.expected} -> ${input.next})`;
  }
}

export function describeOutput(output: RegisterOutput | undefined): string {
  if (output === undefined) return '?';
  switch (output.kind) {
    case 'write':
      return 'ok';
    case 'read':
      return String(output.value);
    case 'cas':
      return output.ok ? 'ok' : 'fail';
  }
}
