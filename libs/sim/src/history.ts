// The client-visible history of a run: every operation's invocation and, if
// known, its response. Times are a single counter shared by all events, so
// "a returned before b was called" is exact. An operation whose outcome is
// unknown (timed out, its member crashed) keeps returnTime = Infinity and no
// output: it may have taken effect at any point after its call, or never
// (porcupine's convention).

import { describeInput, describeOutput, type RegisterInput, type RegisterOutput } from './register-model.ts';

export interface HistoryOp {
  readonly id: number;
  readonly clientId: number;
  readonly input: RegisterInput;
  readonly callTime: number;
  /** Infinity while pending and when the outcome is unknown. */
  readonly returnTime: number;
  readonly output: RegisterOutput | undefined;
  /** Simulated ticks, for humans reading a failure. */
  readonly callTick: number;
  readonly returnTick: number;
}

type OpState = 'pending' | 'completed' | 'unknown';

interface MutableOp {
  id: number;
  clientId: number;
  input: RegisterInput;
  callTime: number;
  returnTime: number;
  output: RegisterOutput | undefined;
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

export class History {
  #time = 0;
  readonly #ops = new Map<number, MutableOp>();
  #nextId = 1;

  /** Records an invocation; returns the operation id. */
  invoke(clientId: number, input: RegisterInput, tick: number): number {
    const id = this.#nextId++;
    this.#ops.set(id, {
      id,
      clientId,
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
  complete(id: number, output: RegisterOutput, tick: number): void {
    const op = this.#pending(id);
    if (output.kind !== op.input.kind) throw new HistoryError(`op ${id}: ${output.kind} output for ${op.input.kind} input`);
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
  ops(): readonly HistoryOp[] {
    return [...this.#ops.values()].map((o) => ({
      id: o.id,
      clientId: o.clientId,
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

  #pending(id: number): MutableOp {
    const op = this.#ops.get(id);
    if (op === undefined || op.state !== 'pending') throw new HistoryError(`op ${id} is not pending`);
    return op;
  }
}

export function describeOp(op: HistoryOp): string {
  const ret = op.returnTime === Infinity ? '∞' : `t${op.returnTick}`;
  return `#${op.id} c${op.clientId} ${describeInput(op.input)} -> ${describeOutput(op.output)} [t${op.callTick}, ${ret}]`;
}
