// What clients ask for. Every write (and cas target) uses a value never used
// before, so a read identifies exactly which write it saw; that keeps the
// linearizability search narrow. A cas usually expects the value the client
// last saw for that key (so some succeed), sometimes a stale one.

import type { Prng } from './prng.ts';
import type { RegisterInput, RegisterOutput } from './register-model.ts';

export interface PlannedOp {
  readonly input: RegisterInput;
  /** Reads only: serve through ReadIndex instead of the log. */
  readonly viaReadIndex: boolean;
}

export class Workload {
  readonly #rng: Prng;
  readonly #keyCount: number;
  readonly #readIndexShare: number;
  #nextValue = 1;
  /** Per client, per key: the last value the client saw or wrote. */
  readonly #lastSeen: number[][];

  constructor(rng: Prng, keyCount: number, clientCount: number, readIndexShare: number) {
    this.#rng = rng;
    this.#keyCount = keyCount;
    this.#readIndexShare = readIndexShare;
    this.#lastSeen = Array.from({ length: clientCount }, () => new Array<number>(keyCount).fill(0));
  }

  next(clientId: number): PlannedOp {
    const rng = this.#rng;
    const key = rng.int(this.#keyCount);
    const roll = rng.float();
    if (roll < 0.35) return { input: { kind: 'write', key, value: this.#nextValue++ }, viaReadIndex: false };
    if (roll < 0.8) return { input: { kind: 'read', key }, viaReadIndex: rng.chance(this.#readIndexShare) };
    const seen = this.#lastSeen[clientId]![key]!;
    const expected = rng.chance(0.8) ? seen : rng.int(this.#nextValue);
    return { input: { kind: 'cas', key, expected, next: this.#nextValue++ }, viaReadIndex: false };
  }

  /** A write-only op, for the liveness probe. */
  nextWrite(): PlannedOp {
    return { input: { kind: 'write', key: this.#rng.int(this.#keyCount), value: this.#nextValue++ }, viaReadIndex: false };
  }

  observe(clientId: number, input: RegisterInput, output: RegisterOutput): void {
    const seen = this.#lastSeen[clientId]!;
    if (output.kind === 'read') seen[input.key] = output.value;
    else if (input.kind === 'write') seen[input.key] = input.value;
    else if (input.kind === 'cas' && output.kind === 'cas' && output.ok) seen[input.key] = input.next;
  }
}
