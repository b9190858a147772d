import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkLinearizable } from '../src/linearizability.ts';
import type { HistoryOp } from '../src/history.ts';
import { History } from '../src/history.ts';
import { applyRegisterOp, type RegisterInput, type RegisterOutput } from '../src/register-model.ts';
import { Prng } from '../src/prng.ts';

// [call, return] in abstract time; return Infinity = outcome unknown.
type Spec = readonly [client: number, input: RegisterInput, call: number, ret: number, output?: RegisterOutput];

function history(specs: readonly Spec[]): HistoryOp[] {
  return specs.map(([clientId, input, callTime, returnTime, output], i) => ({
    id: i + 1,
    clientId,
    input,
    callTime,
    returnTime,
    output,
    callTick: callTime,
    returnTick: returnTime,
  }));
}

const W = (key: number, value: number): RegisterInput => ({ kind: 'write', key, value });
const R = (key: number): RegisterInput => ({ kind: 'read', key });
const CAS = (key: number, expected: number, next: number): RegisterInput => ({ kind: 'cas', key, expected, next });
const wrote: RegisterOutput = { kind: 'write' };
const saw = (value: number): RegisterOutput => ({ kind: 'read', value });
const casOk: RegisterOutput = { kind: 'cas', ok: true };
const casFail: RegisterOutput = { kind: 'cas', ok: false };

function ok(specs: readonly Spec[]): void {
  const r = checkLinearizable(history(specs));
  assert.equal(r.kind, 'ok', JSON.stringify(r));
}
function bad(specs: readonly Spec[], key = 0): void {
  const r = checkLinearizable(history(specs));
  assert.equal(r.kind, 'violation', JSON.stringify(r));
  if (r.kind === 'violation') assert.equal(r.key, key);
}

describe('checkLinearizable: accepts linearizable histories', () => {
  it('empty history and a lone initial read', () => {
    ok([]);
    ok([[1, R(0), 1, 2, saw(0)]]);
  });

  it('sequential write then read', () => {
    ok([
      [1, W(0, 5), 1, 2, wrote],
      [2, R(0), 3, 4, saw(5)],
    ]);
  });

  it('a read concurrent with a write may see either value', () => {
    ok([
      [1, W(0, 1), 1, 10, wrote],
      [2, R(0), 2, 3, saw(0)],
      [3, R(0), 4, 5, saw(1)],
    ]);
  });

  it('concurrent writes can be ordered either way', () => {
    ok([
      [1, W(0, 1), 1, 5, wrote],
      [2, W(0, 2), 2, 6, wrote],
      [3, R(0), 7, 8, saw(1)],
    ]);
    ok([
      [1, W(0, 1), 1, 5, wrote],
      [2, W(0, 2), 2, 6, wrote],
      [3, R(0), 7, 8, saw(2)],
    ]);
  });

  it('cas succeeds and fails consistently with concurrent writes', () => {
    ok([
      [1, W(0, 1), 1, 2, wrote],
      [2, CAS(0, 1, 2), 3, 6, casOk],
      [3, CAS(0, 1, 3), 4, 7, casFail],
      [1, R(0), 8, 9, saw(2)],
    ]);
  });

  it('a write with unknown outcome may take effect late', () => {
    ok([
      [1, W(0, 7), 1, Infinity],
      [2, R(0), 2, 3, saw(0)],
      [2, R(0), 10, 11, saw(7)],
    ]);
  });

  it('a write with unknown outcome may never take effect', () => {
    ok([
      [1, W(0, 7), 1, Infinity],
      [2, R(0), 20, 21, saw(0)],
    ]);
  });

  it('a cas with unknown outcome may have applied', () => {
    ok([
      [1, CAS(0, 0, 4), 1, Infinity],
      [2, R(0), 5, 6, saw(4)],
    ]);
  });

  it('ignores reads with unknown outcome', () => {
    ok([[1, R(0), 1, Infinity]]);
  });

  it('keys are independent', () => {
    ok([
      [1, W(0, 1), 1, 2, wrote],
      [2, W(1, 2), 3, 4, wrote],
      [1, R(1), 5, 6, saw(2)],
      [2, R(0), 7, 8, saw(1)],
    ]);
  });
});

