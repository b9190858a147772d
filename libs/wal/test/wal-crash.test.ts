// The WAL on MemFs under power loss, torn writes and failing disks.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { LogIndex, Term } from '@logbook/raft/core';
import { WalFailedError } from '../src/errors.ts';
import { FsError, MemFs } from '../src/fs/mem-fs.ts';
import { entries, entry, prng } from './helpers.ts';
import { body, entryShapes, fresh, hs, reopen, segmentFiles } from './wal-helpers.ts';

describe('Wal on MemFs: crashes and failing disks', () => {
  it('a crash loses exactly the saves that were not synced', async () => {
    const fs = new MemFs();
    const walDir = '/m/wal';
    const { wal } = await fresh(fs, walDir);
    await wal.save({ entries: entries(1, 3, 1) }, true);
    await wal.save({ entries: entries(4, 5, 1), hardState: hs(1, 0, 3) }, false);
    fs.crash();
    const { wal: w2, records } = await reopen(fs, walDir);
    assert.deepEqual(entryShapes(records).map((e) => e.index), [1, 2, 3]);
    assert.ok(!body(records).some((r) => r.type === 'hard-state'));
    await w2.close();
  });

  it('a save survives a torn write whole or not at all', async () => {
    let partial = 0;
    for (let seed = 1; seed <= 80; seed++) {
      const fs = new MemFs();
      const walDir = '/m/wal';
      const { wal } = await fresh(fs, walDir);
      await wal.save({ entries: entries(1, 2, 1) }, true);
      await wal.save({ snapshot: { index: 10 as LogIndex, term: 2 as Term }, entries: entries(11, 14, 2), hardState: hs(2, 0, 10) }, false);
      fs.crash({ random: prng(seed) });
      const { wal: w2, records, logger } = await reopen(fs, walDir);
      const types = body(records).map((r) => r.type);
      assert.ok(
        JSON.stringify(types) === JSON.stringify(['entry', 'entry']) ||
          JSON.stringify(types) === JSON.stringify(['entry', 'entry', 'snapshot', 'entry', 'entry', 'entry', 'entry', 'hard-state']),
        `seed ${seed}: ${types.join(',')}`,
      );
      if (types.length === 2 && logger.has('warn', 'torn')) partial++;
      await w2.close();
    }
    assert.ok(partial > 0, 'some seeds tear the second save part-way');
  });

  it('after a crash with torn writes the log is always a prefix of what was saved, and synced saves survive', async () => {
    for (let seed = 1; seed <= 60; seed++) {
      const random = prng(seed);
      const fs = new MemFs();
      const walDir = '/m/wal';
      const { wal } = await fresh(fs, walDir, { segmentSizeBytes: 1500 });
      let synced = 0;
      let saved = 0;
      for (let i = 1; i <= 25; i++) {
        const sync = random(3) === 0;
        await wal.save({ entries: [entry(i, 1, 's'.repeat(random(120)))] }, sync);
        saved = i;
        if (sync) synced = i;
      }
      fs.crash({ random });
      const { wal: w2, records } = await reopen(fs, walDir, { segmentSizeBytes: 1500 });
      const idx = entryShapes(records).map((e) => e.index);
      assert.deepEqual(idx, Array.from({ length: idx.length }, (_, i) => i + 1), `seed ${seed}: not a prefix`);
      assert.ok(idx.length >= synced && idx.length <= saved, `seed ${seed}: ${idx.length} entries, synced ${synced}`);
      await w2.save({ entries: [entry(idx.length + 1, 2)] }, true);
      await w2.close();
      const { wal: w3, records: again } = await reopen(fs, walDir, { segmentSizeBytes: 1500 });
      assert.equal(entryShapes(again).length, idx.length + 1, `seed ${seed}: not appendable after recovery`);
      await w3.close();
    }
  });

  it('a failed fdatasync fails the save and every save after it', async () => {
    const fs = new MemFs();
    const walDir = '/m/wal';
    const { wal } = await fresh(fs, walDir);
    await wal.save({ entries: [entry(1, 1)] }, true);
    fs.setFaultHook((op) => (op === 'datasync' ? new FsError('EIO', op, '') : undefined));
    await assert.rejects(wal.save({ entries: [entry(2, 1)] }, true), { code: 'EIO' });
    fs.setFaultHook(undefined);
    await assert.rejects(wal.save({ entries: [entry(2, 1)] }, true), WalFailedError);
    await wal.close();
    fs.crash();
    const { wal: w2, records } = await reopen(fs, walDir);
    assert.deepEqual(entryShapes(records).map((e) => e.index), [1]);
    await w2.close();
  });

  it('a crash during rotation (new segment never made durable in its directory) loses nothing synced', async () => {
    const fs = new MemFs();
    const walDir = '/m/wal';
    const opts = { segmentSizeBytes: 600 };
    const { wal } = await fresh(fs, walDir, opts);
    await wal.save({ entries: [entry(1, 1, 'a'.repeat(300))] }, true);
    fs.setFaultHook((op) => (op === 'fsyncDir' ? new FsError('EIO', op, walDir) : undefined));
    await assert.rejects(wal.save({ entries: [entry(2, 1, 'b'.repeat(300))] }, true));
    fs.setFaultHook(undefined);
    fs.crash({ random: prng(3) });
    const { wal: w2, records } = await reopen(fs, walDir, opts);
    assert.deepEqual(entryShapes(records).map((e) => e.index), [1]);
    assert.equal((await segmentFiles(fs, join(walDir))).length, 1);
    await w2.close();
  });
});
