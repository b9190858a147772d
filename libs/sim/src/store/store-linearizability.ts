// End-of-run checks of the store clients' history against the committed
// history:
//  1. answers: every answered log request got the outcome its entry had;
//     every serializable read returned a state that existed (the committed
//     keys at the revision it reported, no revision beyond any member's);
//  2. revision order: if op A returned before op B was called, B's revision
//     is at least A's (greater if B wrote) — the store's revisions must
//     respect real time across all keys;
//  3. per-key linearizability (key-model.ts) of every non-serializable op,
//     ranges projected onto each key they cover, lease revokes and the
//     leaders' lease expiries onto each key (deleted, or left alone).
// An op whose outcome the client never learned takes the outcome of its
// entry if the entry was ever applied (the committed history knows, and
// requests are applied at most once), else it never took effect and is
// dropped; unknown linearizable reads constrain nothing and are dropped.

import type { HistoryOp } from '../history.ts';
import { checkPartition, type LinearizabilityResult } from '../linearizability.ts';
import type { CommittedEntry, CommittedHistory } from './committed-history.ts';
import { keyModel, type KeyOp, type KeyOpInput } from './key-model.ts';
import { describeKv, describeStoreInput, describeStoreOutput, keyIndexOf, type StoreInput, type StoreOutput } from './store-ops.ts';

export type StoreOp = HistoryOp<StoreInput, StoreOutput>;

export interface StoreHistoryCheck {
  /** Undefined when everything holds. */
  readonly failure: { readonly checker: 'store-history' | 'linearizability'; readonly message: string } | undefined;
  readonly steps: number;
  readonly undecided: boolean;
}

/** An op with a known outcome and a revision. */
interface Resolved {
  readonly id: number;
  readonly callTime: number;
  readonly returnTime: number;
  readonly input: StoreInput | { readonly kind: 'leaseExpire' };
  readonly output: StoreOutput;
  readonly revision: number;
  readonly wrote: boolean;
  readonly entry: CommittedEntry | undefined;
  readonly source: string;
}

export function requestKeyOfOp(op: StoreOp): string {
  return `c${op.clientId}:${op.seq ?? 0}`;
}

function describeOp(op: StoreOp): string {
  const ret = op.returnTime === Infinity ? '∞' : `t${op.returnTick}`;
  return `#${op.id} c${op.clientId} ${describeStoreInput(op.input)} -> ${describeStoreOutput(op.output)} [t${op.callTick}, ${ret}]`;
}

function isSerializable(i: StoreInput): boolean {
  return i.kind === 'range' && i.mode === 'serializable';
}

/** Check 1. */
export function checkAnswers(ops: readonly StoreOp[], committed: CommittedHistory): string | undefined {
  for (const op of ops) {
    const o = op.output;
    if (o === undefined) continue;
    const i = op.input;
    if (isSerializable(i) && i.kind === 'range' && o.kind === 'range') {
      const want = committed.stateAt(o.revision, i.from, i.to);
      const got = o.kvs.map(describeKv).join(' ');
      if (o.revision > committed.revision || want.map(describeKv).join(' ') !== got) {
        return `serializable read ${describeOp(op)} matches no committed state (at revision ${o.revision}: [${want.map(describeKv).join(' ')}]; committed up to ${committed.revision})`;
      }
      continue;
    }
    if (i.kind === 'keepAlive' || (i.kind === 'range' && i.mode === 'linearizable')) continue;
    const wrong = committed.checkAnswer(requestKeyOfOp(op), o);
    if (wrong !== undefined) return `${wrong} (${describeOp(op)})`;
  }
  return undefined;
}

function revisionOf(o: StoreOutput): number | undefined {
  return 'revision' in o ? o.revision : undefined;
}

function resolve(ops: readonly StoreOp[], committed: CommittedHistory, expiryProposals: ReadonlyMap<string, number>): Resolved[] {
  const out: Resolved[] = [];
  for (const op of ops) {
    if (isSerializable(op.input) || op.input.kind === 'keepAlive') continue;
    const entry = committed.byRequest(requestKeyOfOp(op));
    const output = op.output ?? entry?.output;
    if (output === undefined) continue;
    const revision = revisionOf(output);
    if (revision === undefined) continue;
    out.push({ id: op.id, callTime: op.callTime, returnTime: op.returnTime, input: op.input, output, revision, wrote: wrote(output, entry), entry, source: describeOp(op) });
  }
  let id = ops.length + 1;
  for (const e of committed.entries()) {
    if (e.output.kind !== 'leaseExpire' || e.leasesRemoved.length === 0) continue;
    const callTime = expiryProposals.get(e.requestKey);
    if (callTime === undefined) throw new Error(`lease expiry ${e.requestKey} was applied but never proposed`);
    out.push({
      id: id++,
      callTime,
      returnTime: e.time,
      input: { kind: 'leaseExpire' },
      output: e.output,
      revision: e.revision,
      wrote: e.events.length > 0,
      entry: e,
      source: `leader ${e.requestKey} expired leases ${e.leasesRemoved.join(',')} at index ${e.index}`,
    });
  }
  return out;
}

