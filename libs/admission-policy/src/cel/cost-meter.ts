// The bound on evaluation. The evaluator has no cost tracker of its own, so
// Logbook counts at two seams it does expose: every function call (operators
// included) goes through the environment's function resolver, and every
// comprehension iteration evaluates the loop condition, which the compiler
// wraps in a counting call (see program.ts). Units approximate cel-go's: 1 per
// call plus a tenth of the length of each string, bytes, list or map argument
// (cel-go charges traversals by size the same way), 1 per iteration.
//
// At the bound the meter latches: every later charge fails and every loop
// condition reads false, so evaluation winds down at once; the caller then
// reports kube's "actual cost limit exceeded" whatever value came out, because
// CEL's error absorption (`true || error`) could otherwise hide the overrun.

import { isCelList, isCelMap, type CelValue } from '@bufbuild/cel';

export class CostMeter {
  readonly limit: number;
  #spent = 0;
  #exceeded = false;

  constructor(limit: number) {
    if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`CostMeter: limit ${limit} is not a non-negative integer`);
    this.limit = limit;
  }

  get spent(): number {
    return this.#spent;
  }

  get exceeded(): boolean {
    return this.#exceeded;
  }

  /** Adds `units`; false once the limit is passed (and from then on). */
  charge(units: number): boolean {
    this.#spent += units;
    if (this.#spent > this.limit) this.#exceeded = true;
    return !this.#exceeded;
  }
}

/** The cost of one call with these operands. */
export function callCost(target: CelValue | undefined, args: readonly CelValue[]): number {
  let cost = 1;
  if (target !== undefined) cost += sizeCost(target);
  for (const a of args) cost += sizeCost(a);
  return cost;
}

function sizeCost(v: CelValue): number {
  if (typeof v === 'string') return Math.ceil(v.length / 10);
  if (v instanceof Uint8Array) return Math.ceil(v.length / 10);
  if (isCelList(v)) return Math.ceil(v.size / 10);
  if (isCelMap(v)) return Math.ceil(v.size / 10);
  return 0;
}
