import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { it } from 'node:test';

it('close() releases every handle: the process exits by itself', () => {
  const child = spawnSync(process.execPath, [join(import.meta.dirname, 'clean-exit-child.ts')], {
    encoding: 'utf8',
    timeout: 15_000,
  });
  assert.equal(child.error, undefined, `child did not exit: ${String(child.error)}\n${child.stdout}\n${child.stderr}`);
  assert.equal(child.status, 0, child.stderr);
  const closed = /closed ([\d.]+)/.exec(child.stdout);
  const exited = /exit ([\d.]+)/.exec(child.stdout);
  assert.ok(closed !== null && exited !== null, child.stdout);
  // Well under the child's 4 s reconnect and keepalive intervals.
  const lingerMs = Number(exited[1]) - Number(closed[1]);
  assert.ok(lingerMs < 1_500, `process lingered ${lingerMs} ms after close()`);
});
