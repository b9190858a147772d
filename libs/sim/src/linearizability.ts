// A linearizability checker for the register model, in the style of
// porcupine: the Wing & Gong search with Lowe's memoization (a configuration
// already explored — same set of linearized operations, same register value —
// is never explored again), run separately on each key's sub-history (a
// history is linearizable iff every per-key projection is, because the
// registers are independent objects).
//
// The history is a doubly linked list of call and return events in time
// order. The search walks it: at a call it tries to linearize that operation
// now (the model must accept its recorded output), removing ("lifting") its
// call and return from the list; reaching a return whose operation is not yet
// linearized means the current prefix cannot be extended, so it backtracks.
//
// The search is generic over a sequential model (checkPartition); the
// register model is the one checkLinearizable uses, the store's per-key model
// is in store/key-model.ts.

import type { HistoryOp } from './history.ts';
import { describeOp } from './history.ts';
import { INITIAL_REGISTER_VALUE, stepRegisterModel } from './register-model.ts';

/** What the search needs of an operation: its interval in the history's event order. */
export interface TimedOp {
  readonly id: number;
  readonly callTime: number;
  /** Infinity when the outcome is unknown. */
  readonly returnTime: number;
}

/** A sequential specification of one object (one partition of the history). */
export interface LinearizabilityModel<S, Op extends TimedOp> {
  readonly init: S;
  /** May `op` (with its recorded output) run in state `state`, and what state follows? */
  step(state: S, op: Op): { readonly ok: boolean; readonly next: S };
  /** An exact rendering of a state, for memoization. */
  stateKey(state: S): string;
  describe(op: Op): string;
}

const REGISTER_MODEL: LinearizabilityModel<number, HistoryOp> = {
  init: INITIAL_REGISTER_VALUE,
  step: (value, op) => stepRegisterModel(value, op.input, op.output),
  stateKey: (value) => String(value),
  describe: describeOp,
};

export interface LinearizabilityOptions {
  /** Search steps allowed per key before giving up with an undecided result. */
  readonly maxStepsPerKey?: number;
}

export type LinearizabilityResult =
  | { readonly kind: 'ok'; readonly steps: number }
  | { readonly kind: 'violation'; readonly key: number; readonly steps: number; readonly explanation: string }
  | { readonly kind: 'undecided'; readonly key: number; readonly steps: number };

const DEFAULT_MAX_STEPS_PER_KEY = 2_000_000;

interface EventNode {
  /** Index into the partition's ops; -1 for the head sentinel. */
  readonly op: number;
  readonly isCall: boolean;
  match: EventNode | null;
  prev: EventNode | null;
  next: EventNode | null;
}

export function checkLinearizable(ops: readonly HistoryOp[], options: LinearizabilityOptions = {}): LinearizabilityResult {
  const maxSteps = options.maxStepsPerKey ?? DEFAULT_MAX_STEPS_PER_KEY;
  const byKey = new Map<number, HistoryOp[]>();
  for (const op of ops) {
    // A read whose outcome is unknown constrains nothing: it can always be
    // linearized last, where it changes nothing.
    if (op.input.kind === 'read' && op.output === undefined) continue;
    let list = byKey.get(op.input.key);
    if (list === undefined) byKey.set(op.input.key, (list = []));
    list.push(op);
  }
  let steps = 0;
  for (const key of [...byKey.keys()].sort((a, b) => a - b)) {
    const r = checkPartition(key, byKey.get(key)!, REGISTER_MODEL, maxSteps);
    steps += r.steps;
    if (r.kind !== 'ok') return { ...r, steps };
  }
  return { kind: 'ok', steps };
}