describe('checkLinearizable: rejects non-linearizable histories', () => {
  it('stale read after a completed write', () => {
    bad([
      [1, W(0, 1), 1, 2, wrote],
      [2, R(0), 3, 4, saw(0)],
    ]);
  });

  it('lost write: a later read sees the overwritten value', () => {
    bad([
      [1, W(0, 1), 1, 2, wrote],
      [1, W(0, 2), 3, 4, wrote],
      [2, R(0), 5, 6, saw(1)],
    ]);
  });

  it('read of a value never written', () => {
    bad([[1, R(0), 1, 2, saw(42)]]);
  });

  it('value flips back: two reads after concurrent writes disagree in time order', () => {
    bad([
      [1, W(0, 1), 1, 5, wrote],
      [2, W(0, 2), 2, 6, wrote],
      [3, R(0), 7, 8, saw(1)],
      [3, R(0), 9, 10, saw(2)],
    ]);
  });

  it('two concurrent cas from the same value both succeed', () => {
    bad([
      [1, CAS(0, 0, 1), 1, 5, casOk],
      [2, CAS(0, 0, 2), 2, 6, casOk],
    ]);
  });

  it('cas fails although nothing could have changed the value', () => {
    bad([
      [1, W(0, 3), 1, 2, wrote],
      [2, CAS(0, 3, 4), 3, 4, casFail],
    ]);
  });

  it('cas succeeds from a value the register never held', () => {
    bad([[1, CAS(0, 9, 1), 1, 2, casOk]]);
  });

  it('an unknown write, once observed, cannot be un-observed', () => {
    bad([
      [1, W(0, 7), 1, Infinity],
      [2, R(0), 5, 6, saw(7)],
      [2, R(0), 7, 8, saw(0)],
    ]);
  });

  it('a read concurrent with nothing sees a value only later written', () => {
    bad([
      [2, R(0), 1, 2, saw(5)],
      [1, W(0, 5), 3, 4, wrote],
    ]);
  });

  it('reports the offending key', () => {
    bad(
      [
        [1, W(0, 1), 1, 2, wrote],
        [1, R(0), 3, 4, saw(1)],
        [2, W(3, 1), 5, 6, wrote],
        [2, R(3), 7, 8, saw(0)],
      ],
      3,
    );
  });
});

describe('checkLinearizable: randomized', () => {
  // Builds histories from a real sequential execution: each op takes effect at
  // a point inside its [call, return] interval, so the history is linearizable.
  function randomHistory(seed: number, opCount: number): HistoryOp[] {
    const rng = Prng.fromSeed(seed);
    const h = new History();
    const clients = 4;
    const busy = new Map<number, { id: number; input: RegisterInput; effectAt: number; output?: RegisterOutput }>();
    const regs = [0, 0];
    let nextValue = 1;
    let started = 0;
    for (let t = 0; started < opCount || busy.size > 0; t++) {
      for (let c = 0; c < clients; c++) {
        const cur = busy.get(c);
        if (cur === undefined) {
          if (started >= opCount || !rng.chance(0.5)) continue;
          const key = rng.int(2);
          const k = rng.int(3);
          const input: RegisterInput =
            k === 0 ? W(key, nextValue++) : k === 1 ? R(key) : CAS(key, rng.chance(0.5) ? regs[key]! : rng.int(nextValue), nextValue++);
          const id = h.invoke(c, input, t);
          busy.set(c, { id, input, effectAt: t + rng.int(4) });
          started++;
        } else if (cur.output === undefined && t >= cur.effectAt) {
          const r = applyRegisterOp(regs[cur.input.key]!, cur.input);
          regs[cur.input.key] = r.next;
          cur.output = r.output;
        } else if (cur.output !== undefined && rng.chance(0.5)) {
          if (rng.chance(0.05)) h.abandon(cur.id);
          else h.complete(cur.id, cur.output, t);
          busy.delete(c);
        }
      }
    }
    return [...h.ops()];
  }

  it('accepts histories generated from a sequential execution', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const r = checkLinearizable(randomHistory(seed, 150));
      assert.equal(r.kind, 'ok', `seed ${seed}: ${JSON.stringify(r)}`);
    }
  });

  it('rejects them once one completed read is corrupted to an unwritten value', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const ops = randomHistory(seed, 150);
      const i = ops.findIndex((o) => o.output?.kind === 'read' && o.returnTime !== Infinity);
      if (i < 0) continue;
      ops[i] = { ...ops[i]!, output: { kind: 'read', value: 1_000_000 } };
      const r = checkLinearizable(ops);
      assert.equal(r.kind, 'violation', `seed ${seed}`);
    }
  });

  it('gives up with undecided when the step budget is exhausted', () => {
    const r = checkLinearizable(randomHistory(3, 150), { maxStepsPerKey: 5 });
    assert.equal(r.kind, 'undecided');
  });
});
