import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { AuditError, RotatingFile } from '../src/index.ts';
import { FakeClock } from './fake-clock.ts';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'audit-rotate-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const line = (c: string) => c.repeat(9) + '\n'; // 10 bytes

describe('RotatingFile', () => {
  it('rotates before a write that would pass maxSize, naming backups <name>-<UTC time><ext>', () => withDir(async (dir) => {
    const clock = new FakeClock(Date.UTC(2026, 4, 6, 7, 8, 9, 123));
    const f = new RotatingFile({ path: join(dir, 'audit.log'), maxSizeBytes: 25, maxAgeDays: 0, maxBackups: 0, compress: false, clock });
    await f.write(line('a'));
    await f.write(line('b'));
    await f.write(line('c'));
    await f.close();
    assert.deepEqual((await readdir(dir)).sort(), ['audit-2026-05-06T07-08-09.123.log', 'audit.log']);
    assert.equal(await readFile(join(dir, 'audit-2026-05-06T07-08-09.123.log'), 'utf8'), line('a') + line('b'));
    assert.equal(await readFile(join(dir, 'audit.log'), 'utf8'), line('c'));
  }));

  it('appends to an existing file and counts its size', () => withDir(async (dir) => {
    await writeFile(join(dir, 'audit.log'), line('x') + line('y'));
    const clock = new FakeClock(Date.UTC(2026, 0, 1));
    const f = new RotatingFile({ path: join(dir, 'audit.log'), maxSizeBytes: 25, maxAgeDays: 0, maxBackups: 0, compress: false, clock });
    await f.write(line('z'));
    await f.close();
    assert.deepEqual((await readdir(dir)).sort(), ['audit-2026-01-01T00-00-00.000.log', 'audit.log']);
  }));

  it('keeps maxBackups newest backups and compresses them when asked', () => withDir(async (dir) => {
    const clock = new FakeClock(Date.UTC(2026, 0, 1));
    const f = new RotatingFile({ path: join(dir, 'audit.log'), maxSizeBytes: 10, maxAgeDays: 0, maxBackups: 2, compress: true, clock });
    for (const c of 'abcde') {
      await f.write(line(c));
      await clock.advance(1000);
    }
    await f.close();
    assert.deepEqual((await readdir(dir)).sort(), ['audit-2026-01-01T00-00-03.000.log.gz', 'audit-2026-01-01T00-00-04.000.log.gz', 'audit.log']);
    assert.equal(gunzipSync(await readFile(join(dir, 'audit-2026-01-01T00-00-04.000.log.gz'))).toString(), line('d'));
  }));

  it('removes backups older than maxAge days', () => withDir(async (dir) => {
    const day = 24 * 3600 * 1000;
    const clock = new FakeClock(Date.UTC(2026, 0, 1));
    const f = new RotatingFile({ path: join(dir, 'audit.log'), maxSizeBytes: 10, maxAgeDays: 2, maxBackups: 0, compress: false, clock });
    await f.write(line('a'));
    await f.write(line('b')); // backup stamped day 0
    await clock.advance(3 * day);
    await f.write(line('c')); // backup stamped day 3; day 0 is older than 2 days
    await f.close();
    assert.deepEqual((await readdir(dir)).sort(), ['audit-2026-01-04T00-00-00.000.log', 'audit.log']);
  }));

  it('refuses a write larger than maxSize', () => withDir(async (dir) => {
    const f = new RotatingFile({ path: join(dir, 'a.log'), maxSizeBytes: 5, maxAgeDays: 0, maxBackups: 0, compress: false, clock: new FakeClock() });
    await assert.rejects(f.write(line('a')), (err: unknown) => err instanceof AuditError && err.message === 'write length 10 exceeds maximum file size 5');
    await f.write('ok\n');
    await f.close();
    assert.equal(await readFile(join(dir, 'a.log'), 'utf8'), 'ok\n');
  }));
});
