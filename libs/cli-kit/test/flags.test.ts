import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseFlags, type FlagSpec } from '../src/index.ts';

const specs: FlagSpec[] = [
  { name: 'name', arg: 'NAME', default: 'default' },
  { name: 'client-cert-auth', help: 'bool' },
  { name: 'auto-compaction-retention', arg: 'N', unimplemented: true },
].map((s) => ({ help: '', ...s }));

describe('parseFlags', () => {
  it('accepts Go-style single-dash flags when asked to', () => {
    const r = parseFlags(['-name', 'x', '-client-cert-auth'], specs, { singleDash: true });
    assert.deepEqual(r.problems, []);
    assert.equal(r.values.get('name'), 'x');
    assert.equal(r.values.get('client-cert-auth'), 'true');
  });

  it('refuses single-dash flags by default and unknown flags always', () => {
    assert.deepEqual(parseFlags(['-name', 'x'], specs).problems, ['unexpected argument "-name"', 'unexpected argument "x"']);
    assert.deepEqual(parseFlags(['--bogus=1'], specs, { singleDash: true }).problems, ['unknown flag --bogus']);
  });

  it('names each accepted-but-unimplemented flag in a warning', () => {
    const r = parseFlags(['--auto-compaction-retention=1'], specs);
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.warnings, ['--auto-compaction-retention is an accepted flag that Logbook does not implement; it has no effect']);
    assert.deepEqual(parseFlags([], specs).warnings, []);
  });
});
