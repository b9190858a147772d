import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

function run(...args: string[]): { code: number | null; lines: string[]; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, lines: r.stdout.trimEnd().split('\n'), stderr: r.stderr };
}

describe('cli', () => {
  it('reports a failing seed with its replay command, ends with the summary line, exits 1', () => {
    const r = run('--seeds', '1', '--from', '1', '--mutant', 'skip-fsync', '--jobs', '1');
    assert.equal(r.code, 1, r.stderr);
    const fail = r.lines.find((l) => l.startsWith('FAIL seed 1 '));
    assert.ok(fail !== undefined, r.lines.join('\n'));
    assert.ok(fail.endsWith('replay: npm run sim -- --seeds 1 --from 1 --mutant skip-fsync'), fail);
    assert.match(r.lines.at(-2)!, /^ran 1 seeds in [\d.]+ s \([\d.]+ seeds\/s, 1 jobs\)$/);
    assert.equal(r.lines.at(-1), '0 passed, 1 failed');
  });

  it('counts seeds across worker threads and keeps the summary format', () => {
    const r = run('--seeds', '4', '--from', '3', '--ticks', '200', '--jobs', '2');
    assert.match(r.lines.at(-1)!, /^(\d+) passed, (\d+) failed$/);
    const [, passed, failed] = /^(\d+) passed, (\d+) failed$/.exec(r.lines.at(-1)!)!;
    assert.equal(Number(passed) + Number(failed), 4);
    assert.equal(r.code, Number(failed) > 0 ? 1 : 0);
    assert.equal(r.lines.filter((l) => l.startsWith('FAIL seed ')).length, Number(failed));
    assert.match(r.lines.at(-3)!, /^features \(seeds of 4\): snapshots sent \d+, .* lease reads \d+$/);
  });

  it('runs the store workload: a failing seed names --workload store in its replay command, and a store line follows the features', () => {
    const r = run('--workload', 'store', '--seeds', '1', '--from', '1', '--mutant', 'watch-skip-event', '--jobs', '1');
    assert.equal(r.code, 1, r.stderr);
    const fail = r.lines.find((l) => l.startsWith('FAIL seed 1 [watch] '));
    assert.ok(fail !== undefined, r.lines.join('\n'));
    assert.ok(fail.endsWith('replay: npm run sim -- --workload store --seeds 1 --from 1 --mutant watch-skip-event'), fail);
    assert.match(r.lines.at(-4)!, /^features \(seeds of 1\): /);
    assert.match(r.lines.at(-3)!, /^store features \(seeds of 1\): lease expiries \d+, .* serializable reads \d+$/);
    assert.equal(r.lines.at(-1), '0 passed, 1 failed');
  });

  it('keeps each workload\'s mutants to itself', () => {
    const r = run('--seeds', '1', '--mutant', 'watch-skip-event');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--mutant must be one of .* for the register workload \(got watch-skip-event\)/);
    const s = run('--workload', 'store', '--seeds', '1', '--mutant', 'forget-vote');
    assert.equal(s.code, 2);
    assert.match(s.stderr, /for the store workload \(got forget-vote\)/);
    const w = run('--workload', 'kv', '--seeds', '1');
    assert.equal(w.code, 2);
    assert.match(w.stderr, /--workload must be one of register, store \(got kv\)/);
  });

  it('rejects bad usage with exit code 2', () => {
    const r = run('--seeds', 'many', '--frobnicate');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--seeds needs an integer/);
    assert.match(r.stderr, /unknown argument --frobnicate/);
    assert.match(r.stderr, /usage: npm run sim/);
  });
});
