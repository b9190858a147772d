import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CountingFs } from '../src/fs/counting-fs.ts';
import { MemFs } from '../src/fs/mem-fs.ts';
import { measureFsyncFloor } from '../src/fsync-floor.ts';
import { nodeFsVariant } from './helpers.ts';

describe('measureFsyncFloor', () => {
  it('measures real fdatasyncs of small appends and removes its probe file', async () => {
    const { fs, dir, cleanup } = await nodeFsVariant.make();
    try {
      const r = await measureFsyncFloor(dir, 20);
      assert.equal(r.iterations, 20);
      assert.equal(r.recordBytes, 256);
      assert.ok(r.minUs > 0 && r.minUs <= r.p50Us && r.p50Us <= r.p99Us && r.p99Us <= r.maxUs, JSON.stringify(r));
      assert.deepEqual(await fs.readdir(dir), []);
    } finally {
      await cleanup();
    }
  });

  it('does one write and one fdatasync per iteration and computes percentiles from the clock', async () => {
    const fs = new CountingFs(new MemFs());
    // Each iteration reads the clock twice; sample k lasts (k+1) µs.
    let t = 0n;
    let calls = 0;
    const now = (): bigint => {
      calls++;
      if (calls % 2 === 0) t += BigInt(calls / 2) * 1000n;
      return t;
    };
    const r = await measureFsyncFloor('/probe', 100, { fs, now, recordBytes: 64 });
    assert.equal(fs.counts.writes, 100);
    assert.equal(fs.counts.datasyncs, 100);
    assert.equal(fs.counts.bytesWritten, 6400);
    assert.deepEqual([r.minUs, r.p50Us, r.p99Us, r.maxUs, r.meanUs], [1, 50, 99, 100, 50.5]);
  });

  it('rejects a non-positive iteration count', async () => {
    await assert.rejects(measureFsyncFloor('/x', 0, { fs: new MemFs() }), RangeError);
  });
});