function wrote(o: StoreOutput, entry: CommittedEntry | undefined): boolean {
  switch (o.kind) {
    case 'put':
      return true;
    case 'cas':
      return o.succeeded;
    case 'delete':
      return o.deleted > 0;
    case 'leaseRevoke':
    case 'leaseExpire':
      return (entry?.events.length ?? 0) > 0;
    default:
      return false;
  }
}

/** Check 2: a sweep over calls and returns in time order. */
export function checkRevisionOrder(ops: readonly Resolved[]): string | undefined {
  const points: { time: number; call: boolean; op: Resolved }[] = [];
  for (const op of ops) {
    points.push({ time: op.callTime, call: true, op });
    if (op.returnTime !== Infinity) points.push({ time: op.returnTime, call: false, op });
  }
  points.sort((a, b) => a.time - b.time);
  let before: Resolved | undefined;
  for (const p of points) {
    if (!p.call) {
      if (before === undefined || p.op.revision > before.revision) before = p.op;
      continue;
    }
    if (before === undefined) continue;
    const ok = p.op.wrote ? p.op.revision > before.revision : p.op.revision >= before.revision;
    if (!ok) {
      return `${p.op.source} has revision ${p.op.revision}${p.op.wrote ? ' (a write)' : ''}, but ${before.source} returned before it was called, at revision ${before.revision}`;
    }
  }
  return undefined;
}

/** Projects resolved ops onto the keys they touch. */
function project(ops: readonly Resolved[], keyCount: number): KeyOp[][] {
  const byKey: KeyOp[][] = Array.from({ length: keyCount }, () => []);
  const add = (key: number, r: Resolved, input: KeyOpInput, wroteKey: boolean, kv: KeyOp['kv']): void => {
    byKey[key]!.push({ id: r.id, callTime: r.callTime, returnTime: r.returnTime, input, revision: r.revision, wrote: wroteKey, kv, source: r.source });
  };
  for (const r of ops) {
    const i = r.input;
    const o = r.output;
    switch (i.kind) {
      case 'put':
        add(i.key, r, { kind: 'put', value: i.value, lease: i.lease }, true, undefined);
        break;
      case 'delete':
        add(i.key, r, { kind: 'delete' }, r.wrote, undefined);
        break;
      case 'cas':
        add(i.key, r, { kind: 'cas', compare: i.compare, value: i.value }, r.wrote, o.kind === 'cas' ? o.kv : undefined);
        break;
      case 'range':
        if (o.kind !== 'range') break;
        for (let k = i.from; k < i.to; k++) add(k, r, { kind: 'read' }, false, o.kvs.find((kv) => kv.key === k));
        break;
      case 'leaseRevoke':
      case 'leaseExpire': {
        const e = r.entry;
        if (e === undefined || e.leasesRemoved.length === 0) break;
        const deleted = new Set(e.events.map((ev) => keyIndexOf(ev.kv.key)));
        for (let k = 0; k < keyCount; k++) {
          if (deleted.has(k)) add(k, r, { kind: 'leaseDelete', leases: e.leasesRemoved }, true, undefined);
          else add(k, r, { kind: 'leaseKeep', leases: e.leasesRemoved }, false, undefined);
        }
        break;
      }
      default:
        break;
    }
  }
  return byKey;
}

/** Checks 1 to 3; the first failure wins. */
export function checkStoreHistory(
  ops: readonly StoreOp[],
  committed: CommittedHistory,
  keyCount: number,
  expiryProposals: ReadonlyMap<string, number>,
  maxStepsPerKey?: number,
): StoreHistoryCheck {
  const wrong = checkAnswers(ops, committed);
  if (wrong !== undefined) return { failure: { checker: 'store-history', message: wrong }, steps: 0, undecided: false };
  const resolved = resolve(ops, committed, expiryProposals);
  const order = checkRevisionOrder(resolved);
  if (order !== undefined) return { failure: { checker: 'linearizability', message: order }, steps: 0, undecided: false };
  let steps = 0;
  const byKey = project(resolved, keyCount);
  for (let key = 0; key < keyCount; key++) {
    const r: LinearizabilityResult = checkPartition(key, byKey[key]!, keyModel(key), maxStepsPerKey);
    steps += r.steps;
    if (r.kind === 'violation') return { failure: { checker: 'linearizability', message: r.explanation }, steps, undecided: false };
    if (r.kind === 'undecided') return { failure: undefined, steps, undecided: true };
  }
  return { failure: undefined, steps, undecided: false };
}