function buildEventList(ops: readonly TimedOp[]): EventNode {
  const events: { time: number; tie: number; node: EventNode }[] = [];
  ops.forEach((op, i) => {
    if (!(op.returnTime > op.callTime)) throw new RangeError(`op ${op.id}: returns before it is called`);
    const call: EventNode = { op: i, isCall: true, match: null, prev: null, next: null };
    const ret: EventNode = { op: i, isCall: false, match: null, prev: null, next: null };
    call.match = ret;
    ret.match = call;
    events.push({ time: op.callTime, tie: op.id, node: call }, { time: op.returnTime, tie: op.id, node: ret });
  });
  // Times are unique except for Infinity; unknown-outcome returns go last in id order.
  events.sort((a, b) => a.time - b.time || a.tie - b.tie || Number(a.node.isCall ? 0 : 1) - Number(b.node.isCall ? 0 : 1));
  const head: EventNode = { op: -1, isCall: false, match: null, prev: null, next: null };
  let tail = head;
  for (const e of events) {
    e.node.prev = tail;
    tail.next = e.node;
    tail = e.node;
  }
  return head;
}

function lift(call: EventNode): void {
  call.prev!.next = call.next;
  call.next!.prev = call.prev;
  const ret = call.match!;
  ret.prev!.next = ret.next;
  if (ret.next !== null) ret.next.prev = ret.prev;
}

function unlift(call: EventNode): void {
  const ret = call.match!;
  ret.prev!.next = ret;
  if (ret.next !== null) ret.next.prev = ret;
  call.prev!.next = call;
  call.next!.prev = call;
}

class Bitset {
  readonly #words: Uint32Array;
  constructor(bits: number) {
    this.#words = new Uint32Array(Math.ceil(bits / 32) || 1);
  }
  set(i: number): void {
    this.#words[i >>> 5]! |= 1 << (i & 31);
  }
  clear(i: number): void {
    this.#words[i >>> 5]! &= ~(1 << (i & 31));
  }
  /** A compact string naming the set together with a model state. */
  key(state: string): string {
    let s = `${state}|`;
    for (const w of this.#words) s += String.fromCharCode(w & 0xffff, w >>> 16);
    return s;
  }
}

/** Searches one partition (`key` names it in the result) against `model`. */
export function checkPartition<S, Op extends TimedOp>(
  key: number,
  ops: readonly Op[],
  model: LinearizabilityModel<S, Op>,
  maxSteps: number = DEFAULT_MAX_STEPS_PER_KEY,
): LinearizabilityResult {
  const head = buildEventList(ops);
  const linearized = new Bitset(ops.length);
  const seen = new Set<string>();
  const calls: { node: EventNode; value: S }[] = [];
  let value = model.init;
  let entry = head.next;
  let steps = 0;
  // For the report: the deepest point the search reached and where it got stuck.
  let deepest = 0;
  let stuckAt = -1;
  while (head.next !== null) {
    if (++steps > maxSteps) return { kind: 'undecided', key, steps };
    if (entry === null) throw new Error('linearizability: walked off the event list');
    if (entry.isCall) {
      const op = ops[entry.op]!;
      const r = model.step(value, op);
      if (r.ok) {
        linearized.set(entry.op);
        const k = linearized.key(model.stateKey(r.next));
        if (!seen.has(k)) {
          seen.add(k);
          calls.push({ node: entry, value });
          value = r.next;
          lift(entry);
          entry = head.next;
          continue;
        }
        linearized.clear(entry.op);
      }
      entry = entry.next;
    } else {
      if (calls.length >= deepest) {
        deepest = calls.length;
        stuckAt = entry.op;
      }
      const top = calls.pop();
      if (top === undefined) return violation(key, ops, model, steps, deepest, stuckAt);
      entry = top.node;
      value = top.value;
      linearized.clear(entry.op);
      unlift(entry);
      entry = entry.next;
    }
  }
  return { kind: 'ok', steps };
}

function violation<S, Op extends TimedOp>(
  key: number,
  ops: readonly Op[],
  model: LinearizabilityModel<S, Op>,
  steps: number,
  deepest: number,
  stuckAt: number,
): LinearizabilityResult {
  const stuck = ops[stuckAt];
  const explanation =
    `key ${key}: no linearization of ${ops.length} ops; at best ${deepest} linearized before ` +
    (stuck === undefined ? 'the search ran out' : `op ${model.describe(stuck)} had to return`);
  return { kind: 'violation', key, steps, explanation };
}
