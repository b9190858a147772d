import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { main } from '../src/index.ts';

const BIN = fileURLToPath(new URL('../bin/logbook.js', import.meta.url));

function capture(): { io: { stdout: { write(s: string): boolean }; stderr: { write(s: string): boolean } }; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: { stdout: { write: (s) => ((out += s), true) }, stderr: { write: (s) => ((err += s), true) } },
    out: () => out,
    err: () => err,
  };
}

test('--help lists every subcommand and exits 0', async () => {
  const c = capture();
  assert.equal(await main(['--help'], c.io), 0);
  for (const sub of ['demo', 'member', 'sim']) assert.match(c.out(), new RegExp(`^  ${sub} `, 'm'));
});

test('an unknown subcommand is an error with help, exit 2', async () => {
  const c = capture();
  assert.equal(await main(['frobnicate'], c.io), 2);
  assert.match(c.err(), /unknown subcommand "frobnicate"/);
  assert.match(c.err(), /subcommands:/);
  const none = capture();
  assert.equal(await main([], none.io), 2);
  assert.match(none.err(), /a subcommand is required/);
});

test('member and demo validate their flags and report every problem', async () => {
  const c = capture();
  assert.equal(await main(['member', '--id', 'x', '--nope'], c.io), 2);
  assert.match(c.err(), /--id must be an integer/);
  assert.match(c.err(), /unknown flag --nope/);
  assert.match(c.err(), /--data-dir is required/);
  const d = capture();
  assert.equal(await main(['demo', '--size', '2', '--what'], d.io), 2);
  assert.match(d.err(), /--size must be odd/);
  assert.match(d.err(), /unknown flag --what/);
  const h = capture();
  assert.equal(await main(['member', '--help'], h.io), 0);
  assert.match(h.out(), /--initial-cluster ID=HOST:PORT/);
});

test('the bin script runs under node with type stripping', () => {
  const out = execFileSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
  assert.match(out, /usage: logbook <subcommand>/);
  const r = spawnSync(process.execPath, [BIN, 'bogus'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
});

test('logbook sim runs the simulator and ends with the pass/fail line', () => {
  const r = spawnSync(process.execPath, [BIN, 'sim', '--seeds', '3', '--jobs', '1'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^3 passed, 0 failed$/m);
  const bad = spawnSync(process.execPath, [BIN, 'sim', '--seeds', 'many'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--seeds needs an integer/);
});
