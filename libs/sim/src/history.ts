// The client-visible history of a run: every operation's invocation and, if
// known, its response. Times are a single counter shared by all events, so
// "a returned before b was called" is exact. An operation whose outcome is
// unknown (timed out, its member crashed) keeps returnTime = Infinity and no
// output: it may have taken effect at any point after its call, or never
// (porcupine's convention). Generic over the operations' input and output
// (the register workload's by default; the store's in store/store-ops.ts).

import { describeInput, describeOutput, type RegisterInput, type RegisterOutput } from './register-model.ts';

export interface HistoryOp<I = RegisterInput, O = RegisterOutput> {
  readonly id: number;
  readonly clientId: number;
  /** The client's request sequence number, when the workload tracks it. */
  readonly seq?: number;
  readonly input: I;
  readonly callTime: number;
  /** Infinity while pending and when the outcome is unknown. */
  readonly returnTime: number;
  readonly output: O | undefined;
  /** Simulated ticks, for humans reading a failure. */
  readonly callTick: number;
  readonly returnTick: number;
}

type OpState = 'pending' | 'completed' | 'unknown';

interface MutableOp<I, O> {
  id: number;
  clientId: number;
  seq: number;
  input: I;
  callTime: number;
  returnTime: number;
  output: O | undefined;
  callTick: number;
  returnTick: number;
  state: OpState;
}

export class HistoryError extends Error {
  readonly code = 'history-misuse';
  constructor(message: string) {
    super(message);
    this.name = 'HistoryError';
  }
}

/** Whether an output can answer an input (a mismatch is a simulator bug). */
export type OutputCheck<I, O> = (input: I, output: O) => boolean;

const sameKind: OutputCheck<{ readonly kind: string }, { readonly kind: string }> = (i, o) => i.kind === o.kind;

export class History<I = RegisterInput, O = RegisterOutput> {
  #time = 0;
  readonly #ops = new Map<number, MutableOp<I, O>>();
  #nextId = 1;
  readonly #answers: OutputCheck<I, O>;

  constructor(answers?: OutputCheck<I, O>) {
    this.#answers = answers ?? (sameKind as unknown as OutputCheck<I, O>);
  }

  /** A point on the history's clock, ordered against every call and return (for events no client invoked). */
  stamp(): number {
    return ++this.#time;
  }

  /** Records an invocation; returns the operation id. */
  invoke(clientId: number, input: I, tick: number, seq = 0): number {
    const id = this.#nextId++;
    this.#ops.set(id, {
      id,
      clientId,
      seq,
      input,
      callTime: ++this.#time,
      returnTime: Infinity,
      output: undefined,
      callTick: tick,
      returnTick: Infinity,
      state: 'pending',
    });
    return id;
  }

  /** Records the response of a pending operation. */
  complete(id: number, output: O, tick: number): void {
    const op = this.#pending(id);
    if (!this.#answers(op.input, output)) throw new HistoryError(`op ${id}: ${kindOf(output)} output for ${kindOf(op.input)} input`);
    op.output = output;
    op.returnTime = ++this.#time;
    op.returnTick = tick;
    op.state = 'completed';
  }

  /** The outcome will never be known: the op may or may not have happened. */
  abandon(id: number): void {
    this.#pending(id).state = 'unknown';
  }

  /** The op definitely did not take effect (refused before reaching the log): drop it. */
  retract(id: number): void {
    this.#pending(id);
    this.#ops.delete(id);
  }

  isPending(id: number): boolean {
    return this.#ops.get(id)?.state === 'pending';
  }

  /** Every recorded op; still-pending ones are reported with an unknown outcome. */
  ops(): readonly HistoryOp<I, O>[] {
    return [...this.#ops.values()].map((o) => ({
      id: o.id,
      clientId: o.clientId,
      seq: o.seq,
      input: o.input,
      callTime: o.callTime,
      returnTime: o.returnTime,
      output: o.output,
      callTick: o.callTick,
      returnTick: o.returnTick,
    }));
  }

  counts(): { readonly completed: number; readonly unknown: number; readonly pending: number } {
    let completed = 0;
    let unknown = 0;
    let pending = 0;
    for (const o of this.#ops.values()) {
      if (o.state === 'completed') completed++;
      else if (o.state === 'unknown') unknown++;
      else pending++;
    }
    return { completed, unknown, pending };
  }

  #pending(id: number): MutableOp<I, O> {
    const op = this.#ops.get(id);
    if (op === undefined || op.state !== 'pending') throw new HistoryError(`op ${id} is not pending`);
    return op;
  }
}

function kindOf(x: unknown): string {
  return typeof x === 'object' && x !== null && 'kind' in x && typeof x.kind === 'string' ? x.kind : JSON.stringify(x);
}

export function describeOp(op: HistoryOp): string {
  const ret = op.returnTime === Infinity ? '∞' : `t${op.returnTick}`;
  return `#${op.id} c${op.clientId} ${describeInput(op.input)} -> ${describeOutput(op.output)} [t${op.callTick}, ${ret}]`;
}
