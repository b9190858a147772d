import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { TURBOFAN_INVOCATIONS } from '../src/v8-tiering.ts';

const MODULE = fileURLToPath(new URL('../src/v8-tiering.ts', import.meta.url));
const CALLS = 2_500;

/**
 * The number of calls after which V8 had compiled a small function with
 * TurboFan, in a fresh process (compiling on the main thread, so the count
 * is exact); undefined if it had not by CALLS.
 */
function turbofanAfter(tuned: boolean): number | undefined {
  const script = `
    const { tuneTierUp } = await import(${JSON.stringify(MODULE)});
    if (${tuned}) tuneTierUp();
    function hot(o) { return o.a * 2 + o.b; }
    let sum = 0;
    for (let n = 1; n <= ${CALLS}; n++) { sum += hot({ a: n, b: 1 }); if (n % 100 === 0) process.stdout.write('CALLS ' + n + '\\n'); }
  `;
  const r = spawnSync(process.execPath, ['--trace-opt', '--no-concurrent-recompilation', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  let calls = 0;
  for (const line of r.stdout.split('\n')) {
    const m = /^CALLS (\d+)$/.exec(line);
    if (m !== null) calls = Number(m[1]);
    else if (/completed compiling .*<JSFunction hot .*target TURBOFAN/.test(line)) return calls;
  }
  return undefined;
}

test('tuneTierUp: a function reaches TurboFan after ~TURBOFAN_INVOCATIONS calls instead of V8\'s default 3,000', () => {
  const tuned = turbofanAfter(true);
  assert.ok(tuned !== undefined, `not compiled by TurboFan within ${CALLS} calls when tuned`);
  assert.ok(tuned <= 2 * TURBOFAN_INVOCATIONS, `tuned: TurboFan after ${tuned} calls`);
  // The same process without the setting: still in a lower tier at that point.
  const untuned = turbofanAfter(false);
  assert.ok(untuned === undefined || untuned > tuned + 500, `untuned: TurboFan after ${untuned} calls, tuned after ${tuned}`);
});
