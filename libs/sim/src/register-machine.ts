// The replicated state machine each member runs: the registers plus, per
// client, the highest request sequence number applied. A command whose seq is
// not above its client's highest is a duplicate (the network duplicated a
// forwarded proposal) or a late straggler the client has already given up on;
// either way it is skipped, identically on every member, so each request takes
// effect at most once. Memory is bounded by keys + clients.

import { decodeCommand, type Command } from './command.ts';
import { applyRegisterOp, INITIAL_REGISTER_VALUE, type RegisterOutput } from './register-model.ts';

export interface ApplyResult {
  readonly command: Command;
  /** Undefined when the command was skipped as a duplicate. */
  readonly output: RegisterOutput | undefined;
}

export class SnapshotDecodeError extends Error {
  readonly code = 'snapshot-invalid';
  constructor(message: string) {
    super(`register snapshot: ${message}`);
    this.name = 'SnapshotDecodeError';
  }
}

export class RegisterMachine {
  readonly #values: number[];
  readonly #lastSeq: number[];

  constructor(keyCount: number, clientCount: number) {
    this.#values = new Array<number>(keyCount).fill(INITIAL_REGISTER_VALUE);
    this.#lastSeq = new Array<number>(clientCount).fill(0);
  }

  apply(data: Uint8Array): ApplyResult {
    const command = decodeCommand(data);
    const { clientId, seq, input } = command;
    if (input.key >= this.#values.length) throw new RangeError(`command for key ${input.key} of ${this.#values.length}`);
    if (clientId >= this.#lastSeq.length) throw new RangeError(`command from client ${clientId} of ${this.#lastSeq.length}`);
    if (seq <= this.#lastSeq[clientId]!) return { command, output: undefined };
    this.#lastSeq[clientId] = seq;
    const r = applyRegisterOp(this.#values[input.key]!, input);
    this.#values[input.key] = r.next;
    return { command, output: r.output };
  }

  read(key: number): number {
    const v = this.#values[key];
    if (v === undefined) throw new RangeError(`read of key ${key} of ${this.#values.length}`);
    return v;
  }

  /** A short exact rendering of the whole state, compared across members. */
  digest(): string {
    return `${this.#values.join(',')}/${this.#lastSeq.join(',')}`;
  }

  snapshot(): Uint8Array {
    const out = new Float64Array(2 + this.#values.length + this.#lastSeq.length);
    out[0] = this.#values.length;
    out[1] = this.#lastSeq.length;
    out.set(this.#values, 2);
    out.set(this.#lastSeq, 2 + this.#values.length);
    return new Uint8Array(out.buffer);
  }

  /** Replace the state with a snapshot's; an empty snapshot is the initial state (the cluster's bootstrap snapshot). */
  restore(data: Uint8Array): void {
    if (data.byteLength === 0) {
      this.#values.fill(INITIAL_REGISTER_VALUE);
      this.#lastSeq.fill(0);
      return;
    }
    if (data.byteLength % 8 !== 0) throw new SnapshotDecodeError(`length ${data.byteLength} is not a multiple of 8`);
    const f = new Float64Array(data.slice().buffer);
    if (f[0] !== this.#values.length || f[1] !== this.#lastSeq.length || f.length !== 2 + f[0] + f[1]) {
      throw new SnapshotDecodeError('shape does not match this machine');
    }
    for (let i = 0; i < this.#values.length; i++) this.#values[i] = f[2 + i]!;
    for (let i = 0; i < this.#lastSeq.length; i++) this.#lastSeq[i] = f[2 + this.#values.length + i]!;
  }
}
