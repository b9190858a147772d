import { test } from 'node:test';
import assert from 'node:assert/strict';

import { parseFlags } from '@logbook/cli-kit';
import { parseMemberConfig } from '../src/index.ts';

const good = [
  '--id', '2',
  '--data-dir', '/tmp/d2',
  '--listen-peer', '127.0.0.1:7002',
  '--listen-client=127.0.0.1:8002',
  '--initial-cluster', '1=127.0.0.1:7001,2=127.0.0.1:7002,3=127.0.0.1:7003',
];

test('valid flags give a frozen config with defaults', () => {
  const r = parseMemberConfig(good);
  assert.equal(r.kind, 'config');
  if (r.kind !== 'config') return;
  assert.equal(r.config.id, 2);
  assert.equal(r.config.dataDir, '/tmp/d2');
  assert.deepEqual(r.config.listenClient, { host: '127.0.0.1', port: 8002 });
  assert.deepEqual([...r.config.initialCluster], [[1, '127.0.0.1:7001'], [2, '127.0.0.1:7002'], [3, '127.0.0.1:7003']]);
  assert.equal(r.config.initialClusterState, 'new');
  assert.equal(r.config.tickMs, 50);
  assert.equal(r.config.logLevel, 'info');
  assert.ok(Object.isFrozen(r.config));
});

test('every problem is reported at once', () => {
  const r = parseMemberConfig([
    '--id', 'zero',
    '--listen-peer', 'nope',
    '--listen-client', '127.0.0.1:99999',
    '--initial-cluster', '1=127.0.0.1:7001,x=bad,1=127.0.0.1:7009',
    '--tick-ms', '-5',
    '--bogus', '1',
    '--log-level', 'loud',
    'stray',
  ]);
  assert.equal(r.kind, 'invalid');
  if (r.kind !== 'invalid') return;
  const text = r.problems.join('\n');
  for (const expected of [
    /--id must be an integer/,
    /--data-dir is required/,
    /--listen-peer must be HOST:PORT/,
    /--listen-client must be HOST:PORT/,
    /entry "x=bad"/,
    /lists member 1 twice/,
    /--tick-ms must be an integer/,
    /unknown flag --bogus/,
    /--log-level must be one of/,
    /unexpected argument "stray"/,
  ]) {
    assert.match(text, expected);
  }
});

test('the member must be listed in --initial-cluster; values are required; repeats are errors', () => {
  const r = parseMemberConfig([...good.slice(0, 7), '--initial-cluster', '1=127.0.0.1:7001', '--id', '3', '--election-ticks']);
  assert.equal(r.kind, 'invalid');
  if (r.kind !== 'invalid') return;
  const text = r.problems.join('\n');
  assert.match(text, /--id given more than once/);
  assert.match(text, /--election-ticks needs a value/);
  assert.match(text, /must list this member/);
});

test('--help wins over missing flags', () => {
  assert.deepEqual(parseMemberConfig(['--help']), { kind: 'help' });
  assert.equal(parseFlags(['-h'], []).help, true);
});
